"""The page language: the visitor's choice (a cookie), else the browser's Accept-Language."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from flask import Blueprint, Flask, redirect, request
from flask_babel import Babel, get_locale, gettext
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from questionnaires.answers import MESSAGES, Problem
from reports.i18n import LANGUAGES, TRANSLATIONS_DIR, Translator, country_names, language_name

COOKIE = "lang"
COOKIE_AGE = 365 * 24 * 3600

bp = Blueprint("i18n", __name__)
babel = Babel()

def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else "en"


# Flask-Babel parses the selected language into a Locale on every request; a Locale made
# once per language is returned as it is.
_LOCALES = {code: Locale.parse(code) for code in LANGUAGES}


def select_language() -> Locale:
    chosen = request.cookies.get(COOKIE)
    if chosen not in LANGUAGES:
        chosen = _best_match(request.environ.get("HTTP_ACCEPT_LANGUAGE", ""))
    return _LOCALES[chosen]


@lru_cache(maxsize=512)
def _best_match(accept_language: str) -> str:
    """The browser's preferred language among ours. Browsers send the same few headers over
    and over, so each is parsed once."""
    if not accept_language:
        return "en"
    return parse_accept_header(accept_language, LanguageAccept).best_match(LANGUAGES) or "en"


def problem_message(problem: Problem, labels: dict | None = None) -> str:
    """The engine's message for an answer problem, in the page's language."""
    if labels and "label" in problem.params:
        problem = Problem(problem.code, dict(problem.params, label=labels.get(problem.params["label"], problem.params["label"])))
    return problem.message(gettext(MESSAGES[problem.code]), Translator(current_language()).number)


@bp.get("/language/<lang>")
def switch(lang: str):
    """Remember the chosen language and go back to the page the visitor was on."""
    from webapp.core.security import local_path

    response = redirect(local_path(request.args.get("next")))
    if lang in LANGUAGES:
        response.set_cookie(COOKIE, lang, max_age=COOKIE_AGE, httponly=True, samesite="Lax",
                            secure=request.is_secure)
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS_DIR)
    babel.init_app(app, locale_selector=select_language)
    app.register_blueprint(bp)

    @app.context_processor
    def languages():
        lang = current_language()
        return {
            "current_language": lang,
            "languages": [(code, language_name(code)) for code in LANGUAGES],
            "t": Translator(lang),
            "text_direction": Translator(lang).direction,
        }

    app.jinja_env.globals["country_names"] = lambda: country_names(current_language())
