"""The donors' portfolio: the current picture (each agency's latest published assessment) and
the trends over the years, added up from the figures kept at publication (figures.py).

A group of fewer than MIN_AGENCIES agencies is never shown, so that no single agency can be
singled out of an aggregate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, case, func, literal, select
from sqlalchemy.orm import contains_eager

from reports.regions import countries_in, region_of
from webapp.core.db import db
from webapp.core.models import (
    CURRENT_FOREVER, Assessment, PortfolioFigure, PublishedProfile, PublishedRecommendation, TrainingOutcome,
)
from webapp.core.status import PUBLISHED
from webapp.portfolio.figures import VALIDATED_ONLY

MIN_AGENCIES = 3


@dataclass(frozen=True)
class Filters:
    region: str = ""
    country: str = ""
    agency_type: str = ""
    year: int | None = None
    validated: bool = False  # only the assessments a reviewer validated in every section

    def kind(self, name: str) -> str:
        """The stored figures to read: over every published assessment, or the validated ones only."""
        return name + VALIDATED_ONLY if self.validated else name


def _current(query: Select, filters: Filters, table=PortfolioFigure) -> Select:
    """The current picture, on a table with the years each row is current (the stored figures,
    or the published profiles): each agency's latest published assessment, or its latest
    published in or before the year chosen; and the region, country and type chosen."""
    if filters.year:
        query = query.where(table.current_from <= filters.year, table.current_until > filters.year)
    else:
        query = query.where(table.current_until == CURRENT_FOREVER)
    return _groups(query, filters, table)


def _groups(query: Select, filters: Filters, table) -> Select:
    """The region, country and type of agency chosen, on a table with those columns."""
    if filters.region:
        query = query.where(table.country.in_(sorted(countries_in(filters.region))))
    if filters.country:
        query = query.where(table.country == filters.country)
    if filters.agency_type:
        query = query.where(table.agency_type == filters.agency_type)
    if filters.validated and table is PublishedProfile:
        query = query.where(PublishedProfile.validated.is_(True))
    return query


def heat_map(filters: Filters, by: str) -> dict[tuple[str, str], tuple[float, int, int]]:
    """(group, section) -> (mean level, agencies, of which validated), for groups of at least
    MIN_AGENCIES agencies. `by` is "agency_type" or "country"."""
    group = PortfolioFigure.agency_type if by == "agency_type" else PortfolioFigure.country
    counted, validated = filters.kind("level"), "level" + VALIDATED_ONLY

    def of(kind: str, column):
        return func.sum(case((PortfolioFigure.kind == kind, column), else_=0))

    agencies = of(counted, PortfolioFigure.agencies)
    query = (
        select(group, PortfolioFigure.item, agencies, of(counted, PortfolioFigure.total), of(validated, PortfolioFigure.agencies))
        .where(PortfolioFigure.kind.in_(sorted({counted, validated})), group != "")
        .group_by(group, PortfolioFigure.item)
        .having(agencies >= MIN_AGENCIES)
    )
    return {(g, s): (float(total) / int(n), int(n), int(v)) for g, s, n, total, v in db.session.execute(_current(query, filters))}


def frequent_gaps(filters: Filters, limit: int = 10) -> list[tuple[str, int, float]]:
    """(topic, agencies with a gap, mean gap), most frequent first, then the largest."""
    agencies = func.sum(PortfolioFigure.agencies)
    query = (
        select(PortfolioFigure.item, agencies, func.sum(PortfolioFigure.total))
        .where(PortfolioFigure.kind == filters.kind("gap"))
        .group_by(PortfolioFigure.item)
        .having(agencies >= MIN_AGENCIES)
    )
    rows = [(t, int(n), float(total) / int(n)) for t, n, total in db.session.execute(_current(query, filters))]
    return sorted(rows, key=lambda row: (-row[1], -row[2], row[0]))[:limit]


def demand(filters: Filters, limit: int = 15) -> list[tuple[str, str, int, int]]:
    """(resource, part, agencies it is recommended to, of which high priority), most wanted first."""
    agencies = func.sum(PortfolioFigure.agencies)
    query = (
        select(PortfolioFigure.item, PortfolioFigure.part, agencies, func.sum(PortfolioFigure.high))
        .where(PortfolioFigure.kind == filters.kind("demand"))
        .group_by(PortfolioFigure.item, PortfolioFigure.part)
        .having(agencies >= MIN_AGENCIES)
    )
    rows = [(r, p, int(n), int(h)) for r, p, n, h in db.session.execute(_current(query, filters))]
    return sorted(rows, key=lambda row: (-row[2], -row[3], row[0], row[1]))[:limit]


def agencies(filters: Filters) -> int:
    """How many agencies the current picture holds."""
    return int(db.session.scalar(_current(
        select(func.coalesce(func.sum(PortfolioFigure.agencies), 0)).where(PortfolioFigure.kind == filters.kind("agency")), filters)) or 0)


def _current_profiles(query: Select, filters: Filters) -> Select:
    """Published assessments of the current picture, by their stored years."""
    if filters.year:
        # Implied by the years; it lets the list of reports start reading its index at that year.
        query = query.where(Assessment.published_at < dt.datetime(filters.year + 1, 1, 1))
    return _current(query.where(Assessment.status == PUBLISHED), filters, PublishedProfile)


PAGE_SIZE = 20
SEARCH_LIMIT = 100


def published(filters: Filters, search: str = "", page: int = 1, size: int = PAGE_SIZE,
              country_names: dict[str, str] | None = None) -> Pagination:
    """The latest published report of each agency (its profile, with its assessment), newest
    first, one page of `size` at a time. `search` finds words in the agency's name, or in its
    country's name (`country_names`: code -> name in the reader's language), whatever their case.
    A page past the last shows the last."""
    query = _current_profiles(select(PublishedProfile).join(Assessment, Assessment.id == PublishedProfile.assessment_id)
                              .options(contains_eager(PublishedProfile.assessment)), filters)
    for word in search.lower().split()[:10]:
        in_country = sorted(code for code, name in (country_names or {}).items() if word in name.lower())
        query = query.where(func.lower(PublishedProfile.name).contains(word, autoescape=True)
                            | PublishedProfile.country.in_(in_country))
    query = query.order_by(Assessment.published_at.desc(), Assessment.id.desc())
    result = db.paginate(query, page=max(page, 1), per_page=size, error_out=False)
    if result.page > max(result.pages, 1):
        result = db.paginate(query, page=max(result.pages, 1), per_page=size, error_out=False)
    return result


def countries() -> list[str]:
    """The countries of the agencies with a published report, so that the filter offers only
    countries with data."""
    return sorted(c for c in db.session.scalars(
        select(PublishedProfile.country).join(Assessment, Assessment.id == PublishedProfile.assessment_id)
        .where(Assessment.status == PUBLISHED, PublishedProfile.country.is_not(None)).distinct()) if c)


def history(assessment: Assessment) -> list[Assessment]:
    """Every published assessment of the same agency, newest first."""
    key = db.session.scalar(select(PublishedProfile.agency_key).where(PublishedProfile.assessment_id == assessment.id))
    return list(db.session.scalars(
        select(Assessment).join(PublishedProfile, PublishedProfile.assessment_id == Assessment.id)
        .where(PublishedProfile.agency_key == key)
        .order_by(Assessment.published_at.desc(), Assessment.id.desc())))


def work_plan(filters: Filters) -> list[tuple]:
    """The recommendations of the current picture, one row each: the agency's name, country and
    type, the assessment's id, and the recommendation's resource, part, priority, audiences and
    whether a reviewer changed it."""
    query = (
        select(PublishedProfile.name, PublishedProfile.country, PublishedProfile.agency_type, Assessment.id,
               PublishedRecommendation.resource_id, PublishedRecommendation.part_id, PublishedRecommendation.priority,
               PublishedRecommendation.audiences, PublishedRecommendation.adjusted)
        .join(Assessment, Assessment.id == PublishedRecommendation.assessment_id)
        .join(PublishedProfile, PublishedProfile.assessment_id == Assessment.id)
        .order_by(PublishedProfile.name, Assessment.id, PublishedRecommendation.priority,
                  PublishedRecommendation.resource_id, PublishedRecommendation.part_id)
    )
    return list(db.session.execute(_current_profiles(query, filters)).all())


def years() -> list[int]:
    """The years in which an assessment was published: each has one that was the latest of its
    agency that year."""
    rows = db.session.scalars(select(PublishedProfile.current_from).where(PublishedProfile.current_from.is_not(None)).distinct())
    return sorted(int(y) for y in rows)


def parse_filters(args) -> Filters:
    year = args.get("year", "")
    return Filters(
        region=args.get("region", "")[:3],
        country=args.get("country", "")[:2],
        agency_type=args.get("agency_type", "")[:40],
        year=int(year) if year.isdigit() and 2000 <= int(year) <= dt.date.today().year + 1 else None,
        validated=args.get("validated") == "yes",
    )


def trends(filters: Filters, by: str = "") -> dict[tuple[str, str, int], tuple[float, int]]:
    """(group, section, year) -> (mean level, agencies): for each year, the latest assessment of
    each agency published that year, in cells of at least MIN_AGENCIES agencies. `by` is
    "region", "agency_type", or "" for all agencies together. The year filter does not apply:
    trends run across years."""
    column = {"region": PortfolioFigure.country, "agency_type": PortfolioFigure.agency_type}.get(by, literal(""))
    query = (
        select(column, PortfolioFigure.item, PortfolioFigure.current_from, func.sum(PortfolioFigure.agencies),
               func.sum(PortfolioFigure.total))
        .where(PortfolioFigure.kind == filters.kind("level"))
        .group_by(column, PortfolioFigure.item, PortfolioFigure.current_from)
    )
    sums: dict[tuple[str, str, int], list] = {}
    for g, section, year, n, total in db.session.execute(_groups(query, filters, PortfolioFigure)):
        key = ((region_of(g) or "") if by == "region" else g or "", section, int(year))
        if by and not key[0]:
            continue
        cell = sums.setdefault(key, [0, 0.0])
        cell[0] += int(n)
        cell[1] += float(total)
    return {key: (total / n, n) for key, (n, total) in sums.items() if n >= MIN_AGENCIES}


@dataclass(frozen=True)
class BeforeAfter:
    topic_id: str
    agencies: int
    before: float
    after: float


def training_before_after(filters: Filters) -> list[BeforeAfter]:
    """For each topic that training addressed: the mean level of the trained agencies before and
    after it (webapp/portfolio/figures.py), across at least MIN_AGENCIES agencies. Before and
    after only: not a cause. The year filter does not apply."""
    agencies = func.count()
    query = (
        select(TrainingOutcome.topic_id, agencies, func.sum(TrainingOutcome.before), func.sum(TrainingOutcome.after))
        .group_by(TrainingOutcome.topic_id)
        .having(agencies >= MIN_AGENCIES)
    )
    rows = db.session.execute(_groups(query, filters, TrainingOutcome))
    return sorted((BeforeAfter(t, int(n), float(b) / int(n), float(a) / int(n)) for t, n, b, a in rows),
                  key=lambda x: (-x.agencies, x.topic_id))
