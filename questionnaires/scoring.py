"""Answers -> capacity level, coverage and gap, per topic and per section.

A question counts when it is shown (its section applies and its condition holds) and it
measures a topic. "Don't know" and unanswered questions give no level: they are left out of
the mean and lower the coverage. "Not applicable" gives no level either, but it is an answer, not
missing information: the question is not counted as asked, so it does not lower the coverage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from .answers import is_empty
from .model import NOT_APPLICABLE, Question, Questionnaire

# A level drawn from fewer than half of the questions asked is not shown: too little evidence.
MIN_COVERAGE = 0.5


def round_half_up(value: float | Fraction, digits: int = 1) -> float:
    """Round the way people do by hand: 2.25 -> 2.3, 2.35 -> 2.4 (Python's round gives 2.2)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction) else Decimal(str(value))
    return float(exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def answer_level(question: Question, value: Any) -> int | None:
    """The capacity level an answer shows, or None when it shows none."""
    if not question.scored or is_empty(value):
        return None
    if isinstance(value, list):
        chosen = [question.choice(v) for v in value]
        known = [o.level for o in chosen if o is not None and o.level is not None]
        return max(known) if known else None
    option = question.choice(value)
    return option.level if option is not None else None


@dataclass(frozen=True)
class Evidence:
    """One scored question as answered: the reason behind a score."""

    question: Question
    value: Any
    level: int | None

    @property
    def not_applicable(self) -> bool:
        """Answered "Not applicable": the question does not apply to this agency."""
        return bool(self.value == NOT_APPLICABLE or self.value == [NOT_APPLICABLE])


@dataclass(frozen=True)
class Score:
    target: float
    evidence: tuple[Evidence, ...] = ()

    @property
    def asked(self) -> int:
        """Questions that apply: those answered "Not applicable" are not counted."""
        return sum(1 for e in self.evidence if not e.not_applicable)

    @property
    def not_applicable(self) -> bool:
        """Every question was answered "Not applicable": there is nothing to assess, and nothing missing."""
        return bool(self.evidence) and self.asked == 0

    @property
    def scored(self) -> int:
        return sum(1 for e in self.evidence if e.level is not None)

    @property
    def level(self) -> float | None:
        """The mean of the scored answers, rounded half up to one decimal, as the report shows it."""
        levels = [e.level for e in self.evidence if e.level is not None]
        return round_half_up(Fraction(sum(levels), len(levels))) if levels else None

    @property
    def coverage(self) -> float:
        return self.scored / self.asked if self.asked else 0.0

    @property
    def enough(self) -> bool:
        """At least half of the questions asked were scored, so the level can be shown."""
        return self.asked > 0 and self.scored >= MIN_COVERAGE * self.asked

    @property
    def shown_level(self) -> float | None:
        """The level, or None when there is not enough information to show one."""
        return self.level if self.enough else None

    @property
    def gap(self) -> float | None:
        """How far the level falls short of the target; 0 when it reaches it."""
        level = self.level
        return None if level is None else round_half_up(max(0.0, self.target - level))


@dataclass(frozen=True)
class Scores:
    target: float
    topics: dict[str, Score] = field(default_factory=dict)
    sections: dict[str, Score] = field(default_factory=dict)
    overall: Score | None = None


def _evidence(questions: Iterable[Question], answers: Mapping[str, Any]) -> tuple[Evidence, ...]:
    return tuple(
        Evidence(q, answers.get(q.id), answer_level(q, answers.get(q.id))) for q in questions if q.scored
    )


def score(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> Scores:
    target = questionnaire.target_level
    sections: dict[str, Score] = {}
    by_topic: dict[str, list[Evidence]] = {}
    everything: list[Evidence] = []
    for section in questionnaire.applicable_sections(answers):
        evidence = _evidence(section.visible_questions(answers), answers)
        if not evidence:
            continue
        sections[section.id] = Score(target, evidence)
        everything.extend(evidence)
        for item in evidence:
            by_topic.setdefault(item.question.topic or "", []).append(item)
    topics = {topic: Score(target, tuple(items)) for topic, items in by_topic.items()}
    return Scores(target, topics, sections, Score(target, tuple(everything)))
