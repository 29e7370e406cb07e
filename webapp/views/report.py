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


def _pdf_headers(key: str, reference: str) -> dict[str, str]:
    return {
        "Content-Disposition": f'attachment; filename="training-needs-{reference}.pdf"',
        "Cache-Control": "private, no-cache",
        "ETag": f'"{key}"',
    }


@bp.get("/a/<token>/report.pdf")
def pdf(token: str):
    digest = current_app.extensions["tna.digest"]
    cached = pdfcache.cached_pdf_for_token(token, digest)
    if cached is not None:
        data, key, reference = cached
    else:
        assessment = store.get_by_token(token)
        key, reference = pdfcache.cache_key(assessment, assessment.language, digest), assessment.reference
        data = pdfcache.render_and_store(assessment, key, lambda: render_document(_report(assessment)))
    if request.if_none_match.contains(key):
        return Response(status=304, headers=_pdf_headers(key, reference))
    return Response(data, mimetype="application/pdf", headers=_pdf_headers(key, reference))


@bp.get("/report-assets/report.css")
def report_css():
    return Response(stylesheet("report.css"), mimetype="text/css", headers={"Cache-Control": "public, max-age=3600"})
