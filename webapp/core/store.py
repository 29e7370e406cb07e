"""Reading and writing assessments. Each page is saved in one transaction."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from questionnaires import Questionnaire
from questionnaires.carry import History, carry_over
from questionnaires.answers import is_empty
from reports.analysis import AdjustmentSpec
from reports.build import Review
from reports.catalogue import Catalogue
from reports.workbook import Imported
from webapp.core.db import db
from webapp.core.definitions import questionnaire as current_questionnaire
from webapp.core.validation import reopen
from webapp.core.models import (
    Adjustment,
    Agency,
    Answer,
    Assessment,
    AuditEvent,
    Comment,
    PlanItem,
    PublishedRecommendation,
    Training,
    User,
    utcnow,
)
from webapp.core.status import CLARIFICATION, EDITABLE, SUBMITTED

TOKEN_MAX = 64


def create_assessment(
    questionnaire: Questionnaire, language: str = "en", creation_key: str | None = None, agency_id: str | None = None
) -> Assessment:
    """A new assessment; the same creation key (a double-clicked Start) returns the first one."""
    if creation_key:
        existing = db.session.scalar(select(Assessment).where(Assessment.creation_key == creation_key))
        if existing is not None:
            return existing
    assessment = Assessment(
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        language=language,
        creation_key=creation_key or None,
        agency_id=agency_id,
    )
    db.session.add(assessment)
    try:
        db.session.commit()
    except IntegrityError:
        # Both clicks raced past the lookup: the other one won.
        db.session.rollback()
        return db.session.scalars(select(Assessment).where(Assessment.creation_key == creation_key)).one()
    return assessment


def start_from(
    previous: Assessment, questionnaire: Questionnaire, history: History, language: str, creation_key: str | None = None,
) -> Assessment:
    """A new assessment for the agency of `previous`, holding its answers to be confirmed or
    changed. Answers carry over by question id, across questionnaire versions (carry.py)."""
    assessment = create_assessment(questionnaire, language, creation_key, agency_id=previous.agency_id)
    if assessment.previous_id is not None or assessment.answers:
        return assessment  # a double-clicked start: the first click did the work
    carried = carry_over(questionnaire, history, previous.questionnaire_version, previous.answer_values())
    secret = confidential_ids(previous)
    # How each answer is known carries over with it (an answer renamed since keeps none).
    known = {qid: row for qid, row in previous.answer_rows().items() if row.value is not None}
    assessment.previous_id = previous.id
    for question_id, value in carried.answers.items():
        source = known.get(question_id)
        assessment.answers.append(Answer(question_id=question_id, value=value, revision=assessment.version,
                                         confidential=question_id in secret, carried=True,
                                         evidence=source.evidence if source else None,
                                         evidence_note=source.evidence_note if source else None))
    db.session.add(AuditEvent(assessment_id=assessment.id, actor_id=_actor_id(), action="started from an earlier assessment",
                              after={"previous": previous.reference, "carried": len(carried.answers),
                                     "not carried": list(carried.dropped)}))
    db.session.commit()
    return assessment


def carried_ids(assessment: Assessment) -> set[str]:
    """Answers carried over and not yet confirmed or changed."""
    return {qid for qid, row in assessment.answer_rows().items() if row.carried and row.value is not None}


def previous_of(assessment: Assessment) -> Assessment | None:
    """The earlier assessment of the same agency to compare with: the one this started from,
    else the agency's latest assessment submitted before this one was started."""
    if assessment.previous_id:
        return db.session.get(Assessment, assessment.previous_id)
    if assessment.agency_id is None:
        return None
    return db.session.scalar(
        select(Assessment).where(
            Assessment.agency_id == assessment.agency_id, Assessment.id != assessment.id,
            Assessment.submitted_at.is_not(None), Assessment.submitted_at < assessment.created_at,
            Assessment.status.not_in(EDITABLE),
        ).order_by(Assessment.submitted_at.desc()).limit(1)
    )


def training(agency_id: str, since: dt.date | None = None, until: dt.date | None = None) -> list[Training]:
    """Training delivered to an agency, oldest first; with dates, what started in [since, until]."""
    query = select(Training).where(Training.agency_id == agency_id)
    if since is not None:
        query = query.where(Training.starts_on >= since)
    if until is not None:
        query = query.where(Training.starts_on <= until)
    return list(db.session.scalars(query.order_by(Training.starts_on, Training.created_at)))


