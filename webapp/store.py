"""Reading and writing assessments. Each page is saved in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from flask import abort
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from questionnaires import Questionnaire
from questionnaires.answers import is_empty

from .db import db, request_connection, write_lock
from .models import answered, Agency, Answer, AnswerCache, Assessment, AuditEvent, Comment, utcnow
from .prepared import Prepared
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
        with write_lock():
            db.session.commit()
    except IntegrityError:
        # Both clicks raced past the lookup: the other one won.
        db.session.rollback()
        return db.session.scalars(select(Assessment).where(Assessment.creation_key == creation_key)).one()
    return assessment


_BY_TOKEN = select(Assessment).where(Assessment.token == bindparam("token"))
_ANSWERS = Answer.__table__
# The statements every save runs, with every column given: see prepared.py.
_INSERT_ANSWER = Prepared(insert(_ANSWERS).values(
    assessment_id=bindparam("assessment_id"), question_id=bindparam("question_id"), value=bindparam("value"),
    revision=bindparam("revision"), confidential=bindparam("confidential"), updated_at=bindparam("now"),
))
_UPDATE_ANSWER = Prepared(
    update(_ANSWERS).where(_ANSWERS.c.id == bindparam("row_id"))
    .values(value=bindparam("value"), revision=bindparam("revision"), confidential=bindparam("confidential"),
            updated_at=bindparam("now"))
)
_INSERT_AUDIT = Prepared(insert(AuditEvent.__table__).values(
    assessment_id=bindparam("assessment_id"), actor_id=bindparam("actor_id"), action=bindparam("action"),
    before=bindparam("before"), after=bindparam("after"), at=bindparam("now"),
))
_AGENCIES = Agency.__table__
_INSERT_AGENCY = insert(_AGENCIES)
_ASSESSMENTS = Assessment.__table__
_CLAIM = Prepared(
    update(_ASSESSMENTS)
    .where(_ASSESSMENTS.c.id == bindparam("assessment_id"), _ASSESSMENTS.c.version == bindparam("old_version"))
    .values(version=bindparam("new_version"), updated_at=bindparam("now"), language=bindparam("language"),
            agency_id=bindparam("agency_id"))
)


def link_token(token: str) -> str:
    """A token that may be a private link's, or a 404: an empty or over-long one never is."""
    if not token or len(token) > TOKEN_MAX:
        abort(404)
    return token


def get_by_token(token: str) -> Assessment:
    """The assessment behind a private link, or a 404 for any unknown or altered token."""
    link_token(token)
    assessment = db.session.scalar(_BY_TOKEN, {"token": token})
    if assessment is None:
        abort(404)
    return assessment


class WizardRecord(AnswerCache):
    """What a wizard page reads and writes of an assessment, loaded as a plain row.

    A wizard page is the app's most frequent request. Loading an ORM object (and putting it
    away at the end of the request) cost it more than any query it runs; this record holds
    the same fields, with the same answer cache, and save_answers keeps it up to date.
    """

    FIELDS = ("id", "token", "version", "status", "language", "agency_id")

    def __init__(self, **fields: Any):
        self.__dict__.update(fields)

    submitted = Assessment.submitted

    def _connection(self):
        return request_connection()


# The record and its answers in one query: one row per answer, or a single row with no answer.
# Answer columns keep their names, so each row serves as the answer row of the answer cache.
_RECORD_PREFIX = "assessment_"
_RECORD_WITH_ANSWERS = Prepared(
    select(
        *(_ASSESSMENTS.c[name].label(_RECORD_PREFIX + name) for name in WizardRecord.FIELDS),
        _ANSWERS.c.id, _ANSWERS.c.question_id, _ANSWERS.c.value, _ANSWERS.c.revision, _ANSWERS.c.confidential,
    )
    .select_from(_ASSESSMENTS.outerjoin(_ANSWERS, _ANSWERS.c.assessment_id == _ASSESSMENTS.c.id))
    .where(_ASSESSMENTS.c.token == bindparam("token"))
)

# Compiled by the warm-up before a server forks its workers.
PREPARED = (_RECORD_WITH_ANSWERS, _CLAIM, _UPDATE_ANSWER, _INSERT_ANSWER, _INSERT_AUDIT)


def _record_fields(token: str) -> dict[str, Any]:
    """The record's fields, with its answer rows under "_rows", or a 404."""
    rows = _RECORD_WITH_ANSWERS.rows(request_connection(), {"token": link_token(token)})
    if not rows:
        abort(404)
    first = rows[0]
    fields = {name: getattr(first, _RECORD_PREFIX + name) for name in WizardRecord.FIELDS}
    fields["_rows"] = {row.question_id: row for row in rows if row.question_id is not None}
    fields["_values"] = answered(fields["_rows"])
    return fields


def wizard_record(token: str) -> WizardRecord:
    """The wizard's view of the assessment behind a private link, with its answers, or a 404."""
    return WizardRecord(**_record_fields(token))


def reload(assessment: WizardRecord) -> None:
    """Read the record again, after a save lost to a concurrent one."""
    assessment.forget_values()
    assessment.__dict__.update(_record_fields(assessment.token))


def answer_rows(assessment: AnswerCache, question_ids) -> dict[str, Any]:
    """The stored rows of these questions (id, value, revision, confidential), from the one
    read of the assessment's answers that the page already made."""
    rows = assessment.answer_rows()
    return {qid: rows[qid] for qid in question_ids if qid in rows}


