"""Every migration, applied to a database that already holds data, keeps that data."""

from __future__ import annotations

import os

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from webapp.core.db import db

FIRST = "2a8f2b88e933"


def test_upgrade_keeps_existing_data(tmp_path, monkeypatch):
    from webapp import create_app

    monkeypatch.setenv("TNA_INSTANCE", str(tmp_path))
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "m"})
    with app.app_context():
        downgrade(revision="base") if os.environ.get("TEST_DATABASE_URL") else None
        upgrade(revision=FIRST)
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO agency (id, country, name, agency_type, created_at) VALUES ('ag-1', 'KE', 'Coast Guard', 'coast-guard', CURRENT_TIMESTAMP)"))
            conn.execute(text(
                "INSERT INTO assessment (id, token, agency_id, questionnaire_id, questionnaire_version, language, status, created_at, updated_at, version)"
                " VALUES ('as-1', 'tok-1', 'ag-1', 'smuggling-of-migrants', 1, 'en', 'draft', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 7)"
            ))
            for qid, value in [("agency_name", '"Coast Guard"'), ("borders", '["sea"]'), ("staff_size", "1200")]:
                conn.execute(text(
                    "INSERT INTO answer (assessment_id, question_id, value, updated_at) VALUES ('as-1', :q, :v, CURRENT_TIMESTAMP)"
                ), {"q": qid, "v": value})

        upgrade()

        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT question_id, revision FROM answer ORDER BY id")).all()
            assessment = conn.execute(text("SELECT token, version, creation_key FROM assessment")).one()
            agency = conn.execute(text("SELECT name FROM agency")).scalar_one()
        assert [r[0] for r in rows] == ["agency_name", "borders", "staff_size"]
        assert {r[1] for r in rows} == {7}, "existing answers take their assessment's version"
        assert tuple(assessment) == ("tok-1", 7, None)
        assert agency == "Coast Guard"

        # And the app reads the migrated data.
        from webapp.core.models import Assessment

        values = db.session.get(Assessment, "as-1").answer_values()
        assert values == {"agency_name": "Coast Guard", "borders": ["sea"], "staff_size": 1200}
        db.session.remove()
        downgrade(revision="base")
        db.engine.dispose()


def test_text_stored_before_the_model_cleaned_it_is_cleaned(tmp_path, monkeypatch):
    """Free text written before the model's column types cleaned it (a workbook's answers and
    comments, a reviewer's notes) loses its bidirectional controls, and nothing else."""
    from webapp import create_app

    monkeypatch.setenv("TNA_INSTANCE", str(tmp_path))
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'clean.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "m"})
    with app.app_context():
        downgrade(revision="base") if os.environ.get("TEST_DATABASE_URL") else None
        upgrade(revision="a7c2e4f6b8d0")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO agency (id, country, name, agency_type, created_at) VALUES ('ag-1', 'KE', :n, 'coast-guard', CURRENT_TIMESTAMP)"),
                         {"n": "Coast\u202e Guard"})
            conn.execute(text(
                "INSERT INTO assessment (id, token, agency_id, questionnaire_id, questionnaire_version, language, status, created_at, updated_at, version, review_note)"
                " VALUES ('as-1', 'tok-1', 'ag-1', 'smuggling-of-migrants', 4, 'en', 'submitted', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 3, :note)"
            ), {"note": "Good\u2066 work"})
            for qid, value in [("train_comments", '"exe.\\u202egpj"'), ("borders", '["sea"]'), ("staff_size", "1200")]:
                conn.execute(text(
                    "INSERT INTO answer (assessment_id, question_id, value, updated_at, revision) VALUES ('as-1', :q, :v, CURRENT_TIMESTAMP, 1)"
                ), {"q": qid, "v": value})
            conn.execute(text("INSERT INTO review_comment (id, assessment_id, text, clarification, created_at) VALUES ('c-1', 'as-1', :t, false, CURRENT_TIMESTAMP)"),
                         {"t": "[workbook] See\u202e annex"})
        upgrade()
        from webapp.core.models import Agency, Assessment, Comment

        assessment = db.session.get(Assessment, "as-1")
        assert assessment.answer_values() == {"train_comments": "exe.gpj", "borders": ["sea"], "staff_size": 1200}
        assert assessment.review_note == "Good work" and db.session.get(Agency, "ag-1").name == "Coast Guard"
        assert db.session.get(Comment, "c-1").text == "[workbook] See annex"
        db.session.remove()
        downgrade(revision="base")
        db.engine.dispose()


