"""The scenario suite: one YAML file per agency situation in tests/scenarios/.

Each file gives a profile, the answers that matter, how every other question is answered
(`fill`), and what a technical-assistance officer would sign: parts that must be high or
medium priority, parts or resources that must not appear or must not be high priority, and the
most recommendations (and high-priority ones) allowed. The comment at the top of each file says
which situation it guards and why.
Run it after any change to the questions, the catalogue's mappings or the scoring.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from questionnaires.yamlio import load_yaml
from reports.build import build_report
from reports.analysis import analyse
from tests.helpers import fill_answers

SCENARIOS = sorted((Path(__file__).parent / "scenarios").glob("*.yaml"))


def _key(rec) -> str:
    return f"{rec.resource.id}/{rec.part.id}"


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(path: Path, questionnaire, catalogue):
    scenario = load_yaml(path)
    expect = scenario["expect"]
    answers = fill_answers(questionnaire, scenario)
    recs = analyse(questionnaire, catalogue, answers).computed
    listing = "\n".join(f"  {r.priority:6} {_key(r)}" for r in recs)
    keys = {_key(r): r for r in recs}
    for wanted in expect.get("high", []):
        assert wanted in keys and keys[wanted].priority == "high", f"{wanted} must be high priority; got:\n{listing}"
    for unwanted in expect.get("absent", []):
        hits = [k for k in keys if k == unwanted or k.startswith(unwanted + "/")]
        assert not hits, f"{unwanted} must not appear; got:\n{listing}"
    for unwanted in expect.get("not_high", []):
        hits = [k for k, r in keys.items() if (k == unwanted or k.startswith(unwanted + "/")) and r.priority == "high"]
        assert not hits, f"{unwanted} must not be high priority; got:\n{listing}"
    for wanted in expect.get("medium", []):
        assert wanted in keys and keys[wanted].priority == "medium", f"{wanted} must be medium priority; got:\n{listing}"
    if "max_high" in expect:
        assert sum(1 for r in recs if r.priority == "high") <= expect["max_high"], listing
    assert len(recs) <= expect["max_recommendations"], f"too many recommendations:\n{listing}"
    if "foundations" in expect:
        assert any(r.foundation for r in recs) == expect["foundations"], listing
        if expect["foundations"]:
            assert _key(recs[0]) == "assessment-guide/comprehensive-assessment", "the comprehensive assessment comes first"
    report = build_report(questionnaire, catalogue, answers)
    if "overall_shown" in expect:
        assert (report.overall_level is not None) == expect["overall_shown"]
    for rec in report.recommendations:
        assert rec.reasons or rec.foundation_reason, f"{rec.resource_id}/{rec.part_id} has no reason"


def test_there_are_enough_scenarios_and_every_agency_type_is_covered(questionnaire):
    types = {load_yaml(p)["agency_type"] for p in SCENARIOS}
    assert len(SCENARIOS) >= 40
    assert types == {o.id for o in questionnaire.agency_types()}
