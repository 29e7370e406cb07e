"""National reports: chosen and published by TA officers, read by donors and by officials of
the agencies included once published."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from reports.render import render_national, render_national_body
from webapp.core.db import db
from webapp.core.definitions import catalogue, questionnaire
from webapp.core.exports import XLSX, download, xlsx_bytes
from webapp.core.i18n import current_language
from webapp.core.models import NationalReport as NationalRecord
from webapp.core.pdfs import PdfKey, pdf_download, stamp_of
from webapp.core.roles import can, permission_required
from webapp.core.status import PUBLISHED, national_status_label
from webapp.national import service

bp = Blueprint("national", __name__, url_prefix="/national")


def _record(report_id: UUID) -> NationalRecord:
    """The report, if this person may read it: TA officers always; once published, donors and
    the officials of an agency it includes. Anyone else gets a 404 (or the sign-in page)."""
    record = db.get_or_404(NationalRecord, str(report_id))
    if can("review"):
        return record
    published = record.status == PUBLISHED
    if published and can("read-portfolio"):
        return record
    if published and can("assess") and current_user.agency_id in {a.agency_id for a, _profile in service.included(record)}:
        return record
    abort(404)


def _built(record: NationalRecord):
    status = national_status_label(PUBLISHED) if record.status == PUBLISHED else _("Draft: not yet published")
    return service.build(record, questionnaire(), catalogue(), current_language(), status)


@bp.get("/")
@permission_required("review")
def index():
    reports = db.session.scalars(db.select(NationalRecord).order_by(NationalRecord.created_at.desc())).all()
    return render_template("national/index.html", reports=reports, countries=service.countries())


@bp.get("/new")
@permission_required("review")
def new():
    country = request.args.get("country", "")[:2]
    rows = service.submitted_in(country)
    if not rows:
        flash(_("No agency of this country has submitted an assessment yet."), "error")
        return redirect(url_for("national.index"))
    return render_template("national/new.html", country=country, chosen=service.latest_of_each(rows),
                           checked=[r for r in rows if service.reviewed(r[0])], unchecked=[r for r in rows if not service.reviewed(r[0])])


@bp.post("/")
@permission_required("review")
def create():
    country = request.form.get("country", "")[:2]
    chosen = request.form.getlist("assessment")[:500]
    try:
        record = service.create(country, chosen, current_user, request.form.get("include_unreviewed") == "yes")
    except service.NotReviewed:
        flash(_("Some assessments you chose are not yet reviewed. To include them, also tick “Include assessments not yet reviewed”; the report will say so."), "error")
        return redirect(url_for("national.new", country=country))
    if record is None:
        flash(_("Choose at least one submitted assessment of this country."), "error")
        return redirect(url_for("national.new", country=country))
    return redirect(url_for("national.show", report_id=record.id))


@bp.get("/<uuid:report_id>")
def show(report_id: UUID):
    record = _record(report_id)
    report = _built(record)
    return render_template("national/show.html", record=record, body=render_national_body(report), can_publish=can("review"))


@bp.get("/<uuid:report_id>.pdf")
def pdf(report_id: UUID):
    record = _record(report_id)
    # The report changes when it is published and when an included assessment changes (its
    # status too: a reviewed one drops the line about assessments not yet reviewed).
    stamp = stamp_of(record.status, record.published_at, [(a.id, a.version, a.status, profile.name, profile.agency_type)
                                                          for a, profile in service.included(record)])
    key = PdfKey(f"national:{record.id}", stamp, current_language())
    return pdf_download(key, lambda: render_national(_built(record)), f"{record.reference}.pdf")


@bp.get("/<uuid:report_id>.xlsx")
def xlsx(report_id: UUID):
    """The matrix and the plan, as a workbook."""
    record = _record(report_id)
    report = _built(record)

    def level(agency, i: int):
        if not agency.asked[i]:
            return _("not asked")
        return agency.levels[i] if agency.levels[i] is not None else _("not enough information")

    matrix = [[title] + [level(a, i) for a in report.agencies] for i, title in enumerate(report.sections)]
    plan = [[row.resource, row.part, "; ".join(row.agencies), ", ".join(row.audiences), row.people,
             _("yes") if row.joint else _("no")] for row in report.plan]
    data = xlsx_bytes([
        (_("Matrix"), [_("Section")] + [a.name for a in report.agencies], matrix),
        (_("Plan"), [_("Resource"), _("Part"), _("Agencies"), _("Audience"), _("People to train"), _("Joint training")], plan),
    ])
    return download(data, XLSX, f"{record.reference}.xlsx")


@bp.post("/<uuid:report_id>/publish")
@permission_required("review")
def publish(report_id: UUID):
    record = _record(report_id)
    if record.status != PUBLISHED:
        service.publish(record, current_user)
        flash(_("The national report is published. Donors and the agencies included can read it."), "success")
    return redirect(url_for("national.show", report_id=record.id))
