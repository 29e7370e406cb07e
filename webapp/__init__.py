"""The Flask application: the only package that imports Flask or the database.

`core/` holds what every feature shares (configuration, database and models, the assessment
store, the report builder, roles, i18n, security and error pages). Each feature is a package
with its blueprint and the services only it uses: `wizard/`, `review/`, `portfolio/`,
`accounts/`, `admin/`, `agencies/`, `mail/`, `national/` and `offline/`.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from questionnaires import DEFAULT_QUESTIONNAIRE
from questionnaires.carry import load_history
from reports.catalogue import DEFAULT_CATALOGUE, load_definitions
from webapp.core import config, errors, i18n, pdfs, security
from webapp.core.db import db, migrate

csrf = CSRFProtect()


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(config.INSTANCE))
    app.config.update(config.from_environment())
    app.config.update(overrides or {})

    # Definitions are checked at start-up: a broken questionnaire or catalogue stops the app
    # with an error that names the file and the path in it.
    questionnaire_path = app.config.get("TNA_QUESTIONNAIRE") or DEFAULT_QUESTIONNAIRE
    catalogue_path = app.config.get("TNA_CATALOGUE") or DEFAULT_CATALOGUE
    questionnaire, catalogue = load_definitions(questionnaire_path, catalogue_path)
    app.extensions["tna.questionnaire"] = questionnaire
    app.extensions["tna.catalogue"] = catalogue
    app.extensions["tna.history"] = load_history(questionnaire_path, questionnaire)
    # Part of the name of every stored PDF: a deploy that changes what a PDF says renders it anew.
    app.extensions["tna.digest"] = pdfs.definitions_digest(questionnaire_path, catalogue_path)

    security.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(config.ROOT / "migrations"))
    csrf.init_app(app)
    i18n.init_app(app)
    errors.register(app)
    _template_helpers(app)

    from webapp import accounts, admin, agencies, mail, national, offline, portfolio, review, wizard

    for feature in (accounts, admin, agencies, mail, national, offline, review, portfolio, wizard):
        feature.init_app(app)
    return app


def _template_helpers(app: Flask) -> None:
    from questionnaires import tr
    from questionnaires.answer_types import handler
    from reports.build import answer_text
    from webapp.core.i18n import current_language

    @app.template_filter("tr")
    def translate(text: dict[str, str] | None) -> str:
        return tr(text, current_language())

    app.jinja_env.globals["answer_type"] = handler
    app.jinja_env.globals["answer_text"] = lambda question, value: answer_text(question, value, current_language())

    from webapp.core.status import national_status_label, status_label

    app.jinja_env.globals["status_label"] = status_label
    app.jinja_env.globals["national_status_label"] = national_status_label

    from reports.build import priority_label
    from reports.i18n import Translator
    from reports.recommend import PRIORITY_ORDER

    from flask_babel import gettext

    from questionnaires import evidence
    from webapp.core.validation import STATE_LABELS

    @app.context_processor
    def evidence_words() -> dict:
        """How an answer is known, in the page's language, for the wizard and the reports' pages."""
        return {"evidence_kinds": evidence.KINDS, "evidence_note_limit": evidence.NOTE_LIMIT,
                "evidence_labels": {k: gettext(v) for k, v in evidence.LABELS.items()},
                "evidence_hints": {k: gettext(v) for k, v in evidence.HINTS.items()}}

    app.jinja_env.globals["validation_label"] = lambda state: str(STATE_LABELS.get(state, state))
    # A priority by its name in the page's language, never its id.
    app.jinja_env.globals["priority_name"] = lambda priority: (
        priority_label(priority, Translator(current_language())) if priority in PRIORITY_ORDER else priority)