def workbook_values(assessment: Assessment, imported: Imported, keep_file: bool) -> tuple[dict[str, Any], int, dict[str, Any]]:
    """What an imported workbook changes, the version to check conflicts against, and how the
    answers it changes are known.

    A workbook downloaded from this assessment is a whole copy: a cell left blank clears the
    answer, and answers saved in the browser since the download are conflicts. Any other
    workbook (a blank one, filled on paper at a workshop) only adds: its blank cells leave
    saved answers alone, and any saved answer it would change is a conflict. `keep_file` is the
    official's choice, after seeing the conflicts, to keep the file's answers. Evidence follows
    the same rule: a blank evidence cell of the assessment's own workbook means "our view"; in
    any other, it leaves the stored evidence alone."""
    stored = assessment.answer_values()
    rows = assessment.answer_rows()
    same = imported.reference == assessment.reference
    wanted = {qid: imported.answers.get(qid) for qid in imported.asked} if same else dict(imported.answers)
    values = {qid: v for qid, v in wanted.items() if stored.get(qid) != (None if is_empty(v) else v)}
    known = {qid: e for qid, e in imported.evidence.items() if same or e != (None, None)}
    for qid, given in known.items():
        row = rows.get(qid)
        if qid not in values and row is not None and row.value is not None and row.known != given:
            values[qid] = row.value  # the same answer, known another way
    base = assessment.version if keep_file else (imported.base_version if same else 0)
    return values, base, {qid: e for qid, e in known.items() if qid in values}


_BY_TOKEN = select(Assessment).where(Assessment.token == bindparam("token"))


# A private link as pasted (the whole address, or only its token): its last path segment.
TOKEN_IN_LINK = re.compile(r"(?:/a/)?([A-Za-z0-9_-]{20,64})/?")


def token_from_link(text: str) -> str | None:
    """The token of a pasted private link or a bare token; None when there is none in it."""
    match = TOKEN_IN_LINK.search(text.strip()[-200:]) if text else None
    return match.group(1) if match else None


def _may_be_token(token: str) -> bool:
    """An empty or over-long token is never a private link's: no query is made for it."""
    return bool(token) and len(token) <= TOKEN_MAX


def version_by_token(token: str) -> tuple[str, int] | None:
    """(id, version) of the assessment behind a private link, or None, in one small query."""
    if not _may_be_token(token):
        return None
    row = db.session.execute(select(Assessment.id, Assessment.version).where(Assessment.token == token)).first()
    return None if row is None else (row.id, row.version)


def find_by_token(token: str) -> Assessment | None:
    """The assessment behind a private link, or None for any unknown, altered or over-long token."""
    if not _may_be_token(token):
        return None
    return db.session.scalar(_BY_TOKEN, {"token": token})


Evidence = Mapping[str, tuple[str | None, str | None]]


def newer_answers(
    assessment: Assessment, base_version: int, values: Mapping[str, Any],
    confidential: Mapping[str, bool] | None = None, evidence: Evidence | None = None,
) -> dict[str, Any]:
    """Stored answers written after `base_version` that these values would overwrite: a
    different value, a cleared answer, a different confidential mark or different evidence."""
    confidential = confidential or {}
    evidence = evidence or {}

    def differs(qid: str, row: Any) -> bool:
        sent = None if is_empty(values[qid]) else values[qid]
        if row.value != sent:
            return True
        if qid in evidence and sent is not None and row.known != tuple(evidence[qid]):
            return True
        return qid in confidential and bool(row.confidential) != confidential[qid]

    return {
        qid: row.value
        for qid, row in assessment.answer_rows().items()
        if qid in values and row.revision > base_version and differs(qid, row)
    }


def confidential_ids(assessment: Assessment) -> set[str]:
    return {qid for qid, row in assessment.answer_rows().items() if row.confidential}


def open_questions(assessment: Assessment) -> list[Comment]:
    """The reviewer's questions the official can still answer: sent back, not marked resolved."""
    if assessment.status != CLARIFICATION:
        return []
    return list(db.session.scalars(
        select(Comment).where(Comment.assessment_id == assessment.id, Comment.clarification.is_(True),
                              Comment.reply_to_id.is_(None), Comment.resolved_at.is_(None))
        .order_by(Comment.created_at)
    ))


def replies(assessment: Assessment) -> dict[str, list[Comment]]:
    """The official's replies, by the question they answer, oldest first."""
    found: dict[str, list[Comment]] = {}
    for reply in db.session.scalars(select(Comment).where(Comment.assessment_id == assessment.id,
                                                          Comment.reply_to_id.is_not(None))
                                    .options(selectinload(Comment.author)).order_by(Comment.created_at)):
        found.setdefault(reply.reply_to_id, []).append(reply)
    return found


