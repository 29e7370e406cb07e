"""The report as data: `tna report --format json` and /a/<link>/report.json give the same schema."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tests.helpers import PROFILE
from tests.helpers import submitted_assessment, sign_in
from webapp.cli import main

ANSWERS = (
    "questionnaire: smuggling-of-migrants\nreference: WORKSHOP-9\ndate: 2026-11-20\nanswers:\n"
    "  country: PH\n  agency_name: Coast Guard\n  agency_type: coast-guard\n  borders: sea\n"
    "  staff_size: 20000\n  respondent_role: manager\n  sea_interdiction_procedure: none\n"
    "  sea_mothership: no\n  sea_flag_requests: never\n"
)


def check_schema(data: dict) -> None:
    assert data["schema"] == 2 and data["questionnaire"]["id"] == "smuggling-of-migrants"
    assert set(data["overall"]) == {"level", "coverage", "enough_information"}
    for section in data["sections"]:
        assert {"id", "level", "gap", "asked", "scored", "coverage", "enough_information", "topics"} <= set(section)
        if not section["enough_information"]:
            assert section["level"] is None
    ranks = [r["rank"] for r in data["recommendations"]]
    assert ranks == list(range(1, len(ranks) + 1))
    for rec in data["recommendations"]:
        assert rec["priority"] in {"high", "medium", "low"} and rec["audiences"]
        assert rec["reasons"] or rec["foundation"]


def test_cli_prints_scores_and_ranked_recommendations(tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text(ANSWERS)
    result = CliRunner().invoke(main, ["report", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    check_schema(data)
    assert data["reference"] == "WORKSHOP-9" and data["agency_type"] == "coast-guard"
    # Three answers of about forty: no overall level, and the foundations come first.
    assert data["overall"]["level"] is None and data["overall"]["enough_information"] is False
    assert data["recommendations"][0]["foundation"] is True
    sea = next(s for s in data["sections"] if s["id"] == "sea")
    assert sea["enough_information"] and sea["level"] == 0.0
    by_part = {(r["resource"], r["part"]): r for r in data["recommendations"]}
    sea_paper = next(r for (res, _), r in by_part.items() if res == "issue-paper-sea")
    reason = sea_paper["reasons"][0]
    assert reason["topic"].startswith("sea.") and reason["core"] is True
    assert any(a["question"] == "sea_interdiction_procedure" and a["value"] == "none" for a in reason["answers"])


def test_a_single_value_is_accepted_for_a_multiple_choice_question(tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text(ANSWERS)  # borders: sea, not [sea]
    result = CliRunner().invoke(main, ["report", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert any(s["id"] == "sea" for s in json.loads(result.output)["sections"])


def test_pdf_or_html_still_needs_an_output(tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text(ANSWERS)
    result = CliRunner().invoke(main, ["report", str(path)])
    assert result.exit_code != 0 and "--output" in result.output


def test_the_private_link_and_a_ta_officer_get_the_same_json(app, questionnaire, people):
    token = submitted_assessment(app, questionnaire, dict(PROFILE))
    from tests.helpers import Browser

    anyone = Browser(app.test_client())
    response = anyone.get(f"/a/{token}/report.json")
    assert response.mimetype == "application/json"
    data = response.get_json()
    check_schema(data)
    assert any(r["resource"] == "issue-paper-sea" for r in data["recommendations"])
    ta = sign_in(app, "ta@x.test")
    assert ta.get(f"/a/{token}/report.json").get_json() == data
    assert anyone.get("/a/not-a-real-link-xxxxxxxxxxxxxxxxx/report.json", status=404)
