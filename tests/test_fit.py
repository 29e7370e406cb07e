"""Recommendations by fit: every kind of agency, weak, middling and strong, on every border it
can have, gets a plan it can carry out.

- at most six high-priority items;
- no high-priority item from a part that serves none of the agency's functions;
- no sibling part written for another kind of agency: a part that serves none of its functions
  only where no part of the same resource closing that gap does, and never as a second part;
- every high-priority gap closed by a part that is about it.
"""

from __future__ import annotations

from itertools import combinations

from reports.analysis import analyse
from reports.recommend import MAX_HIGH, candidates, deciding_rule, recommend
from tests.helpers import fill_answers

BORDERS = [["none"], *([*c] for n in (1, 2, 3) for c in combinations(["land", "sea", "air"], n))]
FILLS = ["weak", "middling", "strong"]


def _agency_types(questionnaire):
    return [o.id for o in questionnaire.agency_types()]


def test_every_agency_type_on_every_border(questionnaire, catalogue):
    checked = 0
    for agency_type in _agency_types(questionnaire):
        for borders in BORDERS:
            for fill in FILLS:
                scenario = {"name": "Agency", "agency_type": agency_type, "borders": borders, "fill": fill}
                answers = fill_answers(questionnaire, scenario)
                functions = questionnaire.functions_of(answers)
                analysis = analyse(questionnaire, catalogue, answers)
                recs = analysis.computed
                where = f"{agency_type} {borders} {fill}:\n" + "\n".join(
                    f"  {r.priority:6} {r.resource.id}/{r.part.id}" for r in recs)
                high = [r for r in recs if r.priority == "high"]
                assert len(high) <= MAX_HIGH, where
                for rec in high:
                    assert set(rec.resource.serves(rec.part)) & functions, f"{rec.part.id} serves none: {where}"
                for rec in recs:
                    if rec.second:
                        assert rec.fits, f"second part {rec.part.id} serves none: {where}"
                    if rec.fits or rec.foundation is not None:
                        continue
                    closes = {g.topic.id for g in rec.gaps}
                    better = [p.id for p in rec.resource.parts if p.id != rec.part.id and closes & set(p.addressed)
                              and set(rec.resource.serves(p)) & functions]
                    assert not better, f"{rec.resource.id}/{rec.part.id} is for another kind of agency, {better} are not: {where}"
                for gap in analysis.gaps:
                    if gap.priority == "high":
                        assert any(gap.topic.id in r.part.topics for r in recs), (
                            f"high gap {gap.topic.id} has no part about it: {where}")
                checked += 1
    assert checked == len(_agency_types(questionnaire)) * len(BORDERS) * len(FILLS)


def test_weak_operational_units_get_six_high_priority_items_at_most(questionnaire, catalogue):
    """The plans that were too long: 9 high-priority items for operational units."""
    for agency_type in ("border-police", "immigration", "coast-guard", "customs", "airport-liaison"):
        answers = fill_answers(questionnaire, {"name": "A", "agency_type": agency_type, "borders": ["land", "sea", "air"], "fill": "weak"})
        recs = analyse(questionnaire, catalogue, answers).computed
        high = [r for r in recs if r.priority == "high"]
        assert len(high) == MAX_HIGH, agency_type
        capped = [r for r in recs if r.capped]
        assert capped and all(r.priority == "medium" and r.gap_priority == "high" for r in capped)


def test_a_legislators_resource_is_never_high_for_an_operational_unit(questionnaire, catalogue):
    for agency_type in ("border-police", "immigration", "coast-guard", "customs", "airport-liaison"):
        for fill in ("weak", "middling"):
            answers = fill_answers(questionnaire, {"name": "A", "agency_type": agency_type, "borders": ["land", "sea", "air"], "fill": fill})
            recs = analyse(questionnaire, catalogue, answers).computed
            assert not [r for r in recs if r.priority == "high" and r.resource.id in ("model-law", "legislative-guides")]


def test_the_part_about_the_gap_comes_before_one_that_only_touches_it(catalogue):
    ranked = candidates(catalogue, "sea.vessel-requests", frozenset({"border-control", "investigation"}))
    assert (ranked[0].resource.id, ranked[0].part.id) == ("competent-authorities-directory", "smuggling-of-migrants-by-sea")
    assert ranked[-1].part.id == "measures" and not ranked[-1].main


