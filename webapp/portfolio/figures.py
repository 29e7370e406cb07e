"""What the donors' portfolio keeps, so that its page adds up sums per group (country, type of
agency, years) instead of every published row.

The portfolio shows the current picture: each agency's latest published assessment, or, for a
year, its latest published in or before that year. So every published assessment holds the
years in which it is its agency's latest (PublishedProfile.current_from and current_until), and
PortfolioFigure holds sums and counts over the assessments that share those years, a country
and a type of agency. TrainingOutcome holds each trained agency's levels before and after.

All of it is recomputed for one agency, from its published rows, in the transaction that
publishes its assessment or records its training: refresh_agency. refresh_all recomputes
everything (after a change to which topics a part addresses, or to check the stored figures).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, func, insert, or_, select, update

from webapp.core.db import db
from webapp.core.models import (
    CURRENT_FOREVER,
    Assessment,
    PortfolioFigure,
    PublishedGap,
    PublishedProfile,
    PublishedRecommendation,
    PublishedScore,
    PublishedTopic,
    Training,
    TrainingOutcome,
)

# Any fixed number: PostgreSQL's advisory lock that serializes the updates of the figures.
LOCK_KEY = 7_210_421

KINDS = ("agency", "level", "gap", "demand")
# The same sums over the validated assessments only (PublishedProfile.validated): kind + VALIDATED_ONLY.
VALIDATED_ONLY = "-v"
ALL_KINDS = KINDS + tuple(kind + VALIDATED_ONLY for kind in KINDS)
Group = tuple[str, str, int, int]  # country, type of agency, current_from, current_until


def _lock() -> None:
    """Two publications at once must not recount the same group from two snapshots. SQLite
    already runs one writer at a time."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(LOCK_KEY)))


def years_current(published: list[tuple[str, int]]) -> dict[str, tuple[int, int] | None]:
    """For one agency's published assessments, as (id, year published) in the order they were
    published: the years in which each is the agency's latest, or None if never."""
    spans: dict[str, tuple[int, int] | None] = {}
    for i, (assessment_id, year) in enumerate(published):
        until = published[i + 1][1] if i + 1 < len(published) else CURRENT_FOREVER
        spans[assessment_id] = (year, until) if year < until else None
    return spans


def addressed() -> dict[tuple[str, str], tuple[str, ...]]:
    """The topics each part of the catalogue addresses."""
    from webapp.core.definitions import catalogue

    return {(r.id, p.id): p.addressed for r, p in catalogue().parts()}


def refresh_agency(agency_key: str) -> None:
    """Recompute, in the caller's transaction, the years each published assessment of the agency
    is current, the sums of every group that gained or lost one, and its training outcomes."""
    _lock()
    db.session.flush()
    # A published profile exists only for a published assessment: publication writes it, and
    # nothing unpublishes. So the agency's index alone finds them.
    rows = db.session.execute(
        select(PublishedProfile, Assessment.published_at)
        .join(Assessment, Assessment.id == PublishedProfile.assessment_id)
        .where(PublishedProfile.agency_key == agency_key)
        .order_by(Assessment.published_at, Assessment.id)
    ).all()
    spans = years_current([(profile.assessment_id, published_at.year) for profile, published_at in rows])
    touched: set[Group] = set()
    for profile, _published_at in rows:
        span = spans[profile.assessment_id]
        old = (profile.current_from, profile.current_until)
        new = span if span is not None else (None, None)
        if old == new:
            continue
        if old[0] is not None and old[1] is not None:
            touched.add((profile.country or "", profile.agency_type or "", old[0], old[1]))
        if span is not None:
            touched.add((profile.country or "", profile.agency_type or "", *span))
        profile.current_from, profile.current_until = new
    db.session.flush()
    for group in sorted(touched):
        _recount(group)
    _refresh_outcomes(agency_key, addressed())


def refresh_all() -> int:
    """Recompute every stored figure from the published rows. Returns the number of agencies."""
    _lock()
    db.session.execute(delete(PortfolioFigure))
    db.session.execute(delete(TrainingOutcome))
    rows = db.session.execute(
        select(PublishedProfile.agency_key, PublishedProfile.assessment_id, Assessment.published_at)
        .join(Assessment, Assessment.id == PublishedProfile.assessment_id)
        .where(PublishedProfile.agency_key.is_not(None))
        .order_by(PublishedProfile.agency_key, Assessment.published_at, Assessment.id)
    ).all()
    by_agency: dict[str, list[tuple[str, int]]] = {}
    for key, assessment_id, published_at in rows:
        by_agency.setdefault(key, []).append((assessment_id, published_at.year))
    changes = []
    for published in by_agency.values():
        for assessment_id, span in years_current(published).items():
            start, until = span if span is not None else (None, None)
            changes.append({"assessment_id": assessment_id, "current_from": start, "current_until": until})
    if changes:
        db.session.execute(update(PublishedProfile), changes)
    _count(PublishedProfile.current_from.is_not(None))
    part_topics = addressed()
    for agency_id in db.session.scalars(select(Training.agency_id).distinct()):
        _refresh_outcomes(agency_id, part_topics)
    return len(by_agency)


def _in_group(group: Group):
    country, agency_type, start, until = group

    def same(column, value: str):
        return or_(column.is_(None), column == "") if value == "" else column == value

    return (same(PublishedProfile.country, country), same(PublishedProfile.agency_type, agency_type),
            PublishedProfile.current_from == start, PublishedProfile.current_until == until)


