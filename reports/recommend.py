"""Gaps + catalogue + agency profile -> a short, ranked list of resource parts, with reasons.

The rule, in words a technical-assistance officer can check by hand (the README says the same):

- A topic is a gap when at least half of its questions were scored and its level is below the
  target. A topic with fewer answers shows "not enough information" and is not a gap.
- A topic is core when the questionnaire names it as core to the agency's mandate (`core_for`,
  `core_if`).
- High priority: a core topic whose gap is 1.5 or more (level 1.5 or less, with target 3).
- Medium: a core topic whose gap is 0.5 or more, or any other topic whose gap is 1.5 or more.
- Low: every other gap.
- So a gap in a topic that is not core never outranks a core gap of the same size, and the
  list is ordered by priority, then core before other, then the larger gap first.
- Gaps are taken in that order. Each needs one part that addresses it; when there are at most
  8 high-priority gaps, each of those needs two. Parts already kept for an earlier gap count, so one part that closes
  several gaps saves another. The best-fitting parts fill what is missing. A part kept for
  several gaps appears once, with every reason, at the highest priority among them.
- When fewer than half of all questions were scored, the answers cannot show where the gaps
  are: the catalogue's foundations (a comprehensive assessment and the basics) come first, at
  high priority, and a gap found from those few answers is at most medium.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from questionnaires.model import Questionnaire, Topic
from questionnaires.scoring import MIN_COVERAGE, Evidence, Score, Scores

from .catalogue import Catalogue, Foundation, Part, Resource

Priority = Literal["high", "medium", "low"]
PRIORITY_ORDER: dict[str, int] = {"high": 0, "medium": 1, "low": 2}

HIGH_GAP = 1.5
MEDIUM_CORE_GAP = 0.5
MEDIUM_OTHER_GAP = 1.5
PARTS_PER_GAP = 1
# With few high-priority gaps each gets a second part, so the officer has a choice; with many,
# one part each keeps the plan one an agency can carry out.
PARTS_PER_HIGH_GAP = 2
FEW_HIGH_GAPS = 8


def priority_for(gap: float, core: bool) -> Priority:
    if core and gap >= HIGH_GAP:
        return "high"
    if (core and gap >= MEDIUM_CORE_GAP) or gap >= MEDIUM_OTHER_GAP:
        return "medium"
    return "low"


@dataclass(frozen=True)
class TopicGap:
    topic: Topic
    score: Score
    core: bool
    # Set when fewer than half of all questions were scored: the gap rests on few answers.
    thin: bool = False

    @property
    def gap(self) -> float:
        return self.score.gap or 0.0

    @property
    def priority(self) -> Priority:
        priority = priority_for(self.gap, self.core)
        return "medium" if self.thin and priority == "high" else priority

    def rank_key(self) -> tuple[int, int, float]:
        return (PRIORITY_ORDER[self.priority], 0 if self.core else 1, -self.gap)

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
    # Set when the part is recommended because too few answers were scored.
    foundation: Foundation | None = None

    @property
    def priority(self) -> Priority:
        if self.foundation is not None:
            return "high"
        if not self.gaps:
            return "medium"
        return min((g.priority for g in self.gaps), key=PRIORITY_ORDER.__getitem__)

    @property
    def core(self) -> bool:
        return any(g.core for g in self.gaps)

    @property
    def largest_gap(self) -> float:
        return max((g.gap for g in self.gaps), default=0.0)


def find_gaps(questionnaire: Questionnaire, scores: Scores, answers: Mapping[str, Any]) -> list[TopicGap]:
    """Topics with enough evidence and a level below the target, the most urgent first."""
    gaps = []
    thin = low_evidence(scores)
    for topic in questionnaire.topics:
        score = scores.topics.get(topic.id)
        if score is None or not score.enough or not score.gap:
            continue
        gaps.append(TopicGap(topic, score, topic.is_core(answers), thin))
    return sorted(gaps, key=lambda g: (*g.rank_key(), g.topic.id))


def low_evidence(scores: Scores) -> bool:
    """Fewer than half of all the questions asked were scored."""
    overall = scores.overall
    return overall is None or overall.coverage < MIN_COVERAGE


def _fit(resource: Resource, part: Part, gap: TopicGap, all_gaps: dict[str, TopicGap], agency_type: str | None) -> float:
    """How well a part answers one gap for this agency. Higher is better.

    Resources written for this kind of agency come first, and among them the more specialized
    ones (a Model Law for a drafting unit before a toolkit for everyone); then parts whose main
    topic is this gap, that close other gaps too, and that are focused. A paid book comes after
    free resources."""
    serves = agency_type in resource.agency_types
    specialized = 1.0 / len(resource.agency_types) if serves and resource.agency_types else 0.0
    main_topic = 1.0 if part.topics and part.topics[0] == gap.topic.id else 0.0
    also_closes = sum(all_gaps[t].gap for t in part.topics if t in all_gaps and t != gap.topic.id)
    focus = 1.0 / len(part.topics)
    paid = 0.5 if resource.availability == "book" else 0.0
    return (2.0 if serves else 0.0) + specialized + main_topic + 0.5 * also_closes + focus - paid


def recommend(
    catalogue: Catalogue, gaps: Sequence[TopicGap], agency_type: str | None, foundations_first: bool
) -> list[Recommendation]:
    """The parts that close these gaps (from `find_gaps`, most urgent first), for this kind of
    agency. With `foundations_first` (too few answers scored) the catalogue's foundations lead."""
    by_topic = {g.topic.id: g for g in gaps}
    order = {(r.id, p.id): i for i, (r, p) in enumerate(catalogue.parts())}
    chosen: dict[tuple[str, str], tuple[Resource, Part]] = {}
    few_high = sum(1 for g in gaps if g.priority == "high") <= FEW_HIGH_GAPS
    for gap in gaps:
        # Parts kept for earlier, more urgent gaps may close this one already.
        keep = PARTS_PER_HIGH_GAP if gap.priority == "high" and few_high else PARTS_PER_GAP
        keep -= sum(1 for _, part in chosen.values() if gap.topic.id in part.topics)
        if keep <= 0:
            continue
        candidates = [(r, p) for r, p in catalogue.parts() if gap.topic.id in p.topics and (r.id, p.id) not in chosen]
        candidates.sort(key=lambda rp: (-_fit(rp[0], rp[1], gap, by_topic, agency_type), order[(rp[0].id, rp[1].id)]))
        for resource, part in candidates[:keep]:
            chosen[(resource.id, part.id)] = (resource, part)
    foundations = {(f.resource, f.part): f for f in catalogue.foundations} if foundations_first else {}
    for key in foundations:
        chosen.setdefault(key, catalogue.part(*key))
    recommendations = [
        Recommendation(resource, part, tuple(by_topic[t] for t in part.topics if t in by_topic),
                       foundations.get((resource.id, part.id)))
        for resource, part in chosen.values()
    ]
    # Foundations come first, in the catalogue's order: the comprehensive assessment, then the basics.
    first = {key: i for i, key in enumerate(foundations)}
    recommendations.sort(key=lambda r: (
        PRIORITY_ORDER[r.priority], first.get((r.resource.id, r.part.id), len(first)), 0 if r.core else 1,
        -r.largest_gap, -len(r.gaps), order[(r.resource.id, r.part.id)],
    ))
    return recommendations
