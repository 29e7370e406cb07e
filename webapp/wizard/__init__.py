"""The official's wizard: start, one page per section, check, submit; and the report behind
the private link, as a page, a PDF (cached by version and code) and JSON."""

from __future__ import annotations

from flask import Flask

from questionnaires import DEFAULT_QUESTIONNAIRE
from reports.catalogue import DEFAULT_CATALOGUE


def init_app(app: Flask) -> None:
    from webapp.wizard import pdfcache, report, views

    app.extensions["tna.digest"] = pdfcache.definitions_digest(
        app.config.get("TNA_QUESTIONNAIRE") or DEFAULT_QUESTIONNAIRE, app.config.get("TNA_CATALOGUE") or DEFAULT_CATALOGUE
    )
    app.register_blueprint(views.bp)
    app.register_blueprint(report.bp)