def open_question(assessment: Assessment, comment_id: str) -> Comment | None:
    """A reviewer's question to the official that can be replied to now."""
    if assessment.status != CLARIFICATION or not comment_id or len(comment_id) > 36:
        return None
    return db.session.scalar(select(Comment).where(Comment.id == comment_id, Comment.assessment_id == assessment.id,
                                                   Comment.clarification.is_(True), Comment.reply_to_id.is_(None),
                                                   Comment.resolved_at.is_(None)))


def add_reply(assessment: Assessment, question: Comment, text: str) -> Comment:
    reply = Comment(assessment_id=assessment.id, author_id=_actor_id(), text=text, section_id=question.section_id,
                    question_id=question.question_id, reply_to_id=question.id)
    db.session.add(reply)
    db.session.add(AuditEvent(assessment_id=assessment.id, actor_id=_actor_id(), action="reply",
                              after={"text": text, "section": question.section_id, "question": question.question_id}))
    db.session.commit()
    return reply


Conflicts = dict[str, tuple[Any, Any]]


def save_page(
    assessment: Assessment, values: Mapping[str, Any], base_version: int,
    confidential: Mapping[str, bool] | None = None, language: str | None = None,
    comments: Mapping[str, str] | None = None, evidence: Evidence | None = None,
) -> Conflicts:
    """Save a page's (or a workbook's) answers in one transaction, unless they would overwrite
    an answer saved elsewhere since `base_version`.

    Returns the conflicts, question id -> (the answer saved elsewhere, the answer sent); when
    there are any, nothing was saved. Two ways to conflict: an answer written after the page
    was shown, or another save that commits between this one's read and its write (the
    version check refuses this one; the assessment is then read afresh). An empty result means
    everything was saved. No database exception leaves this function.

    `evidence`: how each answer is known, (kind, note) by question id, for the answers sent with it.
    """
    confidential = confidential or {}
    evidence = evidence or {}
    newer = newer_answers(assessment, base_version, values, confidential, evidence)
    if newer:
        return {qid: (theirs, values[qid]) for qid, theirs in newer.items()}
    if not values and not comments:
        return {}
    for question_id, text in (comments or {}).items():
        db.session.add(Comment(assessment_id=assessment.id, question_id=question_id, text=f"[workbook] {text}"[:4000]))
    try:
        _write_answers(assessment, values, confidential, language, evidence)
    except (StaleDataError, IntegrityError):
        # The version check refused the write, or the other save added the same answer first.
        db.session.rollback()
        stored_now = assessment.answer_values()
        # Answers the other save left as this page has them are not in conflict.
        return {qid: (stored_now.get(qid), value) for qid, value in values.items()
                if stored_now.get(qid) != (None if is_empty(value) else value)}
    return {}


def _write_answers(
    assessment: Assessment, values: Mapping[str, Any], confidential: Mapping[str, bool], language: str | None,
    evidence: Evidence,
) -> None:
    """Write these answers and commit; an empty value clears the stored answer.

    The assessment's version column goes up by one with every save (SQLAlchemy's version
    counter): a concurrent save of the same assessment makes this one fail with
    StaleDataError instead of overwriting it. Each answer written records the version that
    wrote it, so a page shown at an older version can tell what changed since.
    """
    rows = assessment.answer_rows()
    revision = assessment.version + 1
    now = utcnow()
    before = {qid: rows[qid].value if qid in rows else None for qid in values}
    changed = sorted(qid for qid, value in values.items() if before[qid] != (None if is_empty(value) else value))
    known_before = {qid: rows[qid].known if qid in rows and rows[qid].value is not None else (None, None) for qid in values}
    for question_id, value in values.items():
        row = rows.get(question_id)
        if row is not None:
            row.carried = False  # seen and saved by the official: confirmed or changed
        known = tuple(evidence[question_id]) if question_id in evidence else None
        if is_empty(value):
            if row is not None and row.value is not None:
                # Cleared, not deleted: the row keeps the version that cleared it.
                row.value, row.evidence, row.evidence_note, row.revision = None, None, None, revision
        elif row is None:
            kind, note = known or (None, None)
            assessment.answers.append(Answer(question_id=question_id, value=value, revision=revision,
                                             confidential=bool(confidential.get(question_id)), evidence=kind,
                                             evidence_note=note))
        else:
            secret = bool(confidential[question_id]) if question_id in confidential else row.confidential
            kind, note = known if known is not None else row.known
            # A change of the confidential mark or of the evidence is a change too: a stale tab must see it.
            if row.value != value or secret != row.confidential or (kind, note) != row.known:
                row.value, row.confidential, row.revision = value, secret, revision
                row.evidence, row.evidence_note = kind, note
    evidence_changed = sorted(qid for qid in evidence if qid in values and not is_empty(values[qid])
                              and tuple(evidence[qid]) != known_before[qid])
    _follow_agency(assessment, values)
    # Touching the assessment row makes the version check run even when only answers changed.
    assessment.updated_at = now
    assessment.language = language or assessment.language
    if changed:
        db.session.add(AuditEvent(assessment_id=assessment.id, actor_id=_actor_id(), action="answers changed",
                                  before={q: before[q] for q in changed}, after={q: values[q] for q in changed}, at=now))
    if evidence_changed:
        db.session.add(AuditEvent(
            assessment_id=assessment.id, actor_id=_actor_id(), action="evidence changed", at=now,
            before={q: {"evidence": known_before[q][0], "note": known_before[q][1]} for q in evidence_changed},
            after={q: {"evidence": evidence[q][0], "note": evidence[q][1]} for q in evidence_changed}))
    if changed or evidence_changed:
        reopen(assessment, current_questionnaire(), [*changed, *evidence_changed], _actor_id())
    db.session.commit()


