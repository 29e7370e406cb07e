"""Levels, coverage and gaps, with "Don't know" and "Not applicable" left out of the means."""

from __future__ import annotations

import pytest

from questionnaires import load_questionnaire
from questionnaires.scoring import answer_level, score
from tests.helpers import FIXTURES

PROFILE = {"agency_type": "coast-guard", "borders": ["sea"]}


@pytest.fixture(scope="module")
def minimal():
    return load_questionnaire(FIXTURES / "minimal.yaml")


def test_level_coverage_and_gap(minimal):
    scores = score(minimal, dict(PROFILE, sea_q="none", doc_q="yes"))
    assert scores.topics["sea.interdiction"].level == 0
    assert scores.topics["sea.interdiction"].gap == 3
    assert scores.topics["documents.first-line-detection"].level == 3
    assert scores.topics["documents.first-line-detection"].gap == 0
    assert scores.sections["sea"].coverage == 1.0
    assert scores.overall.level == 1.5


def test_dont_know_is_left_out_and_lowers_coverage(minimal):
    scores = score(minimal, dict(PROFILE, sea_q="dont-know", doc_q="yes"))
    sea = scores.topics["sea.interdiction"]
    assert sea.level is None and sea.gap is None
    assert sea.coverage == 0.0 and sea.asked == 1 and sea.scored == 0
    assert scores.overall.level == 3.0
    assert scores.overall.coverage == 0.5


def test_not_applicable_and_unanswered_give_no_level(minimal):
    scores = score(minimal, dict(PROFILE, sea_q="not-applicable"))
    assert scores.overall.level is None
    assert scores.overall.coverage == 0.0


def test_not_applicable_is_an_answer_not_missing_information(minimal):
    """A question answered "Not applicable" is not counted as asked: the rest of the section,
    answered, is enough information, and a section all "Not applicable" is not "missing"."""
    scores = score(minimal, dict(PROFILE, sea_q="not-applicable", doc_q="yes"))
    sea = scores.sections["sea"]
    assert sea.asked == 0 and sea.not_applicable and not sea.enough
    assert scores.overall.asked == 1 and scores.overall.coverage == 1.0 and scores.overall.enough
    dont_know = score(minimal, dict(PROFILE, sea_q="dont-know", doc_q="yes")).sections["sea"]
    assert dont_know.asked == 1 and not dont_know.not_applicable


def test_section_that_does_not_apply_is_not_scored(minimal):
    scores = score(minimal, {"agency_type": "border-police", "borders": ["none"], "sea_q": "none", "doc_q": "no"})
    assert "sea" not in scores.sections
    assert "sea.interdiction" not in scores.topics
    assert scores.overall.level == 0


def test_multiple_choice_takes_the_highest_level(questionnaire):
    question = questionnaire.question("doc_reference_equipment")
    assert answer_level(question, ["magnifier-uv", "reference-database"]) == 3
    assert answer_level(question, ["nothing"]) == 0
    assert answer_level(question, ["dont-know"]) is None


def test_yes_no_levels(questionnaire):
    question = questionnaire.question("inv_witnesses")
    assert answer_level(question, "yes") == 3
    assert answer_level(question, "no") == 0
    assert answer_level(questionnaire.question("voa_issued"), "yes") is None


def test_mean_of_several_questions(questionnaire):
    answers = {"agency_type": "prosecution", "borders": ["none"], "inv_distinguish": "guidance", "inv_case_review": "problems"}
    topic = score(questionnaire, answers).topics["investigation.smuggling-vs-trafficking"]
    assert topic.level == 1.5 and topic.gap == 1.5


def test_levels_round_half_up_to_one_decimal():
    from questionnaires.scoring import round_half_up
    from reports.i18n import Translator

    assert round_half_up(2.25) == 2.3 and round_half_up(2.35) == 2.4 and round_half_up(0.05) == 0.1
    assert Translator("en").number(2.25, 1) == "2.3" and Translator("fr").number(0.25, 1) == "0,3"


def test_a_level_drawn_from_fewer_than_half_of_the_questions_is_not_shown(questionnaire):
    answers = {"agency_type": "anti-corruption", "borders": ["none"], "corruption_risk_assessment": "none"}
    for qid in ("corruption_private_sector", "corruption_vulnerable_posts", "corruption_code", "corruption_reporting",
                "corruption_investigation", "corruption_cases"):
        answers[qid] = "dont-know"
    section = score(questionnaire, answers).sections["corruption"]
    assert section.scored == 1 and section.asked == 7
    assert section.level == 0.0 and section.shown_level is None and not section.enough


def test_the_level_name_is_the_level_fully_reached(questionnaire):
    from reports.build import level_name

    assert level_name(questionnaire, 2.7, "en") == "Developing"
    assert level_name(questionnaire, 3.0, "en") == "Established"
