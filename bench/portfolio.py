"""Portfolio benchmark: seed N synthetic published assessments (two per agency, a year apart,
one agency in five trained in between), keep the portfolio's figures as publication does, then
time the donors' page (with its trends), its filtered views, its exports, a published report
opened from it and the national report of the country with the most agencies.

    python bench/portfolio.py [--assessments 10000] [--postgres URL]

Medians of --runs requests. With --postgres, everything is measured again on that database
(emptied first). Writes bench/portfolio.md.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def seed(app, n: int) -> None:
    from sqlalchemy import insert

    from webapp.core.db import db
    from webapp.core.models import (
        Agency, Assessment, PublishedGap, PublishedProfile, PublishedRecommendation, PublishedScore, PublishedTopic, Training,
    )

    questionnaire = app.extensions["tna.questionnaire"]
    catalogue = app.extensions["tna.catalogue"]
    rng = random.Random(7)
    types = [o.id for o in questionnaire.agency_types()]
    countries = ["KE", "GH", "NG", "MA", "EG", "TR", "GR", "IT", "ES", "MX", "GT", "PH", "TH", "ID", "PK", "LY", "TN", "SN", "ML", "NE"]
    sections = [s.id for s in questionnaire.sections]
    topics = [t.id for t in questionnaire.topics]
    parts = [(r.id, p.id, ",".join(p.audiences)) for r, p in catalogue.parts()]
    agencies, assessments, profiles, scores, gaps, recs, levels, training = [], [], [], [], [], [], [], []
    import datetime as dt

    now = dt.datetime(2026, 6, 1)
    # Each agency is assessed twice, a year apart; one in five is trained in between.
    dates = (dt.datetime(2025, 6, 1), now)
    for i in range(n // 2):
        agencies.append({"id": str(uuid.uuid4()), "country": rng.choice(countries), "name": f"Agency {i}",
                         "agency_type": rng.choice(types), "created_at": now})
    for i in range(n):
        aid = str(uuid.uuid4())
        when = dates[(i // len(agencies)) % 2]
        assessments.append({"id": aid, "token": uuid.uuid4().hex + uuid.uuid4().hex[:16], "agency_id": agencies[i % len(agencies)]["id"],
                            "questionnaire_id": questionnaire.id, "questionnaire_version": 1, "language": "en",
                            "status": "published", "created_at": when, "updated_at": when, "submitted_at": when,
                            "published_at": when, "version": 2})
        for t in rng.sample(topics, 20):
            levels.append({"assessment_id": aid, "topic_id": t, "level": round(rng.uniform(0, 4), 1)})
        if i < len(agencies) and i % 5 == 0:
            r, p, _audiences = rng.choice(parts)
            training.append({"id": str(uuid.uuid4()), "agency_id": agencies[i]["id"], "resource_id": r, "part_id": p,
                             "starts_on": dt.date(2025, 10, 6), "ends_on": dt.date(2025, 10, 10), "participants": 20,
                             "audience": "first-line", "created_at": when})
        agency = agencies[i % len(agencies)]
        profiles.append({"assessment_id": aid, "name": agency["name"], "country": agency["country"],
                         "agency_type": agency["agency_type"], "agency_key": agency["id"]})
        for s in sections:
            level = round(rng.uniform(0, 4), 2)
            scores.append({"assessment_id": aid, "section_id": s, "level": level, "gap": max(0.0, 3 - level)})
        for t in rng.sample(topics, 8):
            gaps.append({"assessment_id": aid, "topic_id": t, "gap": round(rng.uniform(0.2, 3), 2)})
        for r, p, audiences in rng.sample(parts, 10):
            recs.append({"assessment_id": aid, "resource_id": r, "part_id": p, "priority": rng.choice(["high", "medium", "low"]),
                         "audiences": audiences, "adjusted": False})
    with app.app_context():
        for model, rows in ((Agency, agencies), (Assessment, assessments), (PublishedProfile, profiles), (PublishedScore, scores),
                            (PublishedGap, gaps), (PublishedRecommendation, recs), (PublishedTopic, levels), (Training, training)):
            for start in range(0, len(rows), 5000):
                db.session.execute(insert(model), rows[start:start + 5000])
        db.session.commit()


def keep_figures(app) -> float:
    """The figures publication keeps, for every seeded assessment at once (as the migration
    does for assessments published before). Returns the seconds it took."""
    from webapp.core.db import db
    from webapp.portfolio import figures

    with app.app_context():
        t0 = time.perf_counter()
        figures.refresh_all()
        db.session.commit()
        return time.perf_counter() - t0


def with_answers(app, assessment_ids: list[str]) -> None:
    """Full answers for the assessments a report is built from (the seed has only the figures)."""
    from sqlalchemy import insert

    from webapp.core.db import db
    from webapp.core.models import Answer, PublishedProfile
    from webapp.demo import BORDERS, answers_for

    questionnaire = app.extensions["tna.questionnaire"]
    sections = [s.id for s in questionnaire.sections]
    rng = random.Random(11)
    rows = []
    with app.app_context():
        for aid in assessment_ids:
            profile_row = db.session.get(PublishedProfile, aid)
            profile = {"country": profile_row.country, "agency_name": profile_row.name, "agency_type": profile_row.agency_type,
                       "borders": BORDERS.get(profile_row.agency_type, ["none"]), "staff_size": 800, "respondent_role": "manager"}
            answers = answers_for(questionnaire, profile, {s: rng.uniform(0.5, 3.0) for s in sections}, rng)
            rows += [{"assessment_id": aid, "question_id": q, "value": v, "revision": 1, "confidential": False, "carried": False}
                     for q, v in answers.items()]
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(Answer), rows[start:start + 5000])
        db.session.commit()


def one_publication(app, runs: int) -> float:
    """Milliseconds to keep the figures at one publication: an agency's assessments are
    counted again in their groups, as when its newer assessment is published."""
    from sqlalchemy import select

    from webapp.core.db import db
    from webapp.core.models import PublishedProfile
    from webapp.portfolio import figures

    times = []
    with app.app_context():
        keys = list(db.session.scalars(select(PublishedProfile.agency_key).distinct().limit(runs)))
        for key in keys:
            for profile in db.session.scalars(select(PublishedProfile).where(PublishedProfile.agency_key == key)):
                profile.current_from = profile.current_until = None
            db.session.flush()
            t0 = time.perf_counter()
            figures.refresh_agency(key)
            db.session.commit()
            times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def timed(client, url: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t0)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times) * 1000


PAGE_TARGET_MS = 200       # the page over 10,000 published assessments
LARGE_TARGET_MS = 400      # the page over 100,000
FILTERED_TARGET_MS = 100   # each filtered view over 10,000
FILTERS = {
    "Africa, coast guards": "region=002&agency_type=coast-guard",
    "one country": "country=KE",
    "year 2025": "year=2025",
    "Africa, coast guards, 2025": "region=002&agency_type=coast-guard&year=2025",
}


def measure(url: str, size: int, runs: int, extras: bool) -> dict:
    """Times (ms) of the page, its filtered views and, with `extras`, its exports and reports,
    over `size` assessments on the database at `url`."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import func, select

    from webapp import create_app
    from webapp.accounts import service as accounts
    from webapp.core.db import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        if "postgresql" in url:
            downgrade(revision="base")
        upgrade()
        accounts.create_user("donor@example.org", "Donor", "donor", "bench donor password 1")
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/sign-in", data={"email": "donor@example.org", "password": "bench donor password 1", "csrf_token": token})
    found: dict = {"empty": timed(client, "/portfolio/", runs)}
    t0 = time.perf_counter()
    seed(app, size)
    found["seeded"] = time.perf_counter() - t0
    found["kept"] = keep_figures(app)
    if "postgresql" in url:
        # What autovacuum does soon after a bulk load: without table statistics, PostgreSQL
        # plans for empty tables.
        from sqlalchemy import text

        with app.app_context(), db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    with app.app_context():
        from webapp.core.models import PortfolioFigure

        found["stored"] = db.session.scalar(select(func.count()).select_from(PortfolioFigure))
    found["page"] = timed(client, "/portfolio/", runs)
    found["filtered"] = {name: timed(client, f"/portfolio/?{query}", runs) for name, query in FILTERS.items()}
    html = client.get("/portfolio/").get_data(as_text=True)
    assert "Trends: capacity by year" in html and "Latest published assessment of each agency" in html
    found["publication"] = one_publication(app, runs)
    if extras:
        found["exports"] = {
            "heat map by country, CSV": timed(client, "/portfolio/export/heat-country.csv", runs),
            "training in demand, XLSX": timed(client, "/portfolio/export/demand.xlsx", runs),
            "work plan, CSV": timed(client, "/portfolio/work-plan.csv", runs),
        }
        from webapp.core.models import Agency, PublishedProfile
        from webapp.national import service as national

        with app.app_context():
            country = db.session.scalar(select(Agency.country).group_by(Agency.country).order_by(func.count().desc()).limit(1))
            current = list(db.session.scalars(select(PublishedProfile.assessment_id).where(
                PublishedProfile.country == country, PublishedProfile.current_until == 9999).order_by(PublishedProfile.assessment_id)))
        with_answers(app, current)
        with app.app_context():
            reviewer = accounts.create_user("ta@example.org", "TA", "ta", "bench ta password 12")
            record = national.create(country, current, reviewer)
            national.publish(record, reviewer)
            report_id = record.id
        found["report"] = timed(client, f"/portfolio/report/{current[0]}", runs)
        found["national"] = (len(current), timed(client, f"/national/{report_id}", max(1, runs // 2)))
    with app.app_context():
        db.session.remove()
        if "postgresql" in url:
            downgrade(revision="base")
        db.engine.dispose()
    return found


def table(database: str, small: dict, large: dict, sizes: tuple[int, int], runs: int) -> list[str]:
    n, big = sizes
    rows = [
        f"### {database}",
        "",
        f"Seeding took {small['seeded']:.1f} s for {n:,} and {large['seeded']:.1f} s for {big:,}; keeping the figures for all "
        f"of them at once (as the migration does) took {small['kept']:.1f} s and {large['kept']:.1f} s, and stored "
        f"{small['stored']:,} and {large['stored']:,} rows of sums and counts. Median of {runs} requests.",
        "",
        "| measure | median (ms) | target | |",
        "|---|---|---|---|",
        f"| /portfolio/ with no data | {small['empty']:.0f} | | |",
        f"| /portfolio/ with {n:,} assessments | {small['page']:.0f} | ≤ {PAGE_TARGET_MS} | {verdict(small['page'], PAGE_TARGET_MS)} |",
        f"| /portfolio/ with {big:,} assessments | {large['page']:.0f} | ≤ {LARGE_TARGET_MS} | {verdict(large['page'], LARGE_TARGET_MS)} |",
    ]
    for name in FILTERS:
        rows.append(f"| filtered ({name}), {n:,} | {small['filtered'][name]:.0f} | ≤ {FILTERED_TARGET_MS} | "
                    f"{verdict(small['filtered'][name], FILTERED_TARGET_MS)} |")
    for name in FILTERS:
        rows.append(f"| filtered ({name}), {big:,} | {large['filtered'][name]:.0f} | | |")
    rows.append(f"| figures kept at one publication, {n:,} / {big:,} | {small['publication']:.1f} / {large['publication']:.1f} | | |")
    for name, ms in small.get("exports", {}).items():
        rows.append(f"| export: {name}, {n:,} | {ms:.0f} | | |")
    if "report" in small:
        agencies, ms = small["national"]
        rows.append(f"| a published report opened from the portfolio, {n:,} | {small['report']:.0f} | | |")
        rows.append(f"| national report (HTML) of the country with the most agencies ({agencies} agencies), {n:,} | {ms:.0f} | | |")
    return rows + [""]


def verdict(value: float, target: float) -> str:
    return "PASS" if value <= target else "MISS"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assessments", type=int, default=10_000)
    parser.add_argument("--scale", type=int, default=10, help="the second measure has this many times more")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", default="",
                        help="also measure on this PostgreSQL database (it is emptied)")
    args = parser.parse_args()
    sizes = (args.assessments, args.assessments * args.scale)
    tmp = Path(tempfile.mkdtemp(prefix="tna-portfolio-"))
    os.environ["TNA_INSTANCE"] = str(tmp)
    databases = [("SQLite file", lambda n: f"sqlite:///{tmp / f'portfolio-{n}.sqlite3'}")]
    if args.postgres:
        databases.append(("PostgreSQL " + args.postgres.split("@")[-1], lambda n: args.postgres))
    lines = [
        f"# Portfolio benchmark ({time.strftime('%Y-%m-%d')})",
        "",
        "Synthetic published assessments, two per agency a year apart, one agency in five trained in between. "
        "The page shows each agency's latest published assessment, the trends and the before-and-after of training.",
        "",
    ]
    try:
        for database, url in databases:
            small = measure(url(sizes[0]), sizes[0], args.runs, extras=True)
            large = measure(url(sizes[1]), sizes[1], args.runs, extras=False)
            lines += table(database, small, large, sizes, args.runs)
            print("\n".join(lines), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    (ROOT / "bench" / "portfolio.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
