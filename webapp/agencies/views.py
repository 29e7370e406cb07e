"""Agency pages for TA officers: assessments over time, the plan, and training delivered."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, TextAreaField
from wtforms.widgets import TextInput
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from questionnaires import tr
from reports.catalogue import AUDIENCE_LABELS, AUDIENCES
from webapp.agencies import service
from webapp.core.db import db
from webapp.core.definitions import catalogue
from webapp.core.i18n import current_language
from webapp.core.models import PLAN_STATUSES, Agency
from webapp.core.plan import STATUS_LABELS, plan
from webapp.core.plan import assessments as agency_assessments
from webapp.core.roles import permission_required
from webapp.core.store import training as training_of

bp = Blueprint("agencies", __name__, url_prefix="/agencies")
NOTE_LIMIT = 2000


class TrainingForm(FlaskForm):
    class Meta:
        csrf = False  # CSRFProtect checks every POST

    part = SelectField(_l("Resource and part used"), choices=[], validate_choice=True)
    # Typed as text, year-month-day: a browser's date picker shows its own format, which the hint could not match.
    starts_on = DateField(_l("First day"), widget=TextInput(), validators=[InputRequired(_l("Enter the first day, like 2026-03-14"))])
    ends_on = DateField(_l("Last day"), widget=TextInput(), validators=[InputRequired(_l("Enter the last day, like 2026-03-18"))])
    participants = IntegerField(_l("Number of participants"), validators=[
        InputRequired(_l("Enter the number of participants, like 24")),
        NumberRange(1, 10_000, _l("Enter a number from 1 to 10,000"))])
    audience = SelectField(_l("Participants"), choices=[], validate_choice=True)
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=NOTE_LIMIT, message=_l("Keep the note to 2,000 characters or fewer"))])

    # WTForms' own messages ("Not a valid date value.") are replaced by ones a user can act on.
    PLAIN = {
        "part": _l("Choose a resource and part from the list"),
        "starts_on": _l("Enter the first day as year-month-day, like 2026-03-14"),
        "ends_on": _l("Enter the last day as year-month-day, like 2026-03-18"),
        "participants": _l("Enter the number of participants, like 24"),
        "audience": _l("Choose who took part from the list"),
    }

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name, message in self.PLAIN.items():
            field = self[name]
            field.errors = [str(message) if e.startswith(("Not a valid", "Invalid Choice")) else e for e in field.errors]
        return valid

    def validate_ends_on(self, field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            from wtforms.validators import ValidationError

            raise ValidationError(_("The last day cannot be before the first day"))


def _agency(agency_id: UUID) -> Agency:
    return db.get_or_404(Agency, str(agency_id))


def _training_form(formdata=None) -> TrainingForm:
    lang = current_language()
    form = TrainingForm(formdata=formdata)
    form.part.choices = [SelectChoice(key, title) for key, title in catalogue().part_titles(lang).items()]
    form.audience.choices = [SelectChoice(a, tr(AUDIENCE_LABELS[a], lang)) for a in AUDIENCES]
    return form


def _page(agency: Agency, form: TrainingForm, status: int = 200, plan_errors=None, plan_values=None):
    lang = current_language()
    assessment, rows = plan(agency.id)
    parts = catalogue().part_titles(lang)
    return render_template(
        "agencies/show.html", agency=agency, assessments=agency_assessments(agency.id), plan_from=assessment, plan=rows,
        training=training_of(agency.id), form=form, parts=parts, statuses=STATUS_LABELS,
        audiences={a: tr(AUDIENCE_LABELS[a], lang) for a in AUDIENCES},
        plan_errors=plan_errors or {}, plan_values=plan_values or {},
    ), status


@bp.get("/")
@permission_required("review")
def index():
    return render_template("agencies/index.html", agencies=service.agencies_with_assessments())


@bp.get("/<uuid:agency_id>")
@permission_required("review")
def show(agency_id: UUID):
    return _page(_agency(agency_id), _training_form())


@bp.post("/<uuid:agency_id>/training")
@permission_required("review")
def record_training(agency_id: UUID):
    agency = _agency(agency_id)
    form = _training_form(request.form)
    if not form.validate():
        return _page(agency, form, 400)
    resource_id, _sep, part_id = form.part.data.partition("/")
    service.record_training(agency, current_user, resource_id, part_id, form.starts_on.data, form.ends_on.data,
                            form.participants.data, form.audience.data, (form.note.data or "").strip())
    flash(_("Training recorded."), "success")
    return redirect(url_for("agencies.show", agency_id=agency.id) + "#training")


@bp.post("/<uuid:agency_id>/plan")
@permission_required("review")
def set_status(agency_id: UUID):
    """The whole plan in one form: each row's status and reason. Valid rows are saved; a row with
    a problem keeps what was typed and shows the problem next to it."""
    agency = _agency(agency_id)
    assessment, rows = plan(agency.id)
    by_key = {f"{r.recommendation.resource_id}/{r.recommendation.part_id}": r for r in rows}
    parts, statuses = request.form.getlist("part")[:500], request.form.getlist("status")[:500]
    reasons = request.form.getlist("reason")[:500]
    reasons += [""] * (len(parts) - len(reasons))
    if assessment is None or not parts or len(parts) != len(statuses) or any(p not in by_key for p in parts):
        flash(_("That recommendation is not in this agency's plan. Reload the page and try again."), "error")
        return redirect(url_for("agencies.show", agency_id=agency.id) + "#plan")
    errors, values, changed = {}, {}, 0
    for key, status, reason in zip(parts, statuses, reasons[:len(parts)], strict=True):
        row, reason = by_key[key], reason.strip()[:NOTE_LIMIT]
        values[key] = (status, reason)
        if status not in PLAN_STATUSES:
            errors[key] = _("Choose a status from the list.")
        elif status == "dropped" and not reason:
            errors[key] = _("Say why the recommendation is dropped.")
        elif (status, reason if status == "dropped" else None) != (row.status, row.reason if row.status == "dropped" else None):
            service.set_status(assessment, row.recommendation.resource_id, row.recommendation.part_id, status, reason, current_user)
            changed += 1
    if changed:
        db.session.commit()
    if errors:
        if changed:
            flash(ngettext("%(num)s change saved.", "%(num)s changes saved.", changed), "success")
        return _page(agency, _training_form(), 400, errors, values)
    flash(_("Plan saved.") if changed else _("Nothing changed in the plan."), "success")
    return redirect(url_for("agencies.show", agency_id=agency.id) + "#plan")
