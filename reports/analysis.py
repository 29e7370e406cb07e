"""The one analysis of an assessment: scores, then gaps, then the recommended parts, then the
reviewer's changes to them.

Every reader of an assessment (its report, the change since an earlier one, the national
report, what is published for donors) takes its figures from `analyse`, so that no two of them
can disagree about what was recommended.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from questionnaires.model import Questionnaire
from questionnaires.scoring import NOT_VALIDATED, Scores, Validated, score

from .catalogue import Catalogue
from .recommend import PRIORITY_ORDER, Priority, Recommendation, TopicGap, find_gaps, low_evidence, recommend

Action = Literal["add", "remove", "priority"]
ACTIONS: tuple[str, ...] = Action.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class AdjustmentSpec:
    """A reviewer's change: add, remove or re-prioritize one part, with the reason."""

    resource_id: str
    part_id: str
    action: str  # one of ACTIONS
    reason: str
    priority: str | None = None


@dataclass(frozen=True)
class Planned:
    """A recommended part as the report lists it: the engine's recommendation, with the
    priority and the reason a reviewer gave when they added it or changed its priority."""

    recommendation: Recommendation
    priority: Priority
    adjusted_reason: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.recommendation.resource.id, self.recommendation.part.id

    @property
    def adjusted(self) -> bool:
        return self.adjusted_reason is not None


@dataclass(frozen=True)
class Analysis:
    scores: Scores
    # Topics below the target with enough answers, the most urgent first.
    gaps: tuple[TopicGap, ...]
    # The engine's list, before any reviewer's change.
    computed: tuple[Recommendation, ...]
    # The list every report shows: the engine's, with the reviewer's changes.
    recommendations: tuple[Planned, ...]

    @property
    def low_evidence(self) -> bool:
        return low_evidence(self.scores)

    @property
    def gap_topics(self) -> set[str]:
        return {g.topic.id for g in self.gaps}

    @property
    def measured_topics(self) -> set[str]:
        """Topics with enough answers to have a level."""
        return {tid for tid, sc in self.scores.topics.items() if sc.enough}


def analyse(
    questionnaire: Questionnaire, catalogue: Catalogue, answers: Mapping[str, Any],
    adjustments: Iterable[AdjustmentSpec] = (), validated: Validated = NOT_VALIDATED,
) -> Analysis:
    """`validated`: the sections a reviewer validated and the levels they gave; those levels count."""
    scores = score(questionnaire, answers, validated)
    gaps = find_gaps(questionnaire, scores, answers)
    computed = recommend(catalogue, gaps, questionnaire.functions_of(answers), low_evidence(scores))
    return Analysis(scores, tuple(gaps), tuple(computed), tuple(apply_adjustments(computed, adjustments, catalogue)))


def apply_adjustments(
    recs: Iterable[Recommendation], adjustments: Iterable[AdjustmentSpec], catalogue: Catalogue
) -> list[Planned]:
    """The computed list with a reviewer's changes, by priority. The latest change to a part
    wins. A change to a part the catalogue no longer has is left out: it cannot be shown."""
    final: dict[tuple[str, str], Planned] = {(r.resource.id, r.part.id): Planned(r, r.priority) for r in recs}
    for adj in adjustments:
        key = (adj.resource_id, adj.part_id)
        if adj.action == "remove":
            final.pop(key, None)
        elif adj.action in ("add", "priority"):
            found = catalogue.find_part(adj.resource_id, adj.part_id)
            if found is None:
                continue
            rec = final[key].recommendation if key in final else Recommendation(*found, ())
            priority = adj.priority if adj.priority in PRIORITY_ORDER else rec.priority
            final[key] = Planned(rec, priority, adj.reason)  # type: ignore[arg-type]
    return sorted(final.values(), key=lambda planned: PRIORITY_ORDER[planned.priority])
