"""The donors' portfolio shows the current picture: each agency's latest published assessment (or
its latest published in or before the year chosen), each agency once. Its figures are added up
from what publication keeps (webapp/portfolio/figures.py); here every one of them is checked
against a plain recomputation from the published rows, under every filter."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from reports.regions import countries_in, region_of
from tests.helpers import PROFILE, assessment_id, backdate_publication, publish_as_ta, sign_in, submitted_assessment

MIN = 3
COUNTRIES = ("KE", "TZ", "FR", "BR")  # two in Africa (002), one in Europe (150), one in the Americas (019)
TYPES = ("coast-guard", "border-police", "customs")
YEARS = (2023, 2024, 2025, 2026)
# Levels and gaps in quarters: their sums are exact in any order, so a mean is the same number
# however the database adds it up, and the comparisons below can be exact.
QUARTERS = st.integers(0, 16).map(lambda q: q / 4)
FILTERS = list(itertools.product(("", "002", "150"), ("", "KE"), ("", "coast-guard"), (None, 2022, *YEARS)))


@dataclass
class Published:
    id: str
    agency_id: str | None  # None: published with no agency, so it counts as its own
    country: str
    agency_type: str
    submitted_at: dt.datetime
    published_at: dt.datetime
    levels: dict[str, float | None]
    gaps: dict[str, float]
    recommendations: dict[tuple[str, str], str]
    topics: dict[str, float]

    @property
    def key(self) -> str:
        return self.agency_id or self.id


@dataclass
class Trained:
    id: str
    agency_id: str
    resource_id: str
    part_id: str
    starts_on: dt.date
    ends_on: dt.date


@dataclass
class World:
    published: list[Published] = field(default_factory=list)
    trainings: list[Trained] = field(default_factory=list)


def worlds(sections: list[str], parts: list[tuple[str, str]], topics: list[str]):
    @st.composite
    def build(draw) -> World:
        world = World()
        n = 0
        for a in range(draw(st.integers(1, 14))):
            agency_id = None if draw(st.integers(0, 9)) == 0 else f"agency-{a}"
            home = (draw(st.sampled_from(COUNTRIES)), draw(st.sampled_from(TYPES)))
            for _ in range(draw(st.integers(1, 3)) if agency_id else 1):
                n += 1
                moved = draw(st.integers(0, 5)) == 0  # now and then a profile says something else
                country, agency_type = (draw(st.sampled_from(COUNTRIES)), draw(st.sampled_from(TYPES))) if moved else home
                published_at = dt.datetime(draw(st.sampled_from(YEARS)), draw(st.integers(1, 12)), draw(st.integers(1, 28)), n % 24)
                world.published.append(Published(
                    id=f"assessment-{n:03d}", agency_id=agency_id, country=country, agency_type=agency_type,
                    submitted_at=published_at - dt.timedelta(days=draw(st.integers(1, 40))), published_at=published_at,
                    levels=draw(st.dictionaries(st.sampled_from(sections), st.none() | QUARTERS, max_size=len(sections))),
                    gaps=draw(st.dictionaries(st.sampled_from(topics), QUARTERS.filter(bool), max_size=4)),
                    recommendations=draw(st.dictionaries(st.sampled_from(parts), st.sampled_from(["high", "medium", "low"]), max_size=4)),
                    topics=draw(st.dictionaries(st.sampled_from(topics), QUARTERS, max_size=len(topics))),
                ))
            if agency_id:
                for t in range(draw(st.integers(0, 2))):
                    starts_on = dt.date(draw(st.sampled_from(YEARS)), draw(st.integers(1, 12)), draw(st.integers(1, 20)))
                    resource_id, part_id = draw(st.sampled_from(parts))
                    world.trainings.append(Trained(f"training-{a}-{t}", agency_id, resource_id, part_id, starts_on,
                                                   starts_on + dt.timedelta(days=draw(st.integers(0, 6)))))
        world.published = draw(st.permutations(world.published))  # published in any order
        return world

    return build()


# --- the plain recomputation ------------------------------------------------------------------

def matches(a: Published, region: str, country: str, agency_type: str) -> bool:
    return ((not region or a.country in countries_in(region)) and (not country or a.country == country)
            and (not agency_type or a.agency_type == agency_type))


def current(world: World, year: int | None) -> list[Published]:
    """Each agency's latest published assessment, in or before `year` if given."""
    latest: dict[str, Published] = {}
    for a in sorted(world.published, key=lambda a: (a.published_at, a.id)):
        if year is None or a.published_at.year <= year:
            latest[a.key] = a
    return list(latest.values())


