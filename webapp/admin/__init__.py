"""Administrators invite people and give them a role."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from webapp.admin import views

    app.register_blueprint(views.bp)
