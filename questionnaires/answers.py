"""What every answer type shares: problems with an answer and their messages, emptiness, and
the list of countries. Each type's own rules are in answer_types.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from functools import lru_cache
from pathlib import Path




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
    # A workbook's cell that cannot be read as an answer.
    "not-in-list": N_("\u201c%(value)s\u201d is not one of the answers in the list"),
    "not-a-country-in-list": N_("\u201c%(value)s\u201d is not a country in the list"),
    "yes-or-no": N_("Answer %(yes)s or %(no)s"),
    # How an answer is known (evidence.py).
    "evidence-kind": N_("Choose how this is known from the list"),
    "evidence-note-too-long": N_("Keep the note on the evidence to %(limit)s characters or fewer. You wrote %(length)s"),
}


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


UN_STATES_FILE = Path(__file__).resolve().parent / "un-states.yaml"


@lru_cache(maxsize=1)
def _un_states() -> dict[str, dict[str, str]]:
    from .yamlio import load_yaml

    return {str(code): {str(lang): str(name) for lang, name in names.items()} for code, names in load_yaml(UN_STATES_FILE).items()}


@lru_cache(maxsize=1)
def country_codes() -> dict[str, str]:
    """The UN Member States and observer States: ISO 3166-1 alpha-2 code -> UN English name."""
    return {code: names["en"] for code, names in _un_states().items()}


def un_state_names(lang: str) -> dict[str, str]:
    """Code -> the name the United Nations writes in `lang` (English where it has none)."""
    return {code: names.get(lang) or names["en"] for code, names in _un_states().items()}