def means(cells: dict) -> dict:
    return {k: (sum(v) / len(v), len(v)) for k, v in cells.items() if len(v) >= MIN}


def _two(cells: dict) -> dict:
    """(mean level, agencies) of each heat-map cell, without the count of validated agencies."""
    return {key: value[:2] for key, value in cells.items()}


def expected_heat_map(rows: list[Published], by: str) -> dict:
    cells: dict[tuple[str, str], list[float]] = {}
    for a in rows:
        for section, level in a.levels.items():
            if level is not None:
                cells.setdefault((getattr(a, by), section), []).append(level)
    return means(cells)


def expected_gaps(rows: list[Published]) -> list:
    cells: dict[str, list[float]] = {}
    for a in rows:
        for topic, gap in a.gaps.items():
            cells.setdefault(topic, []).append(gap)
    return sorted(((t, n, mean) for t, (mean, n) in means(cells).items()), key=lambda r: (-r[1], -r[2], r[0]))


def expected_demand(rows: list[Published]) -> list:
    cells: dict[tuple[str, str], list[str]] = {}
    for a in rows:
        for part, priority in a.recommendations.items():
            cells.setdefault(part, []).append(priority)
    return sorted(((r, p, len(v), v.count("high")) for (r, p), v in cells.items() if len(v) >= MIN),
                  key=lambda x: (-x[2], -x[3], x[0], x[1]))


def expected_trends(world: World, by: str, region: str, country: str, agency_type: str) -> dict:
    """For each year, each agency's latest assessment published that year."""
    cells: dict[tuple[str, str, int], list[float]] = {}
    for year in YEARS:
        latest: dict[str, Published] = {}
        for a in sorted(world.published, key=lambda a: (a.published_at, a.id)):
            if a.published_at.year == year:
                latest[a.key] = a
        for a in latest.values():
            if not matches(a, region, country, agency_type):
                continue
            group = {"region": region_of(a.country) or "", "agency_type": a.agency_type}.get(by, "")
            if by and not group:
                continue
            for section, level in a.levels.items():
                if level is not None:
                    cells.setdefault((group, section, year), []).append(level)
    return means(cells)


def expected_before_after(world: World, addressed: dict, region: str, country: str, agency_type: str) -> list:
    pairs: dict[tuple[str, str], tuple[float, float]] = {}
    for done in sorted(world.trainings, key=lambda t: (t.starts_on, t.ends_on, t.id)):
        history = sorted((a for a in world.published if a.agency_id == done.agency_id), key=lambda a: (a.submitted_at, a.id))
        for topic in addressed.get((done.resource_id, done.part_id), ()):
            before = [a for a in history if a.submitted_at.date() < done.starts_on and topic in a.topics]
            after = [a for a in history if a.submitted_at.date() > done.ends_on and topic in a.topics]
            if (done.agency_id, topic) in pairs or not before or not after:
                continue
            if matches(after[0], region, country, agency_type):
                pairs[(done.agency_id, topic)] = (before[-1].topics[topic], after[0].topics[topic])
            else:
                pairs[(done.agency_id, topic)] = None  # type: ignore[assignment]
    by_topic: dict[str, list[tuple[float, float]]] = {}
    for (_agency, topic), pair in pairs.items():
        if pair is not None:
            by_topic.setdefault(topic, []).append(pair)
    return sorted(((t, len(p), sum(b for b, _ in p) / len(p), sum(a for _, a in p) / len(p))
                   for t, p in by_topic.items() if len(p) >= MIN), key=lambda x: (-x[1], x[0]))


# --- storing a world as publication would -----------------------------------------------------

def clear():
    from webapp.core.db import db
    from webapp.core.models import (
        Agency, Assessment, PortfolioFigure, PublishedGap, PublishedProfile, PublishedRecommendation, PublishedScore,
        PublishedTopic, Training, TrainingOutcome,
    )

    for table in (PortfolioFigure, TrainingOutcome, PublishedScore, PublishedGap, PublishedRecommendation, PublishedTopic,
                  PublishedProfile, Training, Assessment, Agency):
        db.session.execute(delete(table))
    db.session.commit()


