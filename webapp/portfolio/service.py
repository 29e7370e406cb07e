"""The donors' portfolio: aggregates over published assessments, computed in SQL.

A group of fewer than MIN_AGENCIES agencies is never shown, so that no single agency can be
singled out of an aggregate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import Select, case, distinct, extract, func, literal, select

from reports.regions import REGIONS, countries_in
from webapp.core.db import db
from webapp.core.models import (
    Assessment, PublishedGap, PublishedProfile, PublishedRecommendation, PublishedScore, PublishedTopic, Training,
)
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


def _region_of_country():
    """The UN region of a published profile's country, computed in SQL."""
    mapping = {country: region for region in REGIONS for country in countries_in(region)}
    return case(mapping, value=PublishedProfile.country, else_=None)


def trends(filters: Filters, by: str = "") -> dict[tuple[str, str, int], tuple[float, int]]:
    """(group, section, year published) -> (mean level, agencies), for cells of at least
    MIN_AGENCIES agencies. `by` is "region", "agency_type", or "" for all agencies together.
    The year filter does not apply: trends run across years."""
    group = {"region": _region_of_country(), "agency_type": PublishedProfile.agency_type}.get(by, literal(""))
    year = extract("year", Assessment.published_at)
    agencies = func.count(distinct(Assessment.agency_id))
    query = (
        select(group, PublishedScore.section_id, year, func.avg(PublishedScore.level), agencies)
        .join(Assessment, Assessment.id == PublishedScore.assessment_id)
        .join(PublishedProfile, PublishedProfile.assessment_id == Assessment.id)
        .where(PublishedScore.level.is_not(None))
        .group_by(group, PublishedScore.section_id, year)
        .having(agencies >= MIN_AGENCIES)
    )
    rows = db.session.execute(_published(query, replace(filters, year=None))).all()
    return {(g or "", s, int(y)): (round(float(level), 2), int(n)) for g, s, y, level, n in rows if y and (g or not by)}


@dataclass(frozen=True)
class BeforeAfter:
    topic_id: str
    agencies: int
    before: float
    after: float


def training_before_after(filters: Filters, part_topics: dict[tuple[str, str], tuple[str, ...]]) -> list[BeforeAfter]:
    """For each topic that training addressed: the level of the trained agencies in their last
    published assessment submitted before the training, and in their first one submitted after
    it, across at least MIN_AGENCIES agencies. Before and after only: not a cause."""
    trained = list(db.session.scalars(select(Training)))
    if not trained:
        return []
    agencies = {t.agency_id for t in trained}
    query = (
        select(Assessment.agency_id, Assessment.submitted_at, PublishedTopic.topic_id, PublishedTopic.level)
        .join(PublishedTopic, PublishedTopic.assessment_id == Assessment.id)
        .join(PublishedProfile, PublishedProfile.assessment_id == Assessment.id)
        .where(Assessment.agency_id.in_(sorted(agencies)))
        .order_by(Assessment.submitted_at)
    )
    levels: dict[tuple[str, str], list[tuple[dt.datetime, float]]] = {}
    for agency_id, submitted_at, topic_id, level in db.session.execute(_published(query, replace(filters, year=None))):
        levels.setdefault((agency_id, topic_id), []).append((submitted_at, level))
    pairs: dict[tuple[str, str], tuple[float, float]] = {}
    for done in trained:
        for topic_id in part_topics.get((done.resource_id, done.part_id), ()):
            series = levels.get((done.agency_id, topic_id), [])
            before = [lv for at, lv in series if at.date() < done.starts_on]
            after = [lv for at, lv in series if at.date() > done.ends_on]
            if before and after and (done.agency_id, topic_id) not in pairs:
                pairs[(done.agency_id, topic_id)] = (before[-1], after[0])
    by_topic: dict[str, list[tuple[float, float]]] = {}
    for (_agency, topic_id), pair in pairs.items():
        by_topic.setdefault(topic_id, []).append(pair)
    return sorted(
        (BeforeAfter(topic_id, len(p), round(sum(b for b, _ in p) / len(p), 2), round(sum(a for _, a in p) / len(p), 2))
         for topic_id, p in by_topic.items() if len(p) >= MIN_AGENCIES),
        key=lambda x: (-x.agencies, x.topic_id),
    )
