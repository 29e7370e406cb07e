"""One analysis for every reader, and catalogue lookups that never crash a report."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from reports import analysis as analysis_module
from reports.analysis import AdjustmentSpec, analyse
from reports.build import build_report
from reports.catalogue import Catalogue
from reports.compare import Earlier, TrainingDone
from reports.national import AgencyInput, build_national
from tests.helpers import PROFILE, answer_all, strong_answers

ROOT = Path(__file__).resolve().parent.parent


def weak_answers(questionnaire):
    return answer_all(questionnaire, dict(PROFILE, sea_interdiction_procedure="none", sea_mothership="no",
                                          sea_flag_requests="slow"))


def _title(view) -> str:
    return f"{view.resource_title}: {view.part_title}"


def test_a_part_the_reviewer_removed_is_never_listed_as_still_open(questionnaire, catalogue):
    answers = weak_answers(questionnaire)
    earlier = Earlier(answers, dt.date(2025, 5, 1), "TNA-EARLIER")
    plain = build_report(questionnaire, catalogue, answers, earlier=earlier)
    assert plain.change is not None and plain.change.still_open, "the same gaps then and now: parts still open"
    removed = plain.recommendations[0]
    assert _title(removed) in plain.change.still_open
    cut = AdjustmentSpec(removed.resource_id, removed.part_id, "remove", "Delivered by the academy last month")
    report = build_report(questionnaire, catalogue, answers, adjustments=[cut], earlier=earlier)
    listed = {_title(v) for v in report.recommendations}
    assert _title(removed) not in listed
    assert report.change is not None
    assert _title(removed) not in report.change.still_open + report.change.new
    # The change section and the report agree: what it calls open or new, the report lists.
    assert set(report.change.still_open + report.change.new) <= listed


def test_the_earlier_list_is_the_one_its_reviewer_signed(questionnaire, catalogue):
    """A part the earlier reviewer removed was never recommended then, so it cannot be closed now."""
    before = weak_answers(questionnaire)
    first = analyse(questionnaire, catalogue, before).recommendations[0].recommendation
    now = strong_answers(questionnaire, PROFILE, {})  # every gap of then is closed
    title = f"{first.resource.title['en']}: {first.part.title['en']}"
    kept = build_report(questionnaire, catalogue, now, earlier=Earlier(before, dt.date(2025, 5, 1), "TNA-1"))
    assert kept.change is not None and title in kept.change.closed
    cut = AdjustmentSpec(first.resource.id, first.part.id, "remove", "Not needed")
    cut_report = build_report(questionnaire, catalogue, now, earlier=Earlier(before, dt.date(2025, 5, 1), "TNA-1", adjustments=(cut,)))
    assert cut_report.change is not None and title not in cut_report.change.closed
    assert set(cut_report.change.closed) == set(kept.change.closed) - {title}


def test_a_report_with_an_earlier_assessment_finds_the_gaps_once_per_assessment(questionnaire, catalogue, monkeypatch):
    calls = []
    real = analysis_module.find_gaps

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis_module, "find_gaps", counting)
    answers = weak_answers(questionnaire)
    build_report(questionnaire, catalogue, answers, earlier=Earlier(answers, dt.date(2025, 5, 1), "TNA-1"))
    assert len(calls) == 2


def test_reviewer_changes_add_reprioritize_remove_and_skip_unknown_parts(questionnaire, catalogue):
    answers = weak_answers(questionnaire)
    computed = analyse(questionnaire, catalogue, answers).computed
    first, second = computed[0], computed[1]
    extra = next((r, p) for r, p in catalogue.parts() if (r.id, p.id) not in {(c.resource.id, c.part.id) for c in computed})
    result = analyse(questionnaire, catalogue, answers, [
        AdjustmentSpec(first.resource.id, first.part.id, "remove", "Done"),
        AdjustmentSpec(second.resource.id, second.part.id, "priority", "Urgent now", "high"),
        AdjustmentSpec(extra[0].id, extra[1].id, "add", "Asked for by the director", "low"),
        AdjustmentSpec("gone-resource", "gone-part", "add", "A part since removed", "high"),
    ])
    keys = [p.key for p in result.recommendations]
    assert (first.resource.id, first.part.id) not in keys
    assert ("gone-resource", "gone-part") not in keys
    by_key = {p.key: p for p in result.recommendations}
    assert by_key[(second.resource.id, second.part.id)].priority == "high"
    assert by_key[(second.resource.id, second.part.id)].adjusted_reason == "Urgent now"
    assert by_key[(extra[0].id, extra[1].id)].priority == "low" and by_key[(extra[0].id, extra[1].id)].adjusted
    assert result.computed == computed, "the engine's list is kept as it was"


def test_national_plan_follows_each_reviewers_changes(questionnaire, catalogue):
    answers = weak_answers(questionnaire)
    first = analyse(questionnaire, catalogue, answers).recommendations[0].recommendation
    cut = (AdjustmentSpec(first.resource.id, first.part.id, "remove", "Not needed"),)
    agencies = [AgencyInput("A", "coast-guard", "TNA-A", dt.date(2026, 1, 1), answers, cut),
                AgencyInput("B", "coast-guard", "TNA-B", dt.date(2026, 1, 1), answers)]
    report = build_national(questionnaire, catalogue, "KE", agencies, "en")
    row = next(r for r in report.plan if r.part == first.part.title["en"] and r.resource == first.resource.title["en"])
    assert row.agencies == ("B",) and not row.joint


# --- catalogue lookups -----------------------------------------------------------------------

def without_resource(catalogue: Catalogue, resource_id: str) -> Catalogue:
    return catalogue.model_copy(update={
        "resources": tuple(r for r in catalogue.resources if r.id != resource_id),
        "foundations": tuple(f for f in catalogue.foundations if f.resource != resource_id),
    })


def test_lookups_name_the_missing_id(catalogue):
    with pytest.raises(KeyError, match="no-such-resource"):
        catalogue.resource("no-such-resource")
    resource = catalogue.resources[0]
    with pytest.raises(KeyError, match="no-such-part"):
        catalogue.part(resource.id, "no-such-part")
    assert catalogue.find_part(resource.id, "no-such-part") is None
    assert catalogue.find_part("no-such-resource", resource.parts[0].id) is None
    assert catalogue.find_part(resource.id, resource.parts[0].id) == (resource, resource.parts[0])
    assert catalogue.part_title(resource.id, resource.parts[0].id, "en") == f"{resource.title['en']}: {resource.parts[0].title['en']}"
    assert catalogue.part_title("gone", "part", "en") == "gone/part (no longer in the catalogue)"
    assert catalogue.part_title("gone", "part", "fr") != catalogue.part_title("gone", "part", "en")
    titles = catalogue.part_titles("es")
    assert titles["gone/part"].startswith("gone/part (") and titles["gone/part"] != "gone/part (no longer in the catalogue)"


def test_training_of_a_removed_resource_never_breaks_the_report(questionnaire, catalogue):
    answers = weak_answers(questionnaire)
    trained = catalogue.resources[0]
    smaller = without_resource(catalogue, trained.id)
    earlier = Earlier(answers, dt.date(2025, 5, 1), "TNA-1", training=(
        TrainingDone(trained.id, trained.parts[0].id, dt.date(2025, 6, 1), dt.date(2025, 6, 3), 20, "first-line"),))
    report = build_report(questionnaire, smaller, answers, earlier=earlier)
    assert report.change is not None and report.change.training_count == 1
    cut = AdjustmentSpec(trained.id, trained.parts[0].id, "add", "Added before the resource was withdrawn", "high")
    adjusted = build_report(questionnaire, smaller, answers, adjustments=[cut])
    assert trained.id not in {v.resource_id for v in adjusted.recommendations}


def test_national_report_without_the_parts_its_advice_names(questionnaire, catalogue):
    answers = weak_answers(questionnaire)
    smaller = without_resource(without_resource(catalogue, "framework-for-action"), "assessment-guide")
    agencies = [AgencyInput(n, t, f"TNA-{n}", dt.date(2026, 1, 1), answers) for n, t in (("A", "coast-guard"), ("B", "immigration"))]
    report = build_national(questionnaire, smaller, "KE", agencies, "en")
    assert report.advice == () and report.plan


def _calls(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            names.add(func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else "")
    return names


def test_only_the_analysis_finds_gaps_and_recommends():
    callers = sorted(
        str(path.relative_to(ROOT))
        for package in ("questionnaires", "reports", "webapp", "bench", "scripts")
        for path in (ROOT / package).rglob("*.py")
        if {"find_gaps", "recommend"} & _calls(path)
    )
    assert callers == ["reports/analysis.py"]


# --- stored ids of a part the catalogue no longer has ------------------------------------------

WITHDRAWN = ("withdrawn-resource", "withdrawn-part")
NOTE = "withdrawn-resource/withdrawn-part (no longer in the catalogue)"


def test_stored_references_to_a_removed_part_never_break_a_page(app, people, questionnaire, monkeypatch):
    """A resource taken out of resources.yaml after training was recorded, a plan made and a
    report published: every page and export of the agency still opens, naming the part by its
    ids, and `tna validate` lists what the database still holds."""
    from click.testing import CliRunner

    from tests.helpers import Browser
    from tests.helpers import assessment_id, publish_as_ta, sign_in, submitted_assessment
    from webapp.cli import main
    from webapp.core import store
    from webapp.core.db import db
    from webapp.core.models import Adjustment, Assessment, PlanItem, PublishedRecommendation, Training

    ta = sign_in(app, people["ta"][0])
    first = submitted_assessment(app, questionnaire)
    first_id = assessment_id(app, first)
    publish_as_ta(app, ta, first_id)
    with app.app_context():
        earlier = db.session.get(Assessment, first_id)
        earlier.submitted_at = earlier.created_at = dt.datetime(2026, 1, 10, 9, 0)
        agency_id = earlier.agency_id
        resource_id, part_id = WITHDRAWN
        db.session.add_all([
            Training(agency_id=agency_id, resource_id=resource_id, part_id=part_id, starts_on=dt.date.today(),
                     ends_on=dt.date.today(), participants=12, audience="first-line"),
            PublishedRecommendation(assessment_id=first_id, resource_id=resource_id, part_id=part_id, priority="high",
                                    audiences="first-line", adjusted=False),
            PlanItem(assessment_id=first_id, resource_id=resource_id, part_id=part_id, status="delivered"),
            Adjustment(assessment_id=first_id, resource_id=resource_id, part_id=part_id, action="add",
                       priority="high", reason="Added before it was withdrawn"),
        ])
        db.session.commit()
        later = store.start_from(earlier, questionnaire, app.extensions["tna.history"], "en")
        store.submit(later)
        token, later_id = later.token, later.id

    official = Browser(app.test_client())
    report = official.get(f"/a/{token}/report").get_data(as_text=True)
    assert NOTE in report and "12 participants" in report
    assert official.get(f"/a/{token}/report.json").status_code == 200
    assert NOTE in ta.get(f"/agencies/{agency_id}").get_data(as_text=True)
    assert ta.get(f"/review/{first_id}").status_code == 200
    assert ta.get(f"/review/{later_id}").status_code == 200
    donor = sign_in(app, people["donor"][0])
    assert NOTE in donor.get("/portfolio/work-plan.csv").get_data(as_text=True)
    assert donor.get("/portfolio/").status_code == 200
    assert donor.get(f"/portfolio/report/{first_id}").status_code == 200

    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    for kind in ("training record(s)", "published recommendation(s)", "training plan item(s)", "reviewer's change(s)"):
        assert f"Warning: the database holds 1 {kind} name withdrawn-resource/withdrawn-part" in result.output


def test_not_applicable_answers_are_not_reported_as_missing_information(questionnaire, catalogue):
    """A section whose scored questions are all answered but most "Not applicable" has a level;
    one answered "Not applicable" throughout says so, and neither is "not enough information"."""
    answers = answer_all(questionnaire, dict(PROFILE))
    scored = {s.id: [q for q in s.visible_questions(answers) if q.scored] for s in questionnaire.applicable_sections(answers)}
    partly, wholly = [sid for sid, qs in scored.items() if len(qs) >= 3][:2]
    for q in scored[partly][1:]:
        answers[q.id] = "not-applicable"
    for q in scored[wholly]:
        answers[q.id] = [q.choices()[-1].id] if q.type == "multi" else "not-applicable"
    report = build_report(questionnaire, catalogue, answers)
    by_id = {s.id: s for s in report.sections}
    assert by_id[partly].level is not None and by_id[partly].enough
    assert by_id[wholly].not_applicable and by_id[wholly].level_name == "Not applicable"
    assert not any("Not enough information to assess" in line for line in report.summary)
