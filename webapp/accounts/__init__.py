"""Accounts: sign-in and sign-out, passwords, invitations, throttled attempts, and each
person's home page and list of assessments."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from webapp.accounts import service, views

    service.login_manager.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("TNA_RATELIMIT_STORAGE", "database://"))
    service.init_throttle(app)
    app.register_blueprint(views.bp)
