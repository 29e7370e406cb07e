"""The report of one assessment, as a web page and as a PDF."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from reports.build import build_report
from reports.render import render_body, render_document, stylesheet

from .. import pdfcache, store
from .common import catalogue, questionnaire

bp = Blueprint("report", __name__)


def _report(assessment):
    info = {
        "reference": assessment.reference,
        "date": (assessment.submitted_at or assessment.updated_at).date(),
        "status": "Submitted" if assessment.submitted else "Draft: not yet submitted",
    }
    return build_report(questionnaire(), catalogue(), assessment.answer_values(), info, assessment.language)


@bp.get("/a/<token>/report")
def show(token: str):
    assessment = store.get_by_token(token)
    report = _report(assessment)
    return render_template("report.html", assessment=assessment, report=report, body=render_body(report))


@bp.get("/a/<token>/report.pdf")
def pdf(token: str):
    assessment = store.get_by_token(token)
    key = pdfcache.cache_key(assessment, assessment.language, current_app.extensions["tna.digest"])
    headers = {
        "Content-Disposition": f'attachment; filename="training-needs-{assessment.reference}.pdf"',
        "Cache-Control": "private, no-cache",
        "ETag": f'"{key}"',
    }
    if request.if_none_match.contains(key):
        return Response(status=304, headers=headers)
    data = pdfcache.cached_pdf(key)
    if data is None:
        data = pdfcache.render_and_store(assessment, key, lambda: render_document(_report(assessment)))
    return Response(data, mimetype="application/pdf", headers=headers)


@bp.get("/report-assets/report.css")
def report_css():
    return Response(stylesheet("report.css"), mimetype="text/css", headers={"Cache-Control": "public, max-age=3600"})
