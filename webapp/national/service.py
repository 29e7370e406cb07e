"""Choosing the assessments of a national report, building it, and publishing it."""

from __future__ import annotations

from sqlalchemy import select

from questionnaires import Questionnaire
from reports.catalogue import Catalogue
from reports.national import AgencyInput, NationalReport, build_national
from webapp.core.db import db
from webapp.core.models import Agency, Assessment, AuditEvent, User, utcnow
from webapp.core.models import NationalReport as NationalRecord
from webapp.core.status import EDITABLE, PUBLISHED
from webapp.core.store import adjustment_specs


def submitted_in(country: str) -> list[tuple[Assessment, Agency]]:
    """The submitted assessments of the country's agencies, newest first."""
    return list(db.session.execute(
        select(Assessment, Agency).join(Agency, Assessment.agency_id == Agency.id)
        .where(Agency.country == country, Assessment.status.not_in(EDITABLE), Assessment.submitted_at.is_not(None))
        .order_by(Agency.name, Assessment.submitted_at.desc())
    ).all())


def latest_of_each(rows: list[tuple[Assessment, Agency]]) -> set[str]:
    latest: dict[str, str] = {}
    for assessment, agency in sorted(rows, key=lambda r: r[0].submitted_at, reverse=True):
        latest.setdefault(agency.id, assessment.id)
    return set(latest.values())


def countries() -> list[str]:
    """Countries with at least one submitted assessment."""
    rows = db.session.scalars(
        select(Agency.country).join(Assessment, Assessment.agency_id == Agency.id)
        .where(Assessment.status.not_in(EDITABLE), Agency.country.is_not(None)).distinct()
    )
    return sorted(c for c in rows if c)


def create(country: str, chosen: list[str], author: User | None) -> NationalRecord | None:
    """A national report of the chosen assessments; None if any is not a submitted assessment
    of an agency of that country."""
    allowed = {a.id for a, _agency in submitted_in(country)}
    if not chosen or not set(chosen) <= allowed:
        return None
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


def included(record: NationalRecord) -> list[tuple[Assessment, Agency]]:
    return list(db.session.execute(
        select(Assessment, Agency).join(Agency, Assessment.agency_id == Agency.id)
        .where(Assessment.id.in_(record.assessment_ids)).order_by(Agency.name)
    ).all())


def build(record: NationalRecord, questionnaire: Questionnaire, catalogue: Catalogue, lang: str, status: str) -> NationalReport:
    inputs = [AgencyInput(agency.name or "", agency.agency_type or "", assessment.reference,
                          (assessment.submitted_at or assessment.created_at).date(), assessment.answer_values(),
                          tuple(adjustment_specs(assessment)))
              for assessment, agency in included(record)]
    return build_national(questionnaire, catalogue, record.country, inputs, lang, record.reference, status,
                          (record.published_at or record.created_at).date())
