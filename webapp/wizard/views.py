"""The self-assessment wizard: start, profile, one page per section, check answers, submit."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from questionnaires import tr
from webapp.core import store, validation
from webapp.core.definitions import history, questionnaire
from webapp.core.errors import render_error
from webapp.core.links import assessment_or_404
from webapp.core.i18n import Translator, current_language
from webapp.core.roles import can
from webapp.core.status import CLARIFICATION
from webapp.mail import service as mail
from webapp.wizard.pages import (
    STATUS_LABELS,
    applicable_section,
    blank_page,
    follow_ups,
    incomplete,
    known,
    neighbours,
    next_section,
    sections_done,
    steps,
    submit_page,
    unconfirmed,
)

bp = Blueprint("wizard", __name__)


@bp.get("/")
def start():
    q, lang = questionnaire(), current_language()
    # How many areas (sections) each type of agency is asked, at most: the count its report has.
    areas = [(tr(o.label, lang), len(q.mandate(o.id))) for o in q.agency_types()]
    return render_template("wizard/start.html", questionnaire=q, creation_key=secrets.token_urlsafe(24), areas=areas,
                           fewest=min(n for _l, n in areas), most=max(n for _l, n in areas),
                           repeat_key=secrets.token_urlsafe(24), agency_types=[(o.id, tr(o.label, lang)) for o in q.agency_types()],
                           other_work=[(o.id, tr(o.label, current_language())) for o in questionnaire().other_work_options()])


@bp.post("/start")
def create():
    key = request.form.get("creation_key", "")[:64] or None
    agency_id = current_user.agency_id if can("assess") else None
    assessment = store.create_assessment(questionnaire(), current_language(), creation_key=key, agency_id=agency_id)
    return redirect(url_for("wizard.section", token=assessment.token, section_id="profile"))


@bp.post("/repeat")
def repeat():
    """Start a new assessment from an earlier, submitted one. Its private link proves the right
    to it: pasted on the start page, or sent by the agency's page to a signed-in official."""
    token = store.token_from_link(request.form.get("link", ""))
    previous = store.find_by_token(token) if token else None
    if previous is None:
        flash(_("This link does not open an assessment. Paste the whole private link of your last assessment."), "error")
        return redirect(url_for("wizard.start"))
    if not previous.submitted:
        flash(_("That assessment is not submitted yet. Open it with its link and finish it instead."), "error")
        return redirect(url_for("wizard.start"))
    key = request.form.get("creation_key", "")[:64] or None
    assessment = store.start_from(previous, questionnaire(), history(), current_language(), creation_key=key)
    flash(_("A new assessment has started from the one of %(date)s. Its answers are filled in: confirm or change each one.",
            date=Translator(current_language()).date(previous.submitted_at.date())), "success")
    return redirect(url_for("wizard.section", token=assessment.token, section_id="profile"))


@bp.get("/resume")
def resume():
    """Accept a pasted private link or token and go to it."""
    token = store.token_from_link(request.args.get("link", ""))
    if token is None:
        flash(_("Paste the whole private link you were given, for example https://…/a/AbC123…/"), "error")
        return redirect(url_for("wizard.start"))
    return redirect(url_for("wizard.overview", token=token))


def _questions(assessment) -> tuple[list, dict]:
    """The reviewer's open questions, and the official's replies by question."""
    questions = store.open_questions(assessment)
    return questions, (store.replies(assessment) if questions else {})


def _steps(answers, questions=(), replies=None):
    return steps(questionnaire(), answers, questions, (replies or {}).keys())


def _progress(token: str):
    """The assessment behind a link, its answers, and the pages that apply to it."""
    assessment = assessment_or_404(token)
    answers = assessment.answer_values()
    return assessment, answers, _steps(answers)


@bp.get("/a/<token>/")
def overview(token: str):
    assessment = assessment_or_404(token)
    questions, replies = _questions(assessment)
    all_steps = _steps(assessment.answer_values(), questions, replies)
    done, total = sections_done(all_steps)
    sections = {s.section.id: s.section for s in all_steps}
    return render_template(
        "wizard/overview.html", assessment=assessment, steps=all_steps, labels=STATUS_LABELS,
        questions_from_reviewer=questions, replies=replies, sections=sections,
        unanswered=sum(1 for q in questions if q.id not in replies),
        remaining=incomplete(all_steps), done=done, total=total,
    )


