"""The demo portfolio: made on the local SQLite database only, and full enough that no view of
the portfolio is empty."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from tests.helpers import sign_in
from webapp.cli import main


@pytest.mark.parametrize("env", [
    {"TNA_ENV": "production"},
    {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"},
])
def test_demo_data_is_never_made_outside_local_sqlite(app, env):
    from sqlalchemy import func, select

    from webapp.core.db import db
    from webapp.core.models import Assessment

    environment = {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]} | env
    result = CliRunner(env=environment).invoke(main, ["demo-data"])
    assert result.exit_code == 0 and "only created for local development on SQLite" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Assessment.id))) == 0


@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")), reason="the demo is made on SQLite only")
def test_demo_portfolio_fills_every_view(app, people):
    database = {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    result = CliRunner(env=database).invoke(main, ["demo-data"])
    assert result.exit_code == 0, result.output
    assert "108 published assessments of 54 agencies" in result.output and "national report of Kenya" in result.output
    again = CliRunner(env=database).invoke(main, ["demo-data"])
    assert "already there" in again.output
    donor = sign_in(app, people["donor"][0])
    page = donor.get("/portfolio/").get_data(as_text=True)
    assert "Not enough published assessments" not in page and "Not enough agencies were assessed" not in page
    assert "(demo)" in page and "2025" in page and "2026" in page
    # About a third of the agencies were validated in a mission: the cells count them.
    assert any(int(n) > 0 for n in __import__("re").findall(r"; (\d+) validated\)", page))
    assert "Validated by UNODC staff" in donor.get("/portfolio/?validated=yes").get_data(as_text=True)
    for by in ("region", "agency_type"):
        assert "Not enough" not in donor.get(f"/portfolio/?trend_by={by}").get_data(as_text=True)
    from sqlalchemy import select

    from webapp.core.db import db
    from webapp.core.models import Agency

    with app.app_context():
        names = db.session.scalars(select(Agency.name).where(Agency.name.is_not(None))).all()
        demo = [n for n in names if n.endswith("(demo)")]
        assert len(demo) == 54
