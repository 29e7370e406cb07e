"""The national report: a TA officer chooses the submitted assessments of one country's
agencies, reviews the report, and publishes it for donors and the agencies included."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from webapp.national import views

    app.register_blueprint(views.bp)
