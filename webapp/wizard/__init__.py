"""The official's wizard: start, one page per section, check, submit; and the report behind
the private link, as a page, a PDF and JSON."""

from __future__ import annotations

from flask import Flask



def init_app(app: Flask) -> None:
    from webapp.wizard import report, views

    app.register_blueprint(views.bp)
    app.register_blueprint(report.bp)
