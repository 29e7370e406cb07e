"""Checking one answer against its question. The web forms and the answers-file reader share it.

Stored values: a choice id (single, yes/no), a list of choice ids (multiple), an int (number),
a string (text), an ISO 3166 alpha-2 code (country).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from functools import lru_cache
from pathlib import Path

import pycountry

from .model import Question, Questionnaire


@dataclass(frozen=True)
class Problem:
    """What is wrong with an answer: a code and its parameters, so that messages can be translated."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, template: str | None = None, number: Callable[[int], str] = "{:,}".format) -> str:
        """The message, in English unless a translated template is given."""
        params = {k: number(v) if isinstance(v, int) and not isinstance(v, bool) else v for k, v in self.params.items()}
        return (template or MESSAGES[self.code]) % params


def N_(text: str) -> str:
    """Marks a message for the translation catalogues; the web app translates it when shown."""
    return text


MESSAGES = {
    "required-choice": N_("Select an answer"),
    "required-multiple": N_("Select at least one answer"),
    "required-number": N_("Enter a number"),
    "required-text": N_("Enter an answer"),
    "required-country": N_("Select a country"),
    "invalid-choice": N_("Select one of the answers shown"),
    "exclusive": N_("\u201c%(label)s\u201d cannot be combined with other answers"),
    "not-a-number": N_("Enter a whole number, like 250"),
    "number-range": N_("Enter a number from %(min)s to %(max)s"),
    "too-long": N_("Keep this answer to %(limit)s characters or fewer. You wrote %(length)s"),
    "invalid-country": N_("Select a country from the list"),
}


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


UN_STATES_FILE = Path(__file__).resolve().parent / "un-states.yaml"


@lru_cache(maxsize=1)
def country_codes() -> dict[str, str]:
    """The UN Member States and observer States: ISO 3166-1 alpha-2 code -> UN English name."""
    from .yamlio import load_yaml

    return {str(code): str(name) for code, name in load_yaml(UN_STATES_FILE).items()}


def country_name(code: str) -> str:
    if code in country_codes():
        return country_codes()[code]
    country = pycountry.countries.get(alpha_2=code) if code else None
    return getattr(country, "common_name", country.name) if country else code


def check(question: Question, value: Any) -> Problem | None:
    """None when the answer is acceptable; an empty answer is fine only if not required."""
    if is_empty(value):
        return Problem(f"required-{_kind(question)}") if question.required else None
    return CHECKS[question.type](question, value)


def _kind(question: Question) -> str:
    return {"single": "choice", "yesno": "choice"}.get(question.type, question.type)


def _check_single(question: Question, value: Any) -> Problem | None:
    if not isinstance(value, str) or question.choice(value) is None:
        return Problem("invalid-choice")
    return None


def _check_multiple(question: Question, value: Any) -> Problem | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return Problem("invalid-choice")
    options = [question.choice(v) for v in value]
    if any(o is None for o in options) or len(set(value)) != len(value):
        return Problem("invalid-choice")
    exclusive = [o for o in options if o is not None and o.exclusive]
    if exclusive and len(value) > 1:
        return Problem("exclusive", {"label": exclusive[0].label["en"]})
    return None


def _check_number(question: Question, value: Any) -> Problem | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return Problem("not-a-number")
    low = question.min if question.min is not None else float("-inf")
    high = question.max if question.max is not None else float("inf")
    if not low <= value <= high:
        return Problem("number-range", {"min": int(low), "max": int(high)})
    return None


def _check_text(question: Question, value: Any) -> Problem | None:
    if not isinstance(value, str):
        return Problem("required-text")
    if len(value) > question.max_length:
        return Problem("too-long", {"limit": question.max_length, "length": len(value)})
    return None


def _check_country(question: Question, value: Any) -> Problem | None:
    if not isinstance(value, str) or value not in country_codes():
        return Problem("invalid-country")
    return None


CHECKS = {
    "single": _check_single,
    "yesno": _check_single,
    "multiple": _check_multiple,
    "number": _check_number,
    "text": _check_text,
    "country": _check_country,
}


def check_all(questionnaire: Questionnaire, answers: Mapping[str, Any], where: str = "answers") -> list[str]:
    """Problems in a whole set of answers: unknown question ids and unacceptable values.

    Questions left unanswered are not problems here: a report can be built from a partial set,
    and shows its coverage.
    """
    problems = []
    known = {q.id: q for q in questionnaire.all_questions()}
    for question_id, value in answers.items():
        question = known.get(question_id)
        if question is None:
            problems.append(f"{where}.{question_id}: no such question in {questionnaire.id} v{questionnaire.version}")
            continue
        if is_empty(value):
            continue
        if question.type == "number" and isinstance(value, float) and value.is_integer():
            value = int(value)
        problem = CHECKS[question.type](question, value)
        if problem is not None:
            problems.append(f"{where}.{question_id}: {problem.message()} (got {value!r})")
    return problems
