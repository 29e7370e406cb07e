"""Each agency over time: its assessments, the plan made of its recommendations (planned,
delivered, dropped), and the training delivered to it. TA officers record training here."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from webapp.agencies import views

    app.register_blueprint(views.bp)
