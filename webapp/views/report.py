"""The report of one assessment, as a web page and as a PDF."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request
from flask_babel import gettext as _

from reports.build import build_report
from reports.render import render_body, render_document, stylesheet

from reports.i18n import LANGUAGES

from .. import pdfcache, review, store
from ..i18n import current_language
from .common import catalogue, questionnaire

bp = Blueprint("report", __name__)


def report_language() -> str:
    """The report can be read in any language, whatever language the answers were given in."""
    lang = request.args.get("lang")
    return lang if lang in LANGUAGES else current_language()


def _report(assessment, lang: str):
    from flask_babel import force_locale

    with force_locale(lang):
        status = _("Submitted") if assessment.submitted else _("Draft: not yet submitted")
    info = {
        "reference": assessment.reference,
        "date": (assessment.submitted_at or assessment.updated_at).date(),
        "status": status,
    }
    # Once reviewed, the official's report shows the reviewer, the note and any changes too.
    return build_report(questionnaire(), catalogue(), assessment.answer_values(), info, lang,
                        review.adjustment_specs(assessment), review.review_info(assessment))


@bp.get("/a/<token>/report")
def show(token: str):
    assessment = store.get_by_token(token)
    lang = report_language()
    report = _report(assessment, lang)
    return render_template("report.html", assessment=assessment, report=report, body=render_body(report), report_lang=lang)


@bp.get("/a/<token>/report.json")
def as_json(token: str):
    """The scores and ranked recommendations as data, for the private link's holder."""
    from reports.export import report_data

    assessment = store.get_by_token(token)
    response = jsonify(report_data(_report(assessment, report_language())))
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _pdf_headers(key: str, reference: str) -> dict[str, str]:
    return {
        "Content-Disposition": f'attachment; filename="training-needs-{reference}.pdf"',
        "Cache-Control": "private, no-cache",
        "ETag": f'"{key}"',
    }


@bp.get("/a/<token>/report.pdf")
def pdf(token: str):
    digest = current_app.extensions["tna.digest"]
    lang = report_language()
    current = pdfcache.current_key(store.link_token(token), lang, digest)
    if current is None:
        abort(404)
    key, reference = current
    headers = _pdf_headers(key, reference)
    # A key names one PDF forever: a browser that holds it has the report as it stands.
    if request.if_none_match.contains(key):
        return Response(status=304, headers=headers)
    data = pdfcache.stored_pdf(key)
    if data is None:
        assessment = store.get_by_token(token)
        key = pdfcache.cache_key(assessment, lang, digest)
        data = pdfcache.render_and_store(assessment, key, lambda: render_document(_report(assessment, lang)))
        headers = _pdf_headers(key, reference)
    return Response(data, mimetype="application/pdf", headers=headers)


@bp.get("/report-assets/report.css")
def report_css():
    return Response(stylesheet("report.css"), mimetype="text/css", headers={"Cache-Control": "public, max-age=3600"})
