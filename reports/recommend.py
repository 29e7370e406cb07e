"""Gaps + catalogue + agency profile -> a short, ranked list of resource parts, with reasons.

For each topic that falls short of the target, the parts that address it are ranked and the best
one (two for a large gap) is kept. A part chosen for several topics appears once, with every
reason. An agency with few gaps therefore gets a short list; one with none gets nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from questionnaires.model import Questionnaire, Topic
from questionnaires.scoring import Evidence, Score, Scores

from .catalogue import Catalogue, Part, Resource

Priority = Literal["high", "medium", "low"]
PRIORITY_ORDER: dict[str, int] = {"high": 0, "medium": 1, "low": 2}

# A topic central to this kind of agency weighs fully; any other topic weighs less.
CORE_RELEVANCE = 1.0
OTHER_RELEVANCE = 0.6
HIGH_SEVERITY = 2.0
MEDIUM_SEVERITY = 1.0
PARTS_PER_LARGE_GAP = 2
PARTS_PER_GAP = 1


@dataclass(frozen=True)
class TopicGap:
    topic: Topic
    score: Score
    relevance: float

    @property
    def severity(self) -> float:
        return round((self.score.gap or 0.0) * self.relevance, 2)

    @property
    def core(self) -> bool:
        return self.relevance == CORE_RELEVANCE

    def shortfalls(self) -> tuple[Evidence, ...]:
        """The answers that pulled this topic below the target."""
        return tuple(
            e for e in self.score.evidence if e.level is not None and e.level < self.score.target
        )


@dataclass(frozen=True)
class Recommendation:
    resource: Resource
    part: Part
    gaps: tuple[TopicGap, ...]

    @property
    def severity(self) -> float:
        return max(g.severity for g in self.gaps)

    @property
    def priority(self) -> Priority:
        return priority_for(self.severity)


def priority_for(severity: float) -> Priority:
    if severity >= HIGH_SEVERITY:
        return "high"
    if severity >= MEDIUM_SEVERITY:
        return "medium"
    return "low"


def find_gaps(questionnaire: Questionnaire, scores: Scores, agency_type: str | None) -> list[TopicGap]:
    """Topics with a level below the target, the most severe first."""
    gaps = []
    for topic in questionnaire.topics:
        score = scores.topics.get(topic.id)
        if score is None or not score.gap:
            continue
        relevance = CORE_RELEVANCE if agency_type in topic.core_for else OTHER_RELEVANCE
        gaps.append(TopicGap(topic, score, relevance))
    return sorted(gaps, key=lambda g: (-g.severity, g.topic.id))


def _fit(resource: Resource, part: Part, gap: TopicGap, all_gaps: dict[str, TopicGap], agency_type: str | None) -> float:
    """How well a part answers one gap for this agency. Higher is better."""
    serves_agency = 2.0 if agency_type in resource.agency_types else 0.0
    main_topic = 1.5 if part.topics[0] == gap.topic.id else 0.0
    also_closes = sum(all_gaps[t].severity for t in part.topics if t in all_gaps and t != gap.topic.id)
    focus = 1.0 / len(part.topics)
    return serves_agency + main_topic + 0.25 * also_closes + focus


def recommend(
    questionnaire: Questionnaire, catalogue: Catalogue, scores: Scores, agency_type: str | None
) -> list[Recommendation]:
    gaps = find_gaps(questionnaire, scores, agency_type)
    by_topic = {g.topic.id: g for g in gaps}
    order = {(r.id, p.id): i for i, (r, p) in enumerate(catalogue.parts())}
    chosen: dict[tuple[str, str], tuple[Resource, Part]] = {}
    for gap in gaps:
        candidates = [(r, p) for r, p in catalogue.parts() if gap.topic.id in p.topics]
        candidates.sort(key=lambda rp: (-_fit(rp[0], rp[1], gap, by_topic, agency_type), order[(rp[0].id, rp[1].id)]))
        keep = PARTS_PER_LARGE_GAP if gap.severity >= HIGH_SEVERITY else PARTS_PER_GAP
        for resource, part in candidates[:keep]:
            chosen.setdefault((resource.id, part.id), (resource, part))
    recommendations = [
        Recommendation(resource, part, tuple(by_topic[t] for t in part.topics if t in by_topic))
        for resource, part in chosen.values()
    ]
    recommendations.sort(
        key=lambda r: (PRIORITY_ORDER[r.priority], -r.severity, -len(r.gaps), order[(r.resource.id, r.part.id)])
    )
    return recommendations
