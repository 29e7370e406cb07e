"""Working offline: the blank questionnaire as a PDF, the questionnaire as a workbook (blank,
or filled with an assessment's answers), a filled workbook uploaded back into a draft, and an
assessment's answers as JSON and CSV."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from webapp.offline import views

    app.register_blueprint(views.bp)
