"""Answers -> capacity level, coverage and gap, per topic and per section.

A question counts when it is shown (its section applies and its condition holds) and it
measures a topic. "Don't know" and unanswered questions give no level: they are left out of
the mean and lower the coverage. "Not applicable" gives no level either, but it is an answer, not
missing information: the question is not counted as asked, so it does not lower the coverage.

A technical-assistance officer may validate a section's answers, and give an answer another
level, with a reason (`Validated`). Where there is a validated level, it is the one that counts;
the agency's own level is kept beside it (`Score.self_assessed`).
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
class Validated:
    """What a reviewer checked: the sections validated, and the answers given another level."""

    levels: Mapping[str, int] = field(default_factory=dict)  # question id -> the validated level
    sections: frozenset[str] = frozenset()


NOT_VALIDATED = Validated()


@dataclass(frozen=True)
class Evidence:
    """One scored question as answered: the reason behind a score."""

    question: Question
    value: Any
    level: int | None  # what counts: the validated level where a reviewer gave one
    validated: bool = False  # in a section a reviewer validated
    adjusted: bool = False  # a reviewer gave it another level than the agency's answer
    self_level: int | None = None  # the agency's own level, when adjusted

    @property
    def own_level(self) -> int | None:
        """The level of the agency's own answer."""
        return self.self_level if self.adjusted else self.level

    @property
    def not_applicable(self) -> bool:
        """Answered "Not applicable" (and not given a level by a reviewer): the question does not
        apply to this agency."""
        return not self.adjusted and bool(self.value == NOT_APPLICABLE or self.value == [NOT_APPLICABLE])

    def as_answered(self) -> Evidence:
        """The agency's own answer, before any reviewer's change."""
        return Evidence(self.question, self.value, self.own_level) if self.adjusted or self.validated else self


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
    def validated_share(self) -> float:
        """The share of the scored answers that a reviewer validated."""
        return sum(1 for e in self.evidence if e.level is not None and e.validated) / self.scored if self.scored else 0.0

    @property
    def self_assessed(self) -> Score:
        """The same questions as the agency answered them, before validation."""
        return Score(self.target, tuple(e.as_answered() for e in self.evidence))

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


def _evidence(questions: Iterable[Question], answers: Mapping[str, Any], validated: bool,
              levels: Mapping[str, int]) -> tuple[Evidence, ...]:
    found = []
    for q in questions:
        if not q.scored:
            continue
        own = answer_level(q, answers.get(q.id))
        checked = levels.get(q.id)
        if checked is not None and checked != own:
            found.append(Evidence(q, answers.get(q.id), checked, validated, True, own))
        else:
            found.append(Evidence(q, answers.get(q.id), own, validated))
    return tuple(found)


def score(questionnaire: Questionnaire, answers: Mapping[str, Any], validated: Validated = NOT_VALIDATED) -> Scores:
    """The scores of these answers; with `validated`, a reviewer's level replaces the agency's."""
    target = questionnaire.target_level
    sections: dict[str, Score] = {}
    by_topic: dict[str, list[Evidence]] = {}
    everything: list[Evidence] = []
    for section in questionnaire.applicable_sections(answers):
        evidence = _evidence(section.visible_questions(answers), answers, section.id in validated.sections,
                             validated.levels)
        if not evidence:
            continue
        sections[section.id] = Score(target, evidence)
        everything.extend(evidence)
        for item in evidence:
            by_topic.setdefault(item.question.topic or "", []).append(item)
    topics = {topic: Score(target, tuple(items)) for topic, items in by_topic.items()}
    return Scores(target, topics, sections, Score(target, tuple(everything)))
