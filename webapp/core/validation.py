"""Validation by a technical-assistance officer, and the evidence behind the answers.

An officer validates a section's answers, in a mission or from documents, and may give an answer
another level, with a reason. The official's answer is kept; the officer's level counts in the
scores and recommendations. An assessment is self-assessed until a section is validated, under
validation while some are, and validated when every scored section is. A change the official
makes to a validated section's answers afterwards reopens that section. Every step is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from questionnaires import Questionnaire, Section
from questionnaires.scoring import Validated, answer_level, score
from reports.build import Checks
from reports.i18n import Translator
from webapp.core.db import db
from webapp.core.i18n import current_language
from webapp.core.models import AnswerValidation, Assessment, AuditEvent, SectionValidation, User, aware, utcnow

SELF_ASSESSED, UNDER_VALIDATION, VALIDATED = "self-assessed", "under-validation", "validated"
STATES = (SELF_ASSESSED, UNDER_VALIDATION, VALIDATED)
STATE_LABELS = {
    SELF_ASSESSED: _l("Self-assessed"),
    UNDER_VALIDATION: _l("Under validation"),
    VALIDATED: _l("Validated"),
}
REOPENED = "reopened"
REASON_LIMIT = 1000
LEVELS = range(5)


def section_validations(assessment: Assessment) -> dict[str, SectionValidation]:
    return {v.section_id: v for v in db.session.scalars(
        select(SectionValidation).where(SectionValidation.assessment_id == assessment.id))}


def answer_validations(assessment: Assessment) -> dict[str, AnswerValidation]:
    """The reviewer's levels that still apply: given for the answer as it stands now."""
    values = assessment.answer_values()
    return {v.question_id: v for v in db.session.scalars(
        select(AnswerValidation).where(AnswerValidation.assessment_id == assessment.id))
        if v.value == values.get(v.question_id)}


def checks(assessment: Assessment) -> Checks:
    """The evidence of every answer, and what a reviewer validated, for the report."""
    evidence = {qid: known for qid, known in assessment.answer_evidence().items() if known[0]}
    sections = section_validations(assessment)
    done = {sid: v for sid, v in sections.items() if v.state == VALIDATED}
    levels = answer_validations(assessment)
    return Checks(
        evidence=evidence,
        validated=Validated({qid: v.level for qid, v in levels.items()}, frozenset(done)),
        reasons={qid: v.reason for qid, v in levels.items()},
        on=max((aware(v.validated_at).date() for v in done.values()), default=None),
    )


def validated_of(assessment: Assessment) -> Validated:
    return checks(assessment).validated


