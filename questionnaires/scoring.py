"""Answers -> capacity level, coverage and gap, per topic and per section.

A question counts when it is shown (its section applies and its condition holds) and it
measures a topic. "Don't know", "Not applicable" and unanswered questions give no level: they
are left out of the mean and lower the coverage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from statistics import fmean
from typing import Any

from .model import Question, Questionnaire


def answer_level(question: Question, value: Any) -> int | None:
    """The capacity level an answer shows, or None when it shows none."""
    if not question.scored or value in (None, "", []):
        return None
    if question.type == "multiple":
        levels = [question.choice(v).level for v in value if question.choice(v) is not None]
        known = [lvl for lvl in levels if lvl is not None]
        return max(known) if known else None
    option = question.choice(value)
    return option.level if option is not None else None


@dataclass(frozen=True)
class Evidence:
    """One scored question as answered: the reason behind a score."""

    question: Question
    value: Any
    level: int | None


@dataclass(frozen=True)
class Score:
    target: float
    evidence: tuple[Evidence, ...] = ()

    @property
    def asked(self) -> int:
        return len(self.evidence)

    @property
    def scored(self) -> int:
        return sum(1 for e in self.evidence if e.level is not None)

    @property
    def level(self) -> float | None:
        levels = [e.level for e in self.evidence if e.level is not None]
        return round(fmean(levels), 2) if levels else None

    @property
    def coverage(self) -> float:
        return self.scored / self.asked if self.asked else 0.0

    @property
    def gap(self) -> float | None:
        """How far the level falls short of the target; 0 when it reaches it."""
        level = self.level
        return None if level is None else round(max(0.0, self.target - level), 2)


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
