"""The report of one assessment, as a web page and as a PDF."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, render_template, request

from reports.i18n import LANGUAGES
from reports.render import render_body, render_document, stylesheet
from webapp.core import store
from webapp.core.links import assessment_or_404
from webapp.core.i18n import current_language
from webapp.core.models import Assessment
from webapp.core.pdfs import PdfKey, pdf_download
from webapp.core.reports import report_for

bp = Blueprint("report", __name__)


def report_language() -> str:
    """The report can be read in any language, whatever language the answers were given in."""
    lang = request.args.get("lang")
    return lang if lang in LANGUAGES else current_language()


def _report(assessment, lang: str):
    return report_for(assessment, lang, "official")


@bp.get("/a/<token>/report")
def show(token: str):
    assessment = assessment_or_404(token)
    lang = report_language()
    report = _report(assessment, lang)
    return render_template("wizard/report.html", assessment=assessment, report=report, body=render_body(report), report_lang=lang)


@bp.get("/a/<token>/report.json")
def as_json(token: str):
    """The scores and ranked recommendations as data, for the private link's holder."""
    from reports.export import report_data

    assessment = assessment_or_404(token)
    response = jsonify(report_data(_report(assessment, report_language())))
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/a/<token>/report.pdf")
def pdf(token: str):
    lang = report_language()
    # One small query names the PDF: a repeat download never loads the assessment.
    current = store.version_by_token(token)
    if current is None:
        abort(404)
    assessment_id, version = current

    def build_html() -> str:
        return render_document(_report(assessment_or_404(token), lang))

    key = PdfKey(f"assessment:{assessment_id}", str(version), lang, assessment_id)
    return pdf_download(key, build_html, f"training-needs-{Assessment.reference_for(assessment_id)}.pdf")


@bp.get("/report-assets/report.css")
def report_css():
    return Response(stylesheet("report.css"), mimetype="text/css", headers={"Cache-Control": "public, max-age=3600"})