def scored_sections(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> list[Section]:
    """The sections that apply and have scored questions: those a validation covers."""
    found = score(questionnaire, answers).sections
    return [s for s in questionnaire.applicable_sections(answers) if s.id in found and s.id != questionnaire.profile.id]


def state_of(questionnaire: Questionnaire, answers: Mapping[str, Any], sections: Mapping[str, SectionValidation]) -> str:
    if not sections:
        return SELF_ASSESSED
    done = {sid for sid, v in sections.items() if v.state == VALIDATED}
    needed = {s.id for s in scored_sections(questionnaire, answers)}
    return VALIDATED if needed and needed <= done else UNDER_VALIDATION


def _follow_state(assessment: Assessment, questionnaire: Questionnaire, actor_id: str | None) -> None:
    """Record the assessment's validation state, and its change in the audit trail."""
    new = state_of(questionnaire, assessment.answer_values(), section_validations(assessment))
    if new != assessment.validation:
        db.session.add(AuditEvent(assessment_id=assessment.id, actor_id=actor_id, action="validation state",
                                  before={"validation": assessment.validation}, after={"validation": new}))
        assessment.validation = new


@dataclass(frozen=True)
class Row:
    """One scored question of a section as the validation page shows it."""

    question: Any
    value: Any
    own_level: int | None
    evidence: str | None
    evidence_note: str | None
    adjustment: AnswerValidation | None


def rows(assessment: Assessment, section: Section) -> list[Row]:
    answers = assessment.answer_values()
    stored = assessment.answer_rows()
    levels = answer_validations(assessment)
    found = []
    for q in section.visible_questions(answers):
        if not q.scored:
            continue
        row = stored.get(q.id)
        found.append(Row(q, answers.get(q.id), answer_level(q, answers.get(q.id)),
                         row.evidence if row is not None and row.value is not None else None,
                         row.evidence_note if row is not None and row.value is not None else None, levels.get(q.id)))
    return found


def read_form(rows_shown: Iterable[Row], form: Mapping[str, str]) -> tuple[dict[str, tuple[int, str] | None], dict[str, str]]:
    """What the officer sent: question id -> (level, reason), or None to keep the official's
    level; and the problems, by question id, as messages."""
    words = Translator(current_language())
    chosen: dict[str, tuple[int, str] | None] = {}
    problems: dict[str, str] = {}
    for row in rows_shown:
        qid = row.question.id
        raw = (form.get(f"level_{qid}") or "").strip()
        reason = (form.get(f"reason_{qid}") or "").strip()
        if raw == "":
            chosen[qid] = None
            continue
        if not raw.isdigit() or int(raw) not in LEVELS:
            problems[qid] = _("Choose a level from 0 to 4, or keep the agency's level.")
            continue
        level = int(raw)
        if level == row.own_level:
            chosen[qid] = None  # the same as the agency's: nothing to adjust
            continue
        if not reason:
            problems[qid] = _("Say why this answer gets another level.")
        elif len(reason) > REASON_LIMIT:
            problems[qid] = _("Keep the reason to %(limit)s characters or fewer.", limit=words.number(REASON_LIMIT))
        else:
            chosen[qid] = (level, reason)
    return chosen, problems


def stale(assessment: Assessment, section: Section, base_version: int) -> bool:
    """Whether the section's answers or its validation changed since the page was shown."""
    validation = section_validations(assessment).get(section.id)
    if validation is not None and validation.revision > base_version:
        return True
    ids = {q.id for q in section.questions}
    return any(row.revision > base_version for row in assessment.answers if row.question_id in ids)


def validate_section(assessment: Assessment, questionnaire: Questionnaire, section: Section, actor: User,
                     chosen: Mapping[str, tuple[int, str] | None], base_version: int) -> bool:
    """Validate the section with these levels, in one transaction. False (nothing saved) when
    the page was shown before another change to this section: a stale tab undoes nothing."""
    if stale(assessment, section, base_version):
        return False
    answers = assessment.answer_values()
    revision = assessment.version + 1
    now = utcnow()
    existing = {v.question_id: v for v in db.session.scalars(
        select(AnswerValidation).where(AnswerValidation.assessment_id == assessment.id,
                                       AnswerValidation.question_id.in_(list(chosen))))}
    before, after = {}, {}
    for qid, choice in chosen.items():
        old = existing.get(qid)
        if old is not None:
            before[qid] = {"level": old.level, "reason": old.reason}
        if choice is None:
            if old is not None:
                db.session.delete(old)
            continue
        level, reason = choice
        if old is None:
            db.session.add(AnswerValidation(assessment_id=assessment.id, question_id=qid, level=level, reason=reason,
                                            value=answers.get(qid), validated_by=actor.id, validated_at=now))
        else:
            old.level, old.reason, old.value, old.validated_by, old.validated_at = level, reason, answers.get(qid), actor.id, now
        after[qid] = {"level": level, "reason": reason}
    validation = section_validations(assessment).get(section.id)
    if validation is None:
        validation = SectionValidation(assessment_id=assessment.id, section_id=section.id)
        db.session.add(validation)
    validation.state, validation.validated_by, validation.validated_at = VALIDATED, actor.id, now
    validation.reopened_at, validation.revision = None, revision
    db.session.add(AuditEvent(assessment_id=assessment.id, actor_id=actor.id, action="section validated",
                              before={"section": section.id, "levels": before},
                              after={"section": section.id, "levels": after}, at=now))
    _follow_state(assessment, questionnaire, actor.id)
    assessment.updated_at = now  # the version check, and the cached PDFs follow
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        return False
    return True


def reopen(assessment: Assessment, questionnaire: Questionnaire, changed: Iterable[str], actor_id: str | None) -> list[str]:
    """In the caller's transaction: reopen the validated sections whose answers (or their
    evidence) the official changed. Returns the sections reopened."""
    ids = set(changed)
    if not ids or assessment.validation == SELF_ASSESSED:
        return []
    reopened = []
    for validation in section_validations(assessment).values():
        section = questionnaire.section(validation.section_id)
        if validation.state != VALIDATED or section is None or not ids & {q.id for q in section.questions}:
            continue
        validation.state, validation.reopened_at = REOPENED, utcnow()
        reopened.append(section.id)
    if reopened:
        db.session.add(AuditEvent(assessment_id=assessment.id, actor_id=actor_id, action="validation reopened",
                                  after={"sections": reopened, "questions": sorted(ids)}))
        _follow_state(assessment, questionnaire, actor_id)
    return reopened


def section_validated_on(assessment: Assessment, section_id: str) -> dt.date | None:
    """When the section was validated, if that validation stands (it was not reopened)."""
    if assessment.validation == SELF_ASSESSED:
        return None  # no section was ever validated: no query
    found = section_validations(assessment).get(section_id)
    return aware(found.validated_at).date() if found is not None and found.state == VALIDATED else None
