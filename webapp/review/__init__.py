"""Technical-assistance officers review submitted assessments: queue, comments, questions to
the official, changes to recommendations, publication. Every change is audited."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from webapp.review import views

    app.register_blueprint(views.bp)
