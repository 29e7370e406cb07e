"""E-mail: the private link, reminders, the reviewer's questions and the official's replies,
publication and invitations, sent over SMTP with Flask-Mailman. With no mail server set up,
each message is written to the log and to a file instead (MAIL_LOG in the README)."""

from __future__ import annotations

from flask import Flask
from flask_mailman import Mail

mail = Mail()


def init_app(app: Flask) -> None:
    from webapp.mail import service, views

    mail.init_app(app)
    app.jinja_env.globals["kept_address"] = service.kept_address
    app.register_blueprint(views.bp)
