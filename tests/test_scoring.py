"""Levels, coverage and gaps, with "Don't know" and "Not applicable" left out of the means."""

from __future__ import annotations

import pytest

from questionnaires import load_questionnaire
from questionnaires.scoring import answer_level, score
from tests.conftest import FIXTURES

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


def test_not_applicable_and_unanswered_count_as_unscored(minimal):
    scores = score(minimal, dict(PROFILE, sea_q="not-applicable"))
    assert scores.overall.level is None
    assert scores.overall.coverage == 0.0


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
    question = questionnaire.question("inv_identification_errors")
    assert answer_level(question, "yes") == 1
    assert answer_level(question, "no") == 3
    assert answer_level(questionnaire.question("prot_children_encounter"), "yes") is None


def test_mean_of_several_questions(questionnaire):
    answers = {"agency_type": "prosecution", "borders": ["none"], "inv_distinguish": "guidance", "inv_identification_errors": "yes"}
    topic = score(questionnaire, answers).topics["investigation.smuggling-vs-trafficking"]
    assert topic.level == 1.5 and topic.gap == 1.5