AGENCY_FIELDS = {"country": "country", "agency_name": "name", "agency_type": "agency_type"}


def _follow_agency(assessment: Assessment, values: Mapping[str, Any]) -> None:
    """The agency row follows the profile answers of its latest draft (what was published is
    kept apart, in PublishedProfile)."""
    changes = {column: values[qid] or None for qid, column in AGENCY_FIELDS.items() if qid in values}
    if not changes:
        return
    if assessment.agency is None:
        assessment.agency = Agency(**changes)
    else:
        for column, value in changes.items():
            setattr(assessment.agency, column, value)


def submit(assessment: Assessment) -> None:
    if assessment.submitted:
        return
    db.session.add(AuditEvent(assessment_id=assessment.id, actor_id=_actor_id(), action="submitted",
                              before={"status": assessment.status}, after={"status": SUBMITTED}))
    assessment.status = SUBMITTED
    assessment.submitted_at = utcnow()
    db.session.commit()


def _actor_id() -> str | None:
    """The signed-in user, if any; an official working with the private link alone is None."""
    from flask import has_request_context, session
    from flask_login import current_user

    if not has_request_context() or "_user_id" not in session:
        # Nobody signed in: no need to load a user (and hash the client's address) to know it.
        return None
    return current_user.id if current_user.is_authenticated else None


# The review record: comments, changes to recommendations, the audit trail, the reviewer.


def audit(assessment: Assessment | None, actor: User | None, action: str, before: Any = None, after: Any = None) -> None:
    if assessment is not None:
        # A new version of the assessment: its cached PDFs no longer match and are rendered again.
        assessment.updated_at = utcnow()
    db.session.add(AuditEvent(
        assessment_id=assessment.id if assessment else None, actor_id=actor.id if actor else None,
        action=action, before=before, after=after,
    ))


def adjustments(assessment: Assessment) -> list[Adjustment]:
    return list(db.session.scalars(select(Adjustment).where(Adjustment.assessment_id == assessment.id).order_by(Adjustment.created_at)))


def adjustment_specs(assessment: Assessment) -> list[AdjustmentSpec]:
    return [AdjustmentSpec(a.resource_id, a.part_id, a.action, a.reason, a.priority) for a in adjustments(assessment)]


def trail(assessment: Assessment) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.assessment_id == assessment.id).order_by(AuditEvent.at, AuditEvent.id)))


def review_info(assessment: Assessment) -> Review | None:
    if assessment.reviewed_at is None:
        return None
    reviewer = db.session.get(User, assessment.reviewed_by) if assessment.reviewed_by else None
    return Review(reviewer.name if reviewer else "", assessment.reviewed_at.date(), assessment.review_note)


# Rows that name a part of the catalogue by its ids, and what they are called in a message.
PART_REFERENCES = (
    (Training, "training record(s)"),
    (PublishedRecommendation, "published recommendation(s)"),
    (PlanItem, "training plan item(s)"),
    (Adjustment, "reviewer's change(s)"),
)


def stale_references(catalogue: Catalogue) -> list[str]:
    """Stored rows that name a part the catalogue no longer has, one line per part and kind.
    Reports still show them, by their ids with a note; this tells whoever edits the catalogue."""
    lines = []
    for model, label in PART_REFERENCES:
        query = select(model.resource_id, model.part_id, func.count()).group_by(model.resource_id, model.part_id)
        for resource_id, part_id, count in db.session.execute(query.order_by(model.resource_id, model.part_id)):
            if catalogue.find_part(resource_id, part_id) is None:
                lines.append(f"{count} {label} name {resource_id}/{part_id}, which the catalogue no longer has")
    return lines