def newer_answers(
    rows: Mapping[str, Answer], base_version: int, values: Mapping[str, Any],
    confidential: Mapping[str, bool] | None = None,
) -> dict[str, Any]:
    """Stored answers written after `base_version` that these values would overwrite: a
    different value, a cleared answer, or a different confidential mark."""
    confidential = confidential or {}

    def differs(qid: str, row: Any) -> bool:
        sent = None if is_empty(values[qid]) else values[qid]
        if row.value != sent:
            return True
        return qid in confidential and bool(row.confidential) != confidential[qid]

    return {
        qid: row.value
        for qid, row in rows.items()
        if qid in values and row.revision > base_version and differs(qid, row)
    }


def confidential_ids(assessment: Assessment) -> set[str]:
    return {qid for qid, row in assessment.answer_rows().items() if row.confidential}


def clarifications(assessment: Assessment, section_id: str) -> list[Comment]:
    """Questions a reviewer sent back about this page, while the official can still answer."""
    if assessment.status != CLARIFICATION:
        return []
    return list(db.session.scalars(
        select(Comment).where(Comment.assessment_id == assessment.id, Comment.clarification.is_(True),
                              Comment.section_id == section_id).order_by(Comment.created_at)
    ))


def save_answers(
    assessment: WizardRecord, values: Mapping[str, Any], confidential: Mapping[str, bool] | None = None,
    existing: Mapping[str, Any] | None = None, language: str | None = None,
) -> None:
    """Upsert answers; an empty value removes the stored answer. One transaction, committed
    on the request's connection.

    The assessment's version column goes up by one with every save; a concurrent save of the
    same assessment makes this one fail with StaleDataError instead of overwriting it.
    """
    stored = assessment.answer_values()
    if existing is None:
        existing = answer_rows(assessment, values)
    revision = assessment.version + 1
    language = language or assessment.language
    confidential = confidential or {}
    before = {qid: existing[qid].value if qid in existing else None for qid in values}
    changed = sorted(qid for qid, value in values.items() if before[qid] != (None if is_empty(value) else value))
    updates, inserts = [], []
    now = utcnow()
    for question_id, value in values.items():
        row = existing.get(question_id)
        if is_empty(value):
            if row is not None and row.value is not None:
                # Cleared, not deleted: the row keeps the revision that cleared it.
                updates.append({"row_id": row.id, "value": None, "confidential": row.confidential,
                                "now": now, "revision": revision})
        elif row is None:
            inserts.append({"assessment_id": assessment.id, "question_id": question_id, "value": value,
                            "revision": revision, "confidential": bool(confidential.get(question_id)), "now": now})
        else:
            secret = bool(confidential[question_id]) if question_id in confidential else row.confidential
            if row.value != value or secret != row.confidential:
                # A change of the confidential mark is a change too: a stale tab must see it.
                updates.append({"row_id": row.id, "value": value, "confidential": secret, "now": now,
                                "revision": revision})

    agency_id, agency_changes = assessment.agency_id, _agency_changes(values)
    audit = {
        "assessment_id": assessment.id, "actor_id": _actor_id(), "action": "answers changed",
        "before": {q: before[q] for q in changed}, "after": {q: values[q] for q in changed}, "now": now,
    }
    assessment.forget_values()
    connection = request_connection()
    with write_lock():
        if agency_changes and agency_id is None:
            agency_id = str(uuid.uuid4())
            connection.execute(_INSERT_AGENCY, dict(agency_changes, id=agency_id, created_at=now))
        elif agency_changes:
            connection.execute(update(_AGENCIES).where(_AGENCIES.c.id == agency_id).values(**agency_changes))
        # The version check: a concurrent save of this assessment has moved the version on, and
        # this one then writes nothing.
        claimed = _CLAIM.run(connection, {
            "assessment_id": assessment.id, "old_version": assessment.version, "new_version": revision,
            "now": now, "language": language, "agency_id": agency_id,
        })
        if claimed != 1:
            connection.rollback()
            raise StaleDataError(f"assessment {assessment.id} was saved by someone else")
        if updates:
            _UPDATE_ANSWER.run(connection, updates)
        if inserts:
            _INSERT_ANSWER.run(connection, inserts)
        if changed:
            _INSERT_AUDIT.run(connection, audit)
        connection.commit()
    # The record in memory follows the row, without reading it back.
    assessment.__dict__.update(version=revision, agency_id=agency_id, language=language)
    # The version check above guarantees nobody else wrote in between: the stored answers are
    # now exactly the earlier ones with these values applied.
    for question_id, value in values.items():
        if is_empty(value):
            stored.pop(question_id, None)
        else:
            stored[question_id] = value
    assessment.remember_values(stored)


AGENCY_FIELDS = {"country": "country", "agency_name": "name", "agency_type": "agency_type"}


def _agency_changes(values: Mapping[str, Any]) -> dict[str, Any]:
    """The agency row follows the profile answers."""
    return {column: values[qid] or None for qid, column in AGENCY_FIELDS.items() if qid in values}


def submit(assessment: Assessment) -> None:
    if assessment.submitted:
        return
    db.session.add(AuditEvent(assessment_id=assessment.id, actor_id=_actor_id(), action="submitted",
                              before={"status": assessment.status}, after={"status": SUBMITTED}))
    assessment.status = SUBMITTED
    assessment.submitted_at = utcnow()
    with write_lock():
        db.session.commit()


def _actor_id() -> str | None:
    """The signed-in user, if any; an official working with the private link alone is None."""
    from flask import has_request_context, session
    from flask_login import current_user

    if not has_request_context() or "_user_id" not in session:
        # Nobody signed in: no need to load a user (and hash the client's address) to know it.
        return None
    return current_user.id if current_user.is_authenticated else None
