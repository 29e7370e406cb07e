"""Donors and staff read across published assessments: heat maps, frequent gaps, demand for
each resource, the work plan, and CSV/XLSX exports. Figures come from what was published."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from webapp.portfolio import views

    app.register_blueprint(views.bp)