@bp.route("/a/<token>/section/<section_id>", methods=["GET", "POST"])
def section(token: str, section_id: str):
    assessment = assessment_or_404(token)
    q = questionnaire()
    answers = assessment.answer_values()
    current = applicable_section(q, answers, section_id)
    if current is None:
        abort(404)
    if assessment.submitted:
        if request.method == "POST":
            return render_error(409)
        return redirect(url_for("wizard.check", token=token))

    return_to_check = request.values.get("return") == "check"
    if request.method == "POST":
        saving_for_later = request.form.get("action") == "save"
        shown = set(request.form.getlist("shown"))
        # A form without a base version (not one of ours) cannot be checked for conflicts.
        base_version = request.form.get("base_version", type=int, default=assessment.version)
        was_validated = validation.section_validated_on(assessment, current.id)
        page = submit_page(
            current, assessment, request.form, shown, not saving_for_later, base_version, current_language()
        )
        if was_validated and validation.section_validated_on(assessment, current.id) is None:
            flash(_("UNODC staff had validated this section. Your change reopens its validation: they will check it again."), "warning")
        if page.done:
            return _after_save(assessment, current.id, saving_for_later, return_to_check)
        if saving_for_later and not page.conflicts:
            # Leaving for now: every valid answer is saved; say which were not, and leave the page.
            lang = current_language()
            not_saved = [tr(q.text, lang) for q in page.visible if q.id in page.errors]
            flash(ngettext("Your other answers are saved. This answer was not saved, because it had a problem: %(questions)s",
                           "Your other answers are saved. These answers were not saved, because they had a problem: %(questions)s",
                           len(not_saved), questions=" · ".join(not_saved)), "warning")
            return redirect(url_for("wizard.overview", token=token))
        answers = assessment.answer_values()  # what was saved of this page, if anything
    else:
        page = blank_page(current, assessment, answers, current_language())

    questions, replies = _questions(assessment)
    all_steps = _steps(answers, questions, replies)
    step = next((s for s in all_steps if s.section.id == section_id), None)
    if step is None:
        # Answers just saved on this page took it out of the assessment.
        return redirect(url_for("wizard.overview", token=token))
    before, after = neighbours(all_steps, section_id)
    return render_template(
        "wizard/section.html", assessment=assessment, step=step, page=page, before=before,
        after=after, total=sections_done(all_steps)[1], return_to_check=return_to_check,
        questions_from_reviewer=step.questions, replies=replies,
        follow_ups=follow_ups(step.section, page.visible, answers),
        confidential_ids=set(request.form.getlist("confidential")) if request.method == "POST" else store.confidential_ids(assessment),
        carried_ids=store.carried_ids(assessment), previous=_previous(assessment),
        default_jobs=(q.function_holders(), answers.get("agency_type")),
        known=known(assessment, page.visible, request.form if request.method == "POST" else None),
        evidence_open=page.evidence_errors, validated_on=validation.section_validated_on(assessment, current.id),
    ), (409 if page.conflicts else 200)


def _previous(assessment):
    """The assessment this one started from, when it did."""
    return store.previous_of(assessment) if assessment.previous_id else None


def _after_save(assessment, section_id: str, saving_for_later: bool, return_to_check: bool):
    token = assessment.token
    if saving_for_later:
        flash(_("Your answers are saved. Use your private link to come back and continue."), "success")
        return redirect(url_for("wizard.overview", token=token))
    if return_to_check:
        return redirect(url_for("wizard.check", token=token))
    after = next_section(questionnaire(), assessment.answer_values(), section_id)
    if after is None:
        return redirect(url_for("wizard.check", token=token))
    return redirect(url_for("wizard.section", token=token, section_id=after.id))


def _check_page(assessment, answers, all_steps, show_errors: bool, ask_to_confirm: bool = False):
    return render_template(
        "wizard/check.html", assessment=assessment, steps=all_steps, answers=answers,
        remaining=incomplete(all_steps), show_errors=show_errors, ask_to_confirm=ask_to_confirm,
        unconfirmed=unconfirmed(all_steps, answers, store.carried_ids(assessment)), previous=_previous(assessment),
        known=known(assessment, ()),
    )


@bp.get("/a/<token>/check")
def check(token: str):
    return _check_page(*_progress(token), show_errors=False)


@bp.post("/a/<token>/submit")
def submit(token: str):
    assessment, answers, all_steps = _progress(token)
    if not assessment.submitted:
        if incomplete(all_steps):
            return _check_page(assessment, answers, all_steps, show_errors=True)
        # Carried-over answers nobody confirmed: ask once, then submit as they are.
        if unconfirmed(all_steps, answers, store.carried_ids(assessment)) and not request.form.get("confirm_carried"):
            return _check_page(assessment, answers, all_steps, show_errors=False, ask_to_confirm=True)
        asked = assessment.status == CLARIFICATION
        store.submit(assessment)
        if asked:
            outcome = mail.tell_resubmitted(assessment, current_user if current_user.is_authenticated else None)
            if not outcome.nobody:
                flash(*mail.notice(outcome, _("The reviewer who asked was told by e-mail.")))
    return redirect(url_for("wizard.submitted", token=token))


@bp.get("/a/<token>/submitted")
def submitted(token: str):
    """What happens after submission, and what the private link still allows."""
    assessment = assessment_or_404(token)
    if not assessment.submitted:
        return redirect(url_for("wizard.overview", token=token))
    return render_template("wizard/submitted.html", assessment=assessment, kept=mail.kept_address(assessment))


REPLY_LIMIT = 4000


@bp.post("/a/<token>/reply/<comment_id>")
def reply(token: str, comment_id: str):
    """The official's reply to a reviewer's question; the reviewer is told by e-mail."""
    assessment = assessment_or_404(token)
    question = store.open_question(assessment, comment_id)
    if question is None:
        flash(_("This question can no longer be answered here: the assessment was sent back to the reviewer."), "error")
        return redirect(url_for("wizard.overview", token=token))
    back = (url_for("wizard.section", token=token, section_id=question.section_id) if question.section_id
            else url_for("wizard.overview", token=token)) + f"#reply-{question.id}"
    text = (request.form.get("text") or "").strip()
    if not text:
        flash(_("Write your reply first."), "error")
        return redirect(back)
    if len(text) > REPLY_LIMIT:
        flash(_("Keep this to %(limit)s characters or fewer.", limit=REPLY_LIMIT), "error")
        return redirect(back)
    store.add_reply(assessment, question, text)
    section = questionnaire().section(question.section_id) if question.section_id else None
    outcome = mail.tell_reply(assessment, question, current_user if current_user.is_authenticated else None,
                              section.title if section else None)
    flash(_("Your reply is saved for the reviewer."), "success")
    if not outcome.nobody:
        flash(*mail.notice(outcome, _("The reviewer was told by e-mail.")))
    return redirect(back)