def publish_world(world: World) -> None:
    """Trainings first, then each assessment in the world's order, as the review service stores it,
    with the figures refreshed after each publication."""
    from webapp.core.db import db
    from webapp.core.models import (
        Agency, Assessment, PublishedGap, PublishedProfile, PublishedRecommendation, PublishedScore, PublishedTopic, Training,
    )
    from webapp.portfolio import figures

    for agency_id in sorted({a.agency_id for a in world.published if a.agency_id}):
        db.session.add(Agency(id=agency_id, name=agency_id))
    db.session.flush()
    for t in world.trainings:
        db.session.add(Training(id=t.id, agency_id=t.agency_id, resource_id=t.resource_id, part_id=t.part_id,
                                starts_on=t.starts_on, ends_on=t.ends_on, participants=10, audience="first-line"))
    for a in world.published:
        db.session.add(Assessment(id=a.id, token=a.id, agency_id=a.agency_id, questionnaire_id="q", questionnaire_version=1,
                                  status="published", submitted_at=a.submitted_at, published_at=a.published_at))
        db.session.add(PublishedProfile(assessment_id=a.id, name=a.id, country=a.country, agency_type=a.agency_type, agency_key=a.key))
        db.session.add_all(PublishedScore(assessment_id=a.id, section_id=s, level=v, gap=None) for s, v in a.levels.items())
        db.session.add_all(PublishedGap(assessment_id=a.id, topic_id=t, gap=v) for t, v in a.gaps.items())
        db.session.add_all(PublishedRecommendation(assessment_id=a.id, resource_id=r, part_id=p, priority=v, audiences="first-line")
                           for (r, p), v in a.recommendations.items())
        db.session.add_all(PublishedTopic(assessment_id=a.id, topic_id=t, level=v) for t, v in a.topics.items())
        figures.refresh_agency(a.key)
        db.session.commit()


def stored_figures() -> list[tuple]:
    from webapp.core.db import db
    from webapp.core.models import PortfolioFigure, TrainingOutcome

    rows = [tuple(getattr(f, c) for c in ("kind", "country", "agency_type", "current_from", "current_until", "item", "part",
                                          "agencies", "total", "high")) for f in db.session.scalars(select(PortfolioFigure))]
    rows += [("outcome", o.agency_id, o.topic_id, o.country, o.agency_type, o.before, o.after)
             for o in db.session.scalars(select(TrainingOutcome))]
    return sorted(rows, key=repr)


