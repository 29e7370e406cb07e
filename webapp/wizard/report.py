"""The report of one assessment, as a web page and as a PDF."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request

from reports.i18n import LANGUAGES
from reports.render import render_body, render_document, stylesheet
from webapp.core import store
from webapp.core.i18n import current_language
from webapp.core.reports import report_for
from webapp.wizard import pdfcache

bp = Blueprint("report", __name__)


def report_language() -> str:
    """The report can be read in any language, whatever language the answers were given in."""
    lang = request.args.get("lang")
    return lang if lang in LANGUAGES else current_language()


def _report(assessment, lang: str):
    return report_for(assessment, lang, "official")


@bp.get("/a/<token>/report")
def show(token: str):
    assessment = store.get_by_token(token)
    lang = report_language()
    report = _report(assessment, lang)
    return render_template("wizard/report.html", assessment=assessment, report=report, body=render_body(report), report_lang=lang)


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
