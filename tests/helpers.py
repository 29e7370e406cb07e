"""Answers for test journeys."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

from questionnaires import Questionnaire, Section

PROFILE = {
    "country": "KE",
    "agency_name": "Coast Guard Service",
    "agency_type": "coast-guard",
    "borders": ["sea"],
    "staff_size": 1200,
    "respondent_role": "training-officer",
}


def default_value(question) -> Any:
    """A middling answer: level 2 where there is one."""
    if question.type == "multiple":
        options = [o for o in question.choices() if o.level == 2] or question.choices()[1:2]
        return [options[0].id]
    if question.type in ("single", "yesno"):
        choices = question.choices()
        with_two = [o for o in choices if o.level == 2]
        return (with_two or choices)[0].id
    if question.type == "number":
        return 10
    if question.type == "country":
        return "KE"
    return "Some text"


def form_data(section: Section, answers: dict[str, Any]) -> dict[str, Any]:
    """What a browser would post for this section, given every answer chosen so far."""
    data: dict[str, Any] = {"action": "continue", "shown": []}
    for question in section.questions:
        if not question.holds(answers):
            continue
        value = answers.get(question.id)
        if value is None:
            value = default_value(question)
            answers[question.id] = value
        data["shown"].append(question.id)
        data[f"q_{question.id}"] = value if isinstance(value, list) else str(value)
    return data


def five_changes(questionnaire: Questionnaire, answers: dict[str, Any]) -> dict[str, str]:
    """Five scored single-choice answers raised to the best level, as an official would on a
    second assessment."""
    changes: dict[str, str] = {}
    for question in questionnaire.all_questions():
        if len(changes) == 5:
            break
        if question.scored and question.type == "single" and question.id in answers:
            best = max((o for o in question.choices() if o.level is not None), key=lambda o: o.level or 0)
            if answers[question.id] != best.id:
                changes[question.id] = best.id
    assert len(changes) == 5, "the answers leave fewer than five questions to improve"
    return changes


def answer_all(questionnaire: Questionnaire, chosen: dict[str, Any]) -> dict[str, Any]:
    """Every visible question answered: chosen values, else defaults."""
    answers = dict(chosen)
    for section in questionnaire.applicable_sections(answers):
        form_data(section, answers)
    return answers


def pdf_text(pdf: bytes) -> str:
    """The text of every page of a PDF, read back with pypdf."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