@pytest.mark.timeout(600)
def test_every_figure_of_every_view_equals_a_plain_recomputation(app, questionnaire, catalogue):
    from webapp.portfolio import figures
    from webapp.portfolio import service as portfolio
    from webapp.portfolio.service import Filters

    sections = [s.id for s in questionnaire.sections][:4]
    chosen = [(r.id, p.id) for r, p in catalogue.parts() if p.addressed][:4]
    addressed = {(r.id, p.id): p.addressed for r, p in catalogue.parts()}
    topics = sorted({t for part in chosen for t in addressed[part]})[:5]

    @settings(max_examples=int(__import__("os").environ.get("PORTFOLIO_EXAMPLES", "12")), deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(worlds(sections, chosen, topics))
    def check(world: World) -> None:
        with app.app_context():
            clear()
            publish_world(world)
            incremental = stored_figures()
            figures.refresh_all()
            assert stored_figures() == incremental, "recounting everything gives the figures kept publication by publication"
            for region, country, agency_type, year in FILTERS:
                f = Filters(region=region, country=country, agency_type=agency_type, year=year)
                rows = [a for a in current(world, year) if matches(a, region, country, agency_type)]
                assert _two(portfolio.heat_map(f, "agency_type")) == expected_heat_map(rows, "agency_type"), f
                assert _two(portfolio.heat_map(f, "country")) == expected_heat_map(rows, "country"), f
                assert portfolio.frequent_gaps(f, 100) == expected_gaps(rows), f
                assert portfolio.frequent_gaps(f) == expected_gaps(rows)[:10], f
                assert portfolio.demand(f, 500) == expected_demand(rows), f
                assert {(row[3], row[4], row[5]) for row in portfolio.work_plan(f)} == {
                    (a.id, r, p) for a in rows for (r, p) in a.recommendations}, f
                newest = sorted(rows, key=lambda a: (a.published_at, a.id), reverse=True)
                for number in (1, 2):
                    page = portfolio.published(f, page=number, size=5)
                    assert page.total == portfolio.agencies(f) == len(rows), f
                    assert page.page == min(number, max(page.pages, 1)), f
                    shown = newest[(page.page - 1) * 5:page.page * 5]
                    assert [profile.assessment_id for profile in page.items] == [a.id for a in shown], f
                if year is None:  # trends and the before-and-after run across the years
                    for by in ("", "region", "agency_type"):
                        assert portfolio.trends(f, by) == expected_trends(world, by, region, country, agency_type), (f, by)
                    assert [(x.topic_id, x.agencies, x.before, x.after) for x in portfolio.training_before_after(f)] == \
                        expected_before_after(world, addressed, region, country, agency_type), f
            assert portfolio.years() == sorted({a.published_at.year for a in world.published})

    check()


def test_a_newer_publication_changes_the_level_and_not_the_agency_count(app, people, questionnaire):
    """Three coast guards published in 2025; one is assessed again and published in 2026 with a
    stronger answer. The portfolio's level for the section moves to the new one; the count of
    agencies stays at three; the year filter 2025 still shows the 2025 picture; the exports agree."""
    from tests.test_progress import repeat, walk_confirming
    from tests.helpers import Browser, answer_all

    ta = sign_in(app, people["ta"][0])
    donor = sign_in(app, people["donor"][0])
    weak = {"sea_interdiction_procedure": "none"}
    tokens = []
    for i in range(3):
        profile = dict(PROFILE, agency_name=f"Coast Guard {i}", country=("KE", "TZ", "GH")[i])
        token = submitted_assessment(app, questionnaire, dict(profile, **weak))
        publish_as_ta(app, ta, assessment_id(app, token))
        backdate_publication(app, assessment_id(app, token), dt.datetime(2025, 5, 1))
        tokens.append((token, profile))

    def sea_cell(url: str) -> str:
        html = donor.get(url).get_data(as_text=True)
        assert "Latest published assessment of each agency" in html
        table = html.split("Capacity by section and type of agency</h2>")[1].split("</table>")[0]
        row = next(r for r in table.split("<tr>") if "Smuggling by sea" in r)
        return row.split('class="heat ')[1].split("</td>")[0]

    before = sea_cell("/portfolio/")
    assert "(3; 0 validated)" in before

    again = Browser(app.test_client())
    token, profile = tokens[0]
    newer = repeat(again, f"/a/{token}/")
    walk_confirming(again, questionnaire, newer, answer_all(questionnaire, dict(profile, sea_interdiction_procedure="exercised")))
    again.post(f"/a/{newer}/submit", {}, status=302)
    publish_as_ta(app, ta, assessment_id(app, newer))

    after = sea_cell("/portfolio/")
    assert "(3; 0 validated)" in after, "the agency counts once, with its newer assessment"
    assert after != before, "the level moved to the newer assessment"
    assert sea_cell("/portfolio/?year=2025") == before, "in or before 2025: the 2025 picture"

    rows = list(csv.reader(io.StringIO(donor.get("/portfolio/export/heat-agency-type.csv").get_data(as_text=True))))
    sea = next(r for r in rows if r[1] == "Smuggling by sea")
    assert sea[3] == "3" and after.split('">')[1].split(" ")[0] == f"{float(sea[2]):.1f}"
    plan = list(csv.reader(io.StringIO(donor.get("/portfolio/work-plan.csv").get_data(as_text=True))))
    references = {r[3] for r in plan[1:]}
    assert len(references) == 3, "the work plan holds one assessment per agency: the latest"
    with app.app_context():
        from webapp.core.db import db
        from webapp.core.models import Assessment

        newest, oldest = (db.session.get(Assessment, assessment_id(app, t)) for t in (newer, token))
        assert newest.reference in references and oldest.reference not in references
    page = donor.get("/portfolio/").get_data(as_text=True).split("<h2 id=\"reports\">Published reports</h2>")[1]
    assert "3 reports" in page and newest.reference not in page
    assert f"/portfolio/report/{newest.id}" in page and f"/portfolio/report/{oldest.id}" not in page
    report = donor.get(f"/portfolio/report/{newest.id}").get_data(as_text=True)
    assert "Every published report of this agency" in report and f"/portfolio/report/{oldest.id}" in report

    # Recounting everything from the command line changes nothing.
    from click.testing import CliRunner

    from webapp.cli import main

    result = CliRunner(env={"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}).invoke(main, ["portfolio-refresh"])
    assert result.exit_code == 0 and "recounted for 3 agencies" in result.output, result.output
    assert sea_cell("/portfolio/") == after
