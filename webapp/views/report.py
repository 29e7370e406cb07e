"""The report of one assessment, as a web page and as a PDF."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from reports.build import build_report
from reports.render import render_body, report_pdf, stylesheet

from .. import store
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
    data = report_pdf(_report(assessment))
    filename = f"training-needs-{assessment.reference}.pdf"
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"},
    )


@bp.get("/report-assets/report.css")
def report_css():
    return Response(stylesheet("report.css"), mimetype="text/css", headers={"Cache-Control": "public, max-age=3600"})
