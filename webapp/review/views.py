"""Technical-assistance officers: the review queue, one assessment, and what they can do to it."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from questionnaires import tr
from reports.analysis import ACTIONS
from reports.recommend import PRIORITY_ORDER
from reports.render import render_body
from webapp.core import store, validation
from webapp.core.db import db
from webapp.core.definitions import catalogue, questionnaire
from webapp.core.i18n import current_language
from webapp.core.models import Assessment
from webapp.core.reports import report_for
from webapp.core.roles import permission_required
from webapp.core.status import CLARIFICATION, FILTER_LABELS, PUBLISHED, REVIEWED
from webapp.mail import service as mail
from webapp.review import service as review

bp = Blueprint("review", __name__, url_prefix="/review")
TEXT_LIMIT = 4000
REASON_LIMIT = 2000


def _assessment(assessment_id: UUID) -> Assessment:
    """The assessment, if it exists and has been sent for review; drafts stay private."""
    assessment = db.get_or_404(Assessment, str(assessment_id))
    if assessment.status not in review.REVIEWABLE:
        abort(404)
    return assessment


@bp.get("/")
@permission_required("review")
def index():
    filters = {k: request.args.get(k, "")[:40] for k in ("country", "agency_type", "status", "validation", "from", "to")}
    sort = request.args.get("sort", "newest")
    view = request.args.get("show", review.NEEDS_ACTION)
    if view not in review.VIEWS:
        view = review.NEEDS_ACTION
    page = review.queue(filters, sort, view, request.args.get("page", 1, type=int) or 1)
    lang = current_language()
    return render_template("review/index.html", page=page, rows=page.items, filters=filters, sort=sort, view=view,
                           counts=review.view_counts(filters), replied=review.replied([a.id for a in page.items]),
                           statuses=FILTER_LABELS, validation_states=validation.STATES, agency_types=questionnaire().agency_types(),
                           type_labels={o.id: tr(o.label, lang) for o in questionnaire().agency_types()},
                           args={k: v for k, v in request.args.items() if k not in ("page", "show") and v})


@bp.get("/<uuid:assessment_id>")
@permission_required("review")
def show(assessment_id: UUID):
    assessment = _assessment(assessment_id)
    lang = current_language()
    report = report_for(assessment, lang, "reviewer")
    earlier = store.previous_of(assessment)
    answers = assessment.answer_values()
    targets = [("", _("The whole assessment"))]
    for section in questionnaire().applicable_sections(answers):
        targets.append((f"section:{section.id}", tr(section.title, lang)))
        # Only what the agency was asked can be commented on.
        targets += [(f"question:{section.id}:{q.id}", "— " + tr(q.text, lang)) for q in section.visible_questions(answers)]
    words = request.args.get("find", "")[:100].strip()
    listed = {(r.resource_id, r.part_id) for r in report.recommendations}
    searched = "find" in request.args
    found, matched = review.fitting_parts(questionnaire(), catalogue(), answers, words, lang, listed) if searched else ([], 0)
    return render_template(
        "review/show.html", a=assessment, report=report, body=render_body(report),
        targets=targets, threads=review.threads(assessment, questionnaire(), lang), trail=store.trail(assessment),
        can_publish=assessment.status == REVIEWED, published=assessment.status == PUBLISHED,
        earlier=earlier, changed=_changed(assessment, earlier) if earlier else [],
        words=words, searched=searched, found=found, matched=matched, priorities=PRIORITY_ORDER,
        to_validate=validation.scored_sections(questionnaire(), answers),
        validations=validation.section_validations(assessment),
    )


def _changed(assessment: Assessment, earlier: Assessment) -> list:
    """(question, answer then, answer now) for each question asked now whose answer changed."""
    then, now = earlier.answer_values(), assessment.answer_values()
    return [(q, then.get(q.id), now.get(q.id)) for q in questionnaire().visible_questions(now) if then.get(q.id) != now.get(q.id)]


def _text(name: str, limit: int) -> str | None:
    value = (request.form.get(name) or "").strip()
    if not value:
        flash(_("Write something first."), "error")
        return None
    if len(value) > limit:
        flash(_("Keep this to %(limit)s characters or fewer.", limit=limit), "error")
        return None
    return value


@bp.post("/<uuid:assessment_id>/comment")
@permission_required("review")
def comment(assessment_id: UUID):
    assessment = _assessment(assessment_id)
    text = _text("text", TEXT_LIMIT)
    target = request.form.get("target", "")
    section_id = question_id = None
    if target.startswith("section:"):
        section_id = target.split(":", 1)[1]
    elif target.startswith("question:"):
        _kind, section_id, question_id = (target.split(":", 2) + ["", ""])[:3]
    if not review.commentable(questionnaire(), assessment.answer_values(), section_id, question_id):
        flash(_("This assessment was not asked that question. Choose what your comment is about from the list."), "error")
        return redirect(url_for("review.show", assessment_id=assessment.id) + "#comments")
    clarification = request.form.get("clarification") == "yes"
    if text:
        if clarification and assessment.status == PUBLISHED:
            flash(_("A published assessment cannot be sent back."), "error")
        else:
            saved = review.add_comment(assessment, current_user, text, section_id, question_id, clarification)
            if not clarification:
                flash(_("Comment saved."), "success")
            else:
                flash(_("Clarification asked: the assessment is back with the official."), "success")
                section = questionnaire().section(section_id) if section_id else None
                outcome = mail.tell_clarification(assessment, saved, current_user, section.title if section else None)
                if outcome.nobody:
                    flash(_("No one was told by e-mail: the agency has no official with an account, and no address "
                            "was kept for this assessment. Tell the official another way."), "warning")
                else:
                    flash(*mail.notice(outcome, _("The official was told by e-mail.")))
    return redirect(url_for("review.show", assessment_id=assessment.id) + "#comments")


@bp.post("/<uuid:assessment_id>/comments/<comment_id>/resolve")
@permission_required("review")
def resolve(assessment_id: UUID, comment_id: str):
    """Mark a thread resolved (or open it again): a resolved question no longer waits for the agency."""
    assessment = _assessment(assessment_id)
    thread = review.thread_of(assessment, comment_id)
    if thread is None:
        flash(_("This comment is no longer here. Reload the page."), "error")
    else:
        resolved = request.form.get("resolved", "yes") == "yes"
        review.resolve(assessment, current_user, thread, resolved)
        flash(_("Marked as resolved.") if resolved else _("Opened again."), "success")
    return redirect(url_for("review.show", assessment_id=assessment.id) + "#comments")


@bp.post("/<uuid:assessment_id>/adjust")
@permission_required("review")
def adjust(assessment_id: UUID):
    """Change one recommendation: raise or lower its priority one step, remove it, or add a part
    (with a priority), always with a reason the report shows."""
    assessment = _assessment(assessment_id)
    back = url_for("review.show", assessment_id=assessment.id)
    resource_id, _sep, part_id = request.form.get("part", "").partition("/")
    action = request.form.get("action", "")
    priority = request.form.get("priority") or None
    if catalogue().find_part(resource_id, part_id) is None or (priority is not None and priority not in PRIORITY_ORDER):
        flash(_("That part is not in the catalogue. Reload the page and try again."), "error")
        return redirect(back + "#recommendations-review")
    current = review.current_priorities(assessment, questionnaire(), catalogue()).get((resource_id, part_id))
    if action in review.STEP:
        priority = review.moved(current, action) if current else None
        if priority is None:
            flash(_("This priority cannot be moved that way. Reload the page and try again."), "error")
            return redirect(back + "#recommendations-review")
        action = "priority"
    elif action == "remove" and current is None:
        flash(_("That part is no longer on the list. Reload the page."), "error")
        return redirect(back + "#recommendations-review")
    elif action == "add" and priority is None:
        flash(_("Choose a priority for the part you add."), "error")
        return redirect(back + "#add-part")
    elif action not in ACTIONS:
        abort(400)
    reason = _text("reason", REASON_LIMIT)
    if reason:
        review.adjust(assessment, current_user, resource_id, part_id, action, priority, reason)
        flash(_("Recommendation changed."), "success")
    return redirect(back + ("#add-part" if action == "add" and not reason else "#recommendations-review"))


@bp.post("/<uuid:assessment_id>/note")
@permission_required("review")
def note(assessment_id: UUID):
    assessment = _assessment(assessment_id)
    text = (request.form.get("note") or "").strip()
    if len(text) > TEXT_LIMIT:
        flash(_("Keep this to %(limit)s characters or fewer.", limit=TEXT_LIMIT), "error")
    else:
        review.set_note(assessment, current_user, text)
        flash(_("Note saved."), "success")
    return redirect(url_for("review.show", assessment_id=assessment.id))


@bp.post("/<uuid:assessment_id>/reviewed")
@permission_required("review")
def reviewed(assessment_id: UUID):
    assessment = _assessment(assessment_id)
    if assessment.status in (CLARIFICATION, PUBLISHED):
        flash(_("This assessment cannot be marked as reviewed now."), "error")
    else:
        review.mark_reviewed(assessment, current_user)
        flash(_("Marked as reviewed."), "success")
    return redirect(url_for("review.show", assessment_id=assessment.id))


def _not_reviewed(assessment: Assessment):
    """Back to the review with a message, unless the assessment is reviewed and may be published."""
    if assessment.status == REVIEWED:
        return None
    flash(_("Mark the assessment as reviewed before you publish it."), "error")
    return redirect(url_for("review.show", assessment_id=assessment.id))


@bp.get("/<uuid:assessment_id>/publish")
@permission_required("review")
def publish_preview(assessment_id: UUID):
    """What donors will read, confidential answers withheld, with the button that publishes it."""
    assessment = _assessment(assessment_id)
    if refused := _not_reviewed(assessment):
        return refused
    report = report_for(assessment, current_language(), "donor")
    return render_template("review/publish.html", a=assessment, report=report, body=render_body(report),
                           withheld=len(store.confidential_ids(assessment)))


@bp.post("/<uuid:assessment_id>/publish")
@permission_required("review")
def publish(assessment_id: UUID):
    assessment = _assessment(assessment_id)
    if refused := _not_reviewed(assessment):
        return refused
    if request.form.get("confirm") != "yes":
        return redirect(url_for("review.publish_preview", assessment_id=assessment.id))
    review.publish(assessment, current_user, questionnaire(), catalogue())
    flash(_("Published. Donors can now read the report."), "success")
    outcome = mail.tell_published(assessment, current_user)
    if not outcome.nobody:
        flash(*mail.notice(outcome, _("The agency's officials were told by e-mail.")))
    return redirect(url_for("review.show", assessment_id=assessment.id))


def _validatable(assessment: Assessment):
    """Back to the review with a message if the assessment cannot be validated now."""
    if assessment.status == PUBLISHED:
        flash(_("A published assessment cannot be validated: its report is already out."), "error")
        return redirect(url_for("review.show", assessment_id=assessment.id) + "#validation")
    return None


@bp.route("/<uuid:assessment_id>/validate/<section_id>", methods=["GET", "POST"])
@permission_required("review")
def validate(assessment_id: UUID, section_id: str):
    """Validate a section's answers, in a mission or from documents: keep each answer's level,
    or give it another with a reason. The official's answer stays and is shown beside it."""
    assessment = _assessment(assessment_id)
    if refused := _validatable(assessment):
        return refused
    q = questionnaire()
    section = next((s for s in validation.scored_sections(q, assessment.answer_values()) if s.id == section_id), None)
    if section is None:
        abort(404)
    shown = validation.rows(assessment, section)
    problems: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        chosen, problems = validation.read_form(shown, request.form)
        base = request.form.get("base_version", type=int, default=0)
        if not problems:
            if validation.validate_section(assessment, q, section, current_user, chosen, base):
                flash(_("Section validated: %(section)s.", section=tr(section.title, current_language())), "success")
                return redirect(url_for("review.show", assessment_id=assessment.id) + "#validation")
            flash(_("This section changed since you opened this page: the agency changed an answer, or someone "
                    "validated it. Nothing was saved. Check the answers below and validate again."), "error")
            db.session.expire_all()
            assessment = _assessment(assessment_id)
            shown = validation.rows(assessment, section)
            return _validate_page(assessment, section, shown, {}, None), 409
        status = 400
    return _validate_page(assessment, section, shown, problems, request.form if request.method == "POST" else None), status


def _validate_page(assessment: Assessment, section, shown, problems: dict[str, str], form):
    lang = current_language()
    return render_template("review/validate.html", a=assessment, section=section, rows=shown, problems=problems,
                           state=validation.section_validations(assessment).get(section.id), form=form,
                           level_names={n: questionnaire().level_name(n, lang) for n in validation.LEVELS},
                           reason_limit=validation.REASON_LIMIT)