def test_migrations_build_exactly_the_tables_the_models_declare(app):
    """A model changed without its migration would work in tests and fail in production."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []


def test_the_portfolio_figures_are_backfilled_for_assessments_already_published(tmp_path, monkeypatch):
    """Assessments published before the portfolio kept its figures: the migration computes the
    years each is its agency's latest, the sums per group, and the levels before and after
    training, exactly as publishing them now would."""
    import datetime as dt

    from webapp import create_app

    monkeypatch.setenv("TNA_INSTANCE", str(tmp_path))
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'figures.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "m"})
    part = next((r.id, p.id, p.addressed) for r, p in app.extensions["tna.catalogue"].parts() if p.addressed)
    topic = part[2][0]
    with app.app_context():
        downgrade(revision="base") if os.environ.get("TEST_DATABASE_URL") else None
        upgrade(revision="b9d3e5f7a1c2")
        with db.engine.begin() as conn:
            for a in range(4):
                conn.execute(text("INSERT INTO agency (id, country, name, agency_type, created_at) VALUES (:id, 'KE', :id, 'coast-guard', CURRENT_TIMESTAMP)"),
                             {"id": f"ag-{a}"})
                conn.execute(text("INSERT INTO training (id, agency_id, resource_id, part_id, starts_on, ends_on, participants, audience, created_at)"
                                  " VALUES (:id, :agency, :r, :p, :start, :end, 10, 'first-line', CURRENT_TIMESTAMP)"),
                             {"id": f"tr-{a}", "agency": f"ag-{a}", "r": part[0], "p": part[1], "start": dt.date(2025, 9, 1), "end": dt.date(2025, 9, 5)})
                # Published in 2025, twice in 2026 (the first of them never the latest of a year), and a draft.
                for n, (year, month, status, level) in enumerate([(2025, 3, "published", 1.0), (2026, 1, "published", 2.0),
                                                                  (2026, 6, "published", 3.0 + a / 4), (2026, 9, "draft", 0.0)]):
                    aid = f"as-{a}-{n}"
                    when = dt.datetime(year, month, 1)
                    conn.execute(text(
                        "INSERT INTO assessment (id, token, agency_id, questionnaire_id, questionnaire_version, language, status, created_at, updated_at, version, submitted_at, published_at)"
                        " VALUES (:id, :id, :agency, 'q', 1, 'en', :status, :when, :when, 1, :when, :published)"),
                        {"id": aid, "agency": f"ag-{a}", "status": status, "when": when, "published": when if status == "published" else None})
                    if status != "published":
                        continue
                    conn.execute(text("INSERT INTO published_profile (assessment_id, name, country, agency_type) VALUES (:id, 'x', 'KE', 'coast-guard')"), {"id": aid})
                    conn.execute(text("INSERT INTO published_score (assessment_id, section_id, level, gap) VALUES (:id, 'sea', :lv, 0)"), {"id": aid, "lv": level})
                    conn.execute(text("INSERT INTO published_gap (assessment_id, topic_id, gap) VALUES (:id, :t, :g)"), {"id": aid, "t": topic, "g": 3 - level})
                    conn.execute(text("INSERT INTO published_recommendation (assessment_id, resource_id, part_id, priority, audiences, adjusted)"
                                      " VALUES (:id, :r, :p, :prio, 'first-line', false)"), {"id": aid, "r": part[0], "p": part[1], "prio": "high" if a else "low"})
                    conn.execute(text("INSERT INTO published_topic (assessment_id, topic_id, level) VALUES (:id, :t, :lv)"), {"id": aid, "t": topic, "lv": level})
        upgrade()

        from tests.test_portfolio import stored_figures
        from webapp.core.models import PublishedProfile
        from webapp.portfolio import figures
        from webapp.portfolio import service as portfolio

        spans = {p.assessment_id: (p.agency_key, p.current_from, p.current_until) for p in db.session.scalars(db.select(PublishedProfile))}
        assert spans["as-0-0"] == ("ag-0", 2025, 2026) and spans["as-0-1"] == ("ag-0", None, None) and spans["as-0-2"] == ("ag-0", 2026, 9999)
        backfilled = stored_figures()
        assert len(backfilled) > 4
        figures.refresh_all()
        assert stored_figures() == backfilled
        # (mean level, agencies, of which validated): none was validated before validation existed.
        assert portfolio.heat_map(portfolio.Filters(), "country") == {("KE", "sea"): (3.375, 4, 0)}
        assert portfolio.heat_map(portfolio.Filters(year=2025), "country") == {("KE", "sea"): (1.0, 4, 0)}
        assert portfolio.demand(portfolio.Filters()) == [(part[0], part[1], 4, 3)]
        assert [(x.agencies, x.before, x.after) for x in portfolio.training_before_after(portfolio.Filters())] == [(4, 1.0, 2.0)]
        db.session.remove()
        downgrade(revision="base")
        db.engine.dispose()
