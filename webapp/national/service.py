"""Choosing the assessments of a national report, building it, and publishing it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from questionnaires import Questionnaire
from reports.catalogue import Catalogue
from webapp.core.validation import VALIDATED, validated_of
from reports.national import AgencyInput, NationalReport, build_national
from webapp.core.db import db
from webapp.core.models import Agency, Assessment, AuditEvent, PublishedProfile, User, utcnow
from webapp.core.models import NationalReport as NationalRecord
from webapp.core.status import EDITABLE, PUBLISHED, REVIEWED
from webapp.core.store import adjustment_specs

# Checked by a reviewer: what a national report takes unless told otherwise.
REVIEWED_STATES = (REVIEWED, PUBLISHED)


@dataclass(frozen=True)
class Profile:
    """The agency as one assessment describes it."""

    name: str
    agency_type: str


class NotReviewed(ValueError):
    """Assessments not yet reviewed were chosen without the tick that includes them."""


def profiles(assessments: list[Assessment]) -> dict[str, Profile]:
    """Each assessment's agency as recorded when it was published, or else as its own answers
    say. Never the agency row: that follows the latest draft, which anyone with its private
    link may change, and must not rewrite a report."""
    ids = [a.id for a in assessments]
    published = {p.assessment_id: p for p in db.session.scalars(
        select(PublishedProfile).where(PublishedProfile.assessment_id.in_(ids)))} if ids else {}
    found = {}
    for assessment in assessments:
        recorded = published.get(assessment.id)
        if recorded is not None:
            found[assessment.id] = Profile(recorded.name or "", recorded.agency_type or "")
        else:
            answers = assessment.answer_values()
            found[assessment.id] = Profile(answers.get("agency_name") or "", answers.get("agency_type") or "")
    return found


def reviewed(assessment: Assessment) -> bool:
    return assessment.status in REVIEWED_STATES


def _with_profiles(assessments: list[Assessment]) -> list[tuple[Assessment, Profile]]:
    described = profiles(assessments)
    return sorted(((a, described[a.id]) for a in assessments),
                  key=lambda row: (row[1].name.casefold(), -(row[0].submitted_at or row[0].created_at).timestamp()))


def submitted_in(country: str) -> list[tuple[Assessment, Profile]]:
    """The submitted assessments of the country's agencies, by name, newest first."""
    return _with_profiles(list(db.session.scalars(
        select(Assessment).join(Agency, Assessment.agency_id == Agency.id)
        .where(Agency.country == country, Assessment.status.not_in(EDITABLE), Assessment.submitted_at.is_not(None))
    )))


def latest_of_each(rows: list[tuple[Assessment, Profile]], include_unreviewed: bool = False) -> set[str]:
    """The latest assessment of each agency that a reviewer checked (or, if asked, of any submitted)."""
    latest: dict[str | None, str] = {}
    for assessment, _profile in sorted(rows, key=lambda r: r[0].submitted_at, reverse=True):
        if include_unreviewed or reviewed(assessment):
            latest.setdefault(assessment.agency_id, assessment.id)
    return set(latest.values())


def countries() -> list[str]:
    """Countries with at least one submitted assessment."""
    rows = db.session.scalars(
        select(Agency.country).join(Assessment, Assessment.agency_id == Agency.id)
        .where(Assessment.status.not_in(EDITABLE), Agency.country.is_not(None)).distinct()
    )
    return sorted(c for c in rows if c)


def create(country: str, chosen: list[str], author: User | None, include_unreviewed: bool = False) -> NationalRecord | None:
    """A national report of the chosen assessments; None if any is not a submitted assessment
    of an agency of that country. NotReviewed if any is not yet reviewed and that was not asked for."""
    submitted = {a.id: a for a, _profile in submitted_in(country)}
    if not chosen or not set(chosen) <= set(submitted):
        return None
    if not include_unreviewed and any(not reviewed(submitted[aid]) for aid in chosen):
        raise NotReviewed(chosen)
    record = NationalRecord(country=country, assessment_ids=sorted(set(chosen)), created_by=author.id if author else None)
    db.session.add(record)
    db.session.flush()
    db.session.add(AuditEvent(actor_id=author.id if author else None, action="national report created",
                              after={"national": record.id, "country": country, "assessments": record.assessment_ids}))
    db.session.commit()
    return record


def publish(record: NationalRecord, author: User) -> None:
    record.status, record.published_by, record.published_at = PUBLISHED, author.id, utcnow()
    db.session.add(AuditEvent(actor_id=author.id, action="national report published",
                              after={"national": record.id, "country": record.country}))
    db.session.commit()


def included(record: NationalRecord) -> list[tuple[Assessment, Profile]]:
    return _with_profiles(list(db.session.scalars(select(Assessment).where(Assessment.id.in_(record.assessment_ids)))))


def agency_input(assessment: Assessment, profile: Profile) -> AgencyInput:
    return AgencyInput(profile.name, profile.agency_type, assessment.reference,
                       (assessment.submitted_at or assessment.created_at).date(), assessment.answer_values(),
                       tuple(adjustment_specs(assessment)), reviewed(assessment), validated_of(assessment),
                       assessment.validation == VALIDATED)


def build(record: NationalRecord, questionnaire: Questionnaire, catalogue: Catalogue, lang: str, status: str) -> NationalReport:
    inputs = [agency_input(assessment, profile) for assessment, profile in included(record)]
    return build_national(questionnaire, catalogue, record.country, inputs, lang, record.reference, status,
                          (record.published_at or record.created_at).date())
