"""Reading and writing assessments. Each page is saved in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import abort
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from questionnaires import Questionnaire
from questionnaires.answers import is_empty

from .db import db
from .models import Agency, Answer, Assessment, AuditEvent, Comment, utcnow
from .status import CLARIFICATION, SUBMITTED

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


def get_by_token(token: str) -> Assessment:
    """The assessment behind a private link, or a 404 for any unknown or altered token."""
    if not token or len(token) > TOKEN_MAX:
        abort(404)
    assessment = db.session.scalar(select(Assessment).where(Assessment.token == token))
    if assessment is None:
        abort(404)
    return assessment


def _rows(assessment: Assessment, question_ids) -> dict[str, Answer]:
    """Only the answer rows a page touches; reading every answer as an object is wasted work."""
    rows = db.session.scalars(
        select(Answer).where(Answer.assessment_id == assessment.id, Answer.question_id.in_(list(question_ids)))
    )
    return {row.question_id: row for row in rows}


def newer_answers(assessment: Assessment, base_version: int, values: Mapping[str, Any]) -> dict[str, Any]:
    """Stored answers written after `base_version` that these values would overwrite."""
    if not values:
        return {}
    return {
        qid: row.value
        for qid, row in _rows(assessment, values).items()
        if row.revision > base_version and row.value != values[qid]
    }


def confidential_ids(assessment: Assessment) -> set[str]:
    return set(db.session.scalars(
        select(Answer.question_id).where(Answer.assessment_id == assessment.id, Answer.confidential.is_(True))
    ))


def clarifications(assessment: Assessment, section_id: str) -> list[Comment]:
    """Questions a reviewer sent back about this page, while the official can still answer."""
    if assessment.status != CLARIFICATION:
        return []
    return list(db.session.scalars(
        select(Comment).where(Comment.assessment_id == assessment.id, Comment.clarification.is_(True),
                              Comment.section_id == section_id).order_by(Comment.created_at)
    ))


def save_answers(assessment: Assessment, values: Mapping[str, Any], confidential: Mapping[str, bool] | None = None) -> None:
    """Upsert answers; an empty value removes the stored answer. One transaction.

    The assessment's version column goes up by one with every save; a concurrent save of the
    same assessment makes this one fail with StaleDataError instead of overwriting it.
    """
    existing = _rows(assessment, values)
    revision = assessment.version + 1
    before = {qid: existing[qid].value if qid in existing else None for qid in values}
    changed = {qid for qid, value in values.items() if before[qid] != (None if is_empty(value) else value)}
    for question_id, value in values.items():
        row = existing.get(question_id)
        if is_empty(value):
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(Answer(assessment_id=assessment.id, question_id=question_id, value=value, revision=revision,
                                  confidential=bool((confidential or {}).get(question_id))))
        else:
            if row.value != value:
                row.value = value
                row.revision = revision
            if confidential is not None and question_id in confidential:
                row.confidential = bool(confidential[question_id])
    _sync_agency(assessment, values)
    if changed:
        db.session.add(AuditEvent(
            assessment_id=assessment.id, actor_id=_actor_id(), action="answers changed",
            before={q: before[q] for q in sorted(changed)}, after={q: values[q] for q in sorted(changed)},
        ))
    assessment.updated_at = utcnow()
    assessment.forget_values()
    try:
        db.session.commit()
    finally:
        assessment.forget_values()


def _sync_agency(assessment: Assessment, values: Mapping[str, Any]) -> None:
    """Keep the agency row in step with the profile answers."""
    fields = {"country": "country", "agency_name": "name", "agency_type": "agency_type"}
    if not any(key in values for key in fields):
        return
    if assessment.agency is None:
        assessment.agency = Agency()
    for question_id, attribute in fields.items():
        if question_id in values:
            setattr(assessment.agency, attribute, values[question_id] or None)


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
    from flask import has_request_context
    from flask_login import current_user

    return current_user.id if has_request_context() and current_user.is_authenticated else None
