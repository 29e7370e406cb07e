"""Portfolio benchmark: seed N synthetic published assessments (two per agency, a year apart,
one agency in five trained in between), then time the donors' page with its trends.

    python bench/portfolio.py [--assessments 10000]

The aggregations run in SQL, so the page time should grow with the data far more slowly than
a loop over every assessment would. Prints the median page time and writes bench/portfolio.md.
"""

from __future__ import annotations

import argparse
import os
import random
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
                         "agency_type": agency["agency_type"]})
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


def timed(client, url: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.status_code
    return statistics.median(times) * 1000


TARGET_MS = 200      # the portfolio page over 10,000 published assessments
SCALE_TARGET = 3.0   # over ten times as many, at most this many times as long


def measure(size: int, runs: int) -> tuple[str, float, float, float, float]:
    """(database, seconds to seed, ms for the page, ms filtered, ms empty) for `size` assessments."""
    tmp = Path(tempfile.mkdtemp(prefix="tna-portfolio-"))
    os.environ["TNA_INSTANCE"] = str(tmp)
    from flask_migrate import downgrade, upgrade

    from webapp import create_app
    from webapp.accounts import service as accounts
    from webapp.core.db import db

    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp / 'portfolio.sqlite3'}"
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
    empty = timed(client, "/portfolio/", runs)
    t0 = time.perf_counter()
    seed(app, size)
    seeded = time.perf_counter() - t0
    full = timed(client, "/portfolio/", runs)
    filtered = timed(client, "/portfolio/?region=002&agency_type=coast-guard", runs)
    assert "Trends: capacity by year" in client.get("/portfolio/").get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()
    database = url.split("@")[-1] if "postgresql" in url else "SQLite file"
    return database, seeded, full, filtered, empty


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assessments", type=int, default=10_000)
    parser.add_argument("--scale", type=int, default=10, help="the second measure has this many times more")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    small, large = args.assessments, args.assessments * args.scale
    database, seeded, full, filtered, empty = measure(small, args.runs)
    _, seeded_large, full_large, filtered_large, _ = measure(large, args.runs)
    scale = full_large / full
    lines = [
        f"# Portfolio benchmark ({time.strftime('%Y-%m-%d')})",
        "",
        f"Synthetic published assessments, two per agency a year apart, one agency in five trained in between; "
        f"the page includes the trends and the before-and-after of training. Database: {database}; median of {args.runs} requests.",
        f"Seeding took {seeded:.1f} s for {small:,} and {seeded_large:.1f} s for {large:,}.",
        "",
        "| page | median time (ms) | target |",
        "|---|---|---|",
        f"| /portfolio/ with no data | {empty:.0f} | |",
        f"| /portfolio/ with {small:,} assessments | {full:.0f} | ≤ {TARGET_MS} ms |",
        f"| /portfolio/ filtered (Africa, coast guards), {small:,} | {filtered:.0f} | |",
        f"| /portfolio/ with {large:,} assessments | {full_large:.0f} ({scale:.2f}x) | ≤ {SCALE_TARGET:.0f}x the {small:,} figure |",
        f"| /portfolio/ filtered, {large:,} | {filtered_large:.0f} | |",
        "",
        f"- {'PASS' if full <= TARGET_MS else 'MISS'}: portfolio ≤ {TARGET_MS} ms over {small:,}",
        f"- {'PASS' if scale <= SCALE_TARGET else 'MISS'}: portfolio over {large:,} ≤ {SCALE_TARGET:.0f}× the time over {small:,}",
        "",
    ]
    print("\n".join(lines))
    (ROOT / "bench" / "portfolio.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