def test_fit_then_specialization_then_ties(catalogue):
    drafting = candidates(catalogue, "legal.framework", frozenset({"legislation-policy"}))
    assert drafting[0].resource.id == "model-law" and deciding_rule(drafting[0], drafting[1]) == "tie-break"
    prosecutors = candidates(catalogue, "investigation.smuggling-vs-trafficking", frozenset({"prosecution", "investigation"}))
    assert (prosecutors[0].resource.id, prosecutors[0].part.id) == ("in-depth-training-manual", "module-2")
    assert deciding_rule(prosecutors[0], prosecutors[1]) == "specialization"
    lab = candidates(catalogue, "forensic.equipment", frozenset({"forensic-laboratory"}))
    assert lab[0].resource.id == "forensic-lab-staff-equipment-manual"
    border = candidates(catalogue, "documents.reference-material", frozenset({"border-control", "document-examination"}))
    assert border[0].part.id == "border-agencies" and deciding_rule(border[0], border[1]) == "fit"


def test_a_part_kept_only_because_it_touches_a_gap_does_not_cover_it(questionnaire, catalogue):
    """Parts kept for vessel interdiction also touch flag-State requests; the request gap still
    gets the directory's category written for it."""
    answers = fill_answers(questionnaire, {"name": "Port customs", "agency_type": "customs", "borders": ["sea"], "fill": "strong",
                                           "answers": {"sea_interdiction_procedure": "none", "sea_flag_requests": "never"}})
    recs = analyse(questionnaire, catalogue, answers).computed
    keys = {(r.resource.id, r.part.id) for r in recs}
    assert ("competent-authorities-directory", "smuggling-of-migrants-by-sea") in keys


def test_no_functions_no_high_priority(questionnaire, catalogue):
    """Without an agency type nothing is known to fit, so nothing is pressed as high priority."""
    answers = fill_answers(questionnaire, {"name": "A", "agency_type": "border-police", "borders": ["land"], "fill": "weak"})
    analysis = analyse(questionnaire, catalogue, answers)
    recs = recommend(catalogue, list(analysis.gaps), frozenset(), False)
    assert recs and not [r for r in recs if r.priority == "high"]
    assert all(not r.fits for r in recs if r.gap_priority == "high")


def test_the_decision_table_in_the_repository_is_up_to_date(questionnaire, catalogue):
    from pathlib import Path

    from reports.decision_table import decision_table

    kept = Path(__file__).resolve().parent.parent / "docs" / "decision-table.md"
    assert kept.read_text(encoding="utf-8") == decision_table(questionnaire, catalogue), (
        "The catalogue or the rules changed the recommendations: run `make decision-table` and "
        "commit docs/decision-table.md, so that the change is a diff experts can read.")


def test_the_decision_table_names_every_agency_type_and_the_rule_for_each_row(questionnaire, catalogue):
    from click.testing import CliRunner

    from webapp.cli import main

    result = CliRunner().invoke(main, ["explain"])
    assert result.exit_code == 0, result.output
    for option in questionnaire.agency_types():
        assert f"(`{option.id}`)" in result.output
    rows = [line for line in result.output.splitlines() if line.startswith("| ") and not line.startswith("| Topic")]
    assert len(rows) > 150
    rules = ("main topic", "fit", "free", "specialization", "tie-break", "only part")
    assert all(any(f"| {rule}" in row for rule in rules) for row in rows)
    # A port customs service that never asks flag States gets the directory's sea category.
    customs = result.output.split("(`customs`)")[1].split("\n## ")[0]
    assert "| Requests to flag States about vessels | Competent national authorities online directory: Category: smuggling of migrants by sea |" in customs
    # A legislative drafting unit's criminalization gap: the Model Law's criminal offences.
    ministry = result.output.split("(`ministry`)")[1].split("\n## ")[0]
    assert "| Criminalization of migrant smuggling and related offences | Model Law against the Smuggling of Migrants: Chapter II: Criminal offences |" in ministry


def test_explain_writes_the_file(tmp_path):
    from click.testing import CliRunner

    from webapp.cli import main

    out = tmp_path / "table.md"
    result = CliRunner().invoke(main, ["explain", "-o", str(out)])
    assert result.exit_code == 0 and out.read_text(encoding="utf-8").startswith("# Decision table")