def _recount(group: Group) -> None:
    """Replace the stored sums of one group by a count of its members."""
    country, agency_type, start, until = group
    db.session.execute(delete(PortfolioFigure).where(
        PortfolioFigure.kind.in_(ALL_KINDS),  # the primary key's first column: the delete reads only the group's rows
        PortfolioFigure.country == country, PortfolioFigure.agency_type == agency_type,
        PortfolioFigure.current_from == start, PortfolioFigure.current_until == until))
    _count(*_in_group(group))


def _count(*where) -> None:
    """Store the sums and counts of the published assessments that `where` selects, by group,
    and the same over those of them that were validated."""
    _count_kinds("", *where)
    _count_kinds(VALIDATED_ONLY, PublishedProfile.validated.is_(True), *where)


def _count_kinds(suffix: str, *where) -> None:
    group = (func.coalesce(PublishedProfile.country, ""), func.coalesce(PublishedProfile.agency_type, ""),
             PublishedProfile.current_from, PublishedProfile.current_until)

    def by(table, *columns):
        return (select(*group, *columns).join(PublishedProfile, PublishedProfile.assessment_id == table.assessment_id)
                .where(*where))

    rows: list[dict] = []
    for *key, n in db.session.execute(select(*group, func.count()).where(*where).group_by(*group)):
        rows.append(_figure(key, "agency" + suffix, "", "", n, 0.0, 0))
    for *key, section, n, total in db.session.execute(
            by(PublishedScore, PublishedScore.section_id, func.count(), func.sum(PublishedScore.level))
            .where(PublishedScore.level.is_not(None)).group_by(*group, PublishedScore.section_id)):
        rows.append(_figure(key, "level" + suffix, section, "", n, total, 0))
    for *key, topic, n, total in db.session.execute(
            by(PublishedGap, PublishedGap.topic_id, func.count(), func.sum(PublishedGap.gap)).group_by(*group, PublishedGap.topic_id)):
        rows.append(_figure(key, "gap" + suffix, topic, "", n, total, 0))
    high = func.count().filter(PublishedRecommendation.priority == "high")
    for *key, resource, part, n, h in db.session.execute(
            by(PublishedRecommendation, PublishedRecommendation.resource_id, PublishedRecommendation.part_id, func.count(), high)
            .group_by(*group, PublishedRecommendation.resource_id, PublishedRecommendation.part_id)):
        rows.append(_figure(key, "demand" + suffix, resource, part, n, 0.0, h))
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(PortfolioFigure), rows[start:start + 5000])


def _figure(key: list, kind: str, item: str, part: str, agencies: int, total: float, high: int) -> dict:
    country, agency_type, start, until = key
    return {"kind": kind, "country": country, "agency_type": agency_type, "current_from": start, "current_until": until,
            "item": item, "part": part, "agencies": int(agencies), "total": float(total), "high": int(high)}


def _refresh_outcomes(agency_id: str, part_topics: dict[tuple[str, str], tuple[str, ...]]) -> None:
    """The levels before and after training of one agency, for each topic its training addressed.
    Before: the last published assessment submitted before the training started that has a
    level for the topic; after: the first such one submitted after it ended. For a topic that
    several trainings addressed, the earliest training that has both."""
    db.session.execute(delete(TrainingOutcome).where(TrainingOutcome.agency_id == agency_id))
    trainings = list(db.session.scalars(
        select(Training).where(Training.agency_id == agency_id).order_by(Training.starts_on, Training.ends_on, Training.id)))
    if not trainings:
        return
    published = db.session.execute(
        select(Assessment.id, Assessment.submitted_at, PublishedProfile.country, PublishedProfile.agency_type)
        .join(PublishedProfile, PublishedProfile.assessment_id == Assessment.id)
        .where(PublishedProfile.agency_key == agency_id, Assessment.submitted_at.is_not(None))
        .order_by(Assessment.submitted_at, Assessment.id)
    ).all()
    levels: dict[tuple[str, str], float] = {
        (a, t): level for a, t, level in db.session.execute(
            select(PublishedTopic.assessment_id, PublishedTopic.topic_id, PublishedTopic.level)
            .where(PublishedTopic.assessment_id.in_([row.id for row in published])))
    }
    outcomes: dict[str, TrainingOutcome] = {}
    for done in trainings:
        before = [row for row in published if row.submitted_at.date() < done.starts_on]
        after = [row for row in published if row.submitted_at.date() > done.ends_on]
        for topic_id in part_topics.get((done.resource_id, done.part_id), ()):
            first = _nearest(topic_id, reversed(before), levels)
            last = _nearest(topic_id, after, levels)
            if topic_id in outcomes or first is None or last is None:
                continue
            outcomes[topic_id] = TrainingOutcome(
                agency_id=agency_id, topic_id=topic_id, country=last.country or "", agency_type=last.agency_type or "",
                before=levels[(first.id, topic_id)], after=levels[(last.id, topic_id)])
    db.session.add_all(outcomes.values())
    db.session.flush()


def _nearest(topic_id: str, rows: Iterable, levels: dict[tuple[str, str], float]):
    """The first of `rows` with a level for the topic."""
    return next((row for row in rows if (row.id, topic_id) in levels), None)
