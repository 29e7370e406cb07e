"""Recommendation scenarios: each kind of agency gets the parts that close its own gaps."""

from __future__ import annotations


from reports.build import build_report
from reports.analysis import analyse
from tests.helpers import strong_answers


def run(questionnaire, catalogue, answers):
    recs = list(analyse(questionnaire, catalogue, answers).computed)
    return recs, {(r.resource.id, r.part.id): r for r in recs}


def profile(agency_type, borders):
    return {"country": "FR", "agency_name": "Agency", "agency_type": agency_type, "borders": borders,
            "staff_size": 300, "respondent_role": "manager"}


def test_coast_guard_with_weak_maritime_procedures(questionnaire, catalogue):
    answers = strong_answers(questionnaire, profile("coast-guard", ["sea"]), {
        "sea_interdiction_procedure": "none", "sea_mothership": "no", "sea_flag_requests": "slow"})
    recs, by_key = run(questionnaire, catalogue, answers)
    assert recs and all(r.resource.id in {"issue-paper-sea", "model-law", "competent-authorities-directory", "international-law-of-migrant-smuggling"} for r in recs)
    assert recs[0].priority == "high" and recs[0].resource.id == "issue-paper-sea"
    assert "model-law" not in {r.resource.id for r in recs}, "model provisions are for drafters, not crews"
    assert any(r.resource.id == "issue-paper-sea" for r in recs)
    assert len(recs) <= 5


def test_airport_document_unit_without_document_training(questionnaire, catalogue):
    answers = strong_answers(questionnaire, profile("airport-liaison", ["air"]), {
        "doc_first_line": "none", "doc_impostors": "no", "doc_second_line": "supervisor", "air_document_abuse": "random"})
    recs, by_key = run(questionnaire, catalogue, answers)
    resources = {r.resource.id for r in recs}
    assert "document-examination-training" in resources
    assert ("document-examination-training", "objective-d") in by_key, "impostors: genuine documents used fraudulently"
    assert by_key[("document-examination-training", "objective-d")].priority == "high"
    assert "issue-paper-sea" not in resources


def test_forensic_laboratory_short_of_equipment(questionnaire, catalogue):
    answers = strong_answers(questionnaire, profile("forensic-laboratory", ["none"]), {
        "forensic_equipment": "basic", "forensic_reference": "seized"})
    recs, by_key = run(questionnaire, catalogue, answers)
    assert ("forensic-document-examination-guide", "forensic-laboratories") in by_key
    assert recs[0].resource.id.startswith("forensic") and recs[0].priority == "high"
    assert all(r.resource.id not in {"issue-paper-sea", "issue-paper-air"} for r in recs)


def test_prosecution_service_that_confuses_smuggling_and_trafficking(questionnaire, catalogue):
    answers = strong_answers(questionnaire, profile("prosecution", ["none"]), {
        "inv_distinguish": "confused", "inv_case_review": "none"})
    recs, by_key = run(questionnaire, catalogue, answers)
    assert ("in-depth-training-manual", "module-2") in by_key
    assert all("investigation.smuggling-vs-trafficking" in [g.topic.id for g in r.gaps] for r in recs)
    assert recs[0].priority == "high"
    reason = recs[0].gaps[0]
    assert {e.question.id for e in reason.shortfalls()} == {"inv_distinguish", "inv_case_review"}


def test_border_agency_with_corruption_risks(questionnaire, catalogue):
    answers = strong_answers(questionnaire, profile("border-police", ["land", "air"]), {
        "corruption_risk_assessment": "none", "corruption_code": "code", "corruption_reporting": "no"})
    recs, by_key = run(questionnaire, catalogue, answers)
    # Corruption is core to an agency that controls borders: its officials are the ones bribed.
    assert by_key[("issue-paper-corruption", "forms")].priority == "high"
    assert by_key[("toolkit", "tool-7-1")].priority == "high", "a code of conduct for law enforcement officials"
    assert len(recs) == 2


def test_agency_strong_in_every_area_gets_nothing(questionnaire, catalogue):
    answers = strong_answers(questionnaire, profile("border-police", ["land", "sea", "air"]), {})
    recs, _ = run(questionnaire, catalogue, answers)
    assert recs == []


def test_few_gaps_short_list_many_gaps_longer_list(questionnaire, catalogue):
    few = strong_answers(questionnaire, profile("immigration", ["land"]), {"doc_impostors": "no"})
    recs_few, _ = run(questionnaire, catalogue, few)
    assert 1 <= len(recs_few) <= 2
    weak = {q.id: (["nothing"] if q.type == "multiple" else min((o for o in q.choices() if o.level is not None), key=lambda o: o.level).id)
            for q in questionnaire.all_questions() if q.scored}
    many = strong_answers(questionnaire, profile("immigration", ["land"]), weak)
    recs_many, _ = run(questionnaire, catalogue, many)
    parts_in_catalogue = sum(len(r.parts) for r in catalogue.resources)
    assert len(recs_few) < len(recs_many) < parts_in_catalogue


def test_priority_weighs_relevance_to_the_agency(questionnaire, catalogue):
    """The same gap is high for an agency whose core work it is, lower for another."""
    weak = {"doc_first_line": "none", "doc_impostors": "no"}
    front_line = run(questionnaire, catalogue, strong_answers(questionnaire, profile("immigration", ["land"]), weak))[0]
    examiners = run(questionnaire, catalogue, strong_answers(questionnaire, profile("document-examination", ["none"]), weak))[0]
    assert front_line[0].priority == "high"
    assert examiners[0].priority == "medium"


def test_sea_is_core_for_an_immigration_service_with_sea_borders(questionnaire, catalogue):
    weak = {"sea_interdiction_procedure": "none", "sea_mothership": "no", "sea_routes": "experience",
            "sea_flag_requests": "never", "sea_rescue": "ad-hoc"}
    coastal = run(questionnaire, catalogue, strong_answers(questionnaire, profile("immigration", ["sea"]), weak))[1]
    assert any(key[0] == "issue-paper-sea" and rec.priority == "high" for key, rec in coastal.items())


def test_priority_rule_by_hand():
    from reports.recommend import priority_for

    assert priority_for(1.5, core=True) == "high"
    assert priority_for(1.4, core=True) == "medium"
    assert priority_for(0.5, core=True) == "medium"
    assert priority_for(0.4, core=True) == "low"
    assert priority_for(3.0, core=False) == "medium"
    assert priority_for(1.4, core=False) == "low"
    for gap in (0.1, 0.5, 1.0, 1.5, 2.0, 3.0):
        order = {"high": 0, "medium": 1, "low": 2}
        assert order[priority_for(gap, True)] <= order[priority_for(gap, False)]


def test_report_explains_every_recommendation(questionnaire, catalogue):
    answers = strong_answers(questionnaire, profile("coast-guard", ["sea"]), {"sea_interdiction_procedure": "none"})
    report = build_report(questionnaire, catalogue, answers, {"reference": "R1"})
    assert report.recommendations
    for rec in report.recommendations:
        assert rec.reasons and all(reason.evidence or reason.answers_under for reason in rec.reasons)
        assert rec.audiences and rec.url.startswith("https://")
    assert any("Do you have written procedures to stop and board" in line.question for line in report.recommendations[0].reasons[0].evidence)
    assert report.plan and report.summary
