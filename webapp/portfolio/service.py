"""The donors' portfolio: aggregates over published assessments, computed in SQL.

A group of fewer than MIN_AGENCIES agencies is never shown, so that no single agency can be
singled out of an aggregate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, distinct, extract, func, select

from reports.regions import countries_in
from webapp.core.db import db
from webapp.core.models import Assessment, PublishedGap, PublishedProfile, PublishedRecommendation, PublishedScore
from webapp.core.status import PUBLISHED

MIN_AGENCIES = 3


@dataclass(frozen=True)
class Filters:
    region: str = ""
    country: str = ""
    agency_type: str = ""
    year: int | None = None


def _published(query: Select, filters: Filters) -> Select:
    query = query.where(Assessment.status == PUBLISHED)
    if filters.region:
        query = query.where(PublishedProfile.country.in_(sorted(countries_in(filters.region))))
    if filters.country:
        query = query.where(PublishedProfile.country == filters.country)
    if filters.agency_type:
        query = query.where(PublishedProfile.agency_type == filters.agency_type)
    if filters.year:
        query = query.where(extract("year", Assessment.published_at) == filters.year)
    return query


def heat_map(filters: Filters, by: str) -> dict[tuple[str, str], tuple[float, int]]:
    """(group, section) -> (mean level, agencies), for groups of at least MIN_AGENCIES agencies.
    `by` is "agency_type" or "country"."""
    group = PublishedProfile.agency_type if by == "agency_type" else PublishedProfile.country
    agencies = func.count(distinct(Assessment.agency_id))
    query = (
        select(group, PublishedScore.section_id, func.avg(PublishedScore.level), agencies)
        .join(Assessment, Assessment.id == PublishedScore.assessment_id)
        .join(PublishedProfile, PublishedProfile.assessment_id == Assessment.id)
        .where(PublishedScore.level.is_not(None))
        .group_by(group, PublishedScore.section_id)
        .having(agencies >= MIN_AGENCIES)
    )
    rows = db.session.execute(_published(query, filters)).all()
    return {(g, s): (round(float(level), 2), int(n)) for g, s, level, n in rows if g}


def frequent_gaps(filters: Filters, limit: int = 10) -> list[tuple[str, int, float]]:
    """(topic, agencies with a gap, mean gap), most frequent first."""
    agencies = func.count(distinct(Assessment.agency_id))
    query = (
        select(PublishedGap.topic_id, agencies, func.avg(PublishedGap.gap))
        .join(Assessment, Assessment.id == PublishedGap.assessment_id)
        .join(PublishedProfile, PublishedProfile.assessment_id == Assessment.id)
        .group_by(PublishedGap.topic_id)
        .having(agencies >= MIN_AGENCIES)
        .order_by(agencies.desc(), func.avg(PublishedGap.gap).desc())
        .limit(limit)
    )
    return [(t, int(n), round(float(g), 2)) for t, n, g in db.session.execute(_published(query, filters)).all()]


def demand(filters: Filters, limit: int = 15) -> list[tuple[str, str, int, int]]:
    """(resource, part, agencies it is recommended to, of which high priority), most wanted first."""
    agencies = func.count(distinct(Assessment.agency_id))
    high = func.count(distinct(Assessment.agency_id)).filter(PublishedRecommendation.priority == "high")
    query = (
        select(PublishedRecommendation.resource_id, PublishedRecommendation.part_id, agencies, high)
        .join(Assessment, Assessment.id == PublishedRecommendation.assessment_id)
        .join(PublishedProfile, PublishedProfile.assessment_id == Assessment.id)
        .group_by(PublishedRecommendation.resource_id, PublishedRecommendation.part_id)
        .having(agencies >= MIN_AGENCIES)
        .order_by(agencies.desc(), high.desc())
        .limit(limit)
    )
    return [(r, p, int(n), int(h)) for r, p, n, h in db.session.execute(_published(query, filters)).all()]


def published(filters: Filters, limit: int = 50) -> tuple[list[tuple[Assessment, PublishedProfile]], int]:
    """The latest published assessments, and how many there are in all."""
    base = _published(select(Assessment, PublishedProfile).join(
        PublishedProfile, PublishedProfile.assessment_id == Assessment.id), filters)
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    rows = db.session.execute(base.order_by(Assessment.published_at.desc()).limit(limit)).all()
    return list(rows), int(total or 0)


def work_plan(filters: Filters) -> list[tuple[PublishedProfile, Assessment, PublishedRecommendation]]:
    query = (
        select(PublishedProfile, Assessment, PublishedRecommendation)
        .join(Assessment, Assessment.id == PublishedRecommendation.assessment_id)
        .join(PublishedProfile, PublishedProfile.assessment_id == Assessment.id)
        .order_by(PublishedProfile.name, PublishedRecommendation.priority)
    )
    return list(db.session.execute(_published(query, filters)).all())


def years() -> list[int]:
    rows = db.session.execute(
        select(extract("year", Assessment.published_at)).where(Assessment.status == PUBLISHED).distinct()
    ).scalars()
    return sorted(int(y) for y in rows if y)


def parse_filters(args) -> Filters:
    year = args.get("year", "")
    return Filters(
        region=args.get("region", "")[:3],
        country=args.get("country", "")[:2],
        agency_type=args.get("agency_type", "")[:40],
        year=int(year) if year.isdigit() and 2000 <= int(year) <= dt.date.today().year + 1 else None,
    )
