"""Gaps + catalogue + the agency's functions -> a short, ranked list of resource parts, with reasons.

The rule, in words a technical-assistance officer can check by hand (the README says the same,
and `tna explain` prints what it gives for every kind of agency and topic):

- A topic is a gap when at least half of its questions were scored and its level is below the
  target. A topic with fewer answers shows "not enough information" and is not a gap.
- A topic is core when the questionnaire names it as core to the agency's mandate (`core_for`,
  `core_if`).
- High priority: a core topic whose gap is 1.5 or more (level 1.5 or less, with target 3).
- Medium: a core topic whose gap is 0.5 or more, or any other topic whose gap is 1.5 or more.
- Low: every other gap.
- Gaps are taken most urgent first. Each gets the part that fits it best for this agency:
  1. a part about the gap (the gap is one of its `topics`), before one that only touches it;
  2. a part that serves one of the agency's functions (border control, investigation, ...);
  3. a free resource before a book;
  4. the specialized before the general: the part written for the fewest functions this agency
     does not have, then for the fewest functions in all;
  5. ties: the part that also closes more of the other gaps, then the catalogue's order.
- A gap is covered only by a part chosen for it, or by a part already kept that is about it.
- A low-priority gap whose best part serves none of the agency's functions gets no part: the
  findings still show it, but it does not lengthen the plan.
- A high-priority gap gets a second part only when that part serves one of the agency's
  functions and adds what the first lacks: the first serves none of them; or the first is not
  free online (restricted, on request, or a book) and the second, also about the gap, is. It is
  listed after the first.
- The list is ordered by priority, parts that serve the agency before those that do not, core
  before other, the larger gap first, then the part written most nearly for this agency (fewest
  functions it does not have), then the part that closes more gaps.
- A part that serves none of the agency's functions is at most medium priority, and the plan
  keeps at most six high-priority items: those after the sixth in that order are medium, each
  saying why.
- When fewer than half of all questions were scored, the answers cannot show where the gaps
  are: the catalogue's foundations (a comprehensive assessment and the basics) come first, at
  high priority, and a gap found from those few answers is at most medium.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from questionnaires.model import Questionnaire, Topic
from questionnaires.scoring import MIN_COVERAGE, Evidence, Score, Scores

from .catalogue import Catalogue, Foundation, Part, Resource

Priority = Literal["high", "medium", "low"]
PRIORITY_ORDER: dict[str, int] = {"high": 0, "medium": 1, "low": 2}

HIGH_GAP = 1.5
MEDIUM_CORE_GAP = 0.5
MEDIUM_OTHER_GAP = 1.5
# An expert keeps about six high-priority items: more cannot all come first.
MAX_HIGH = 6

# Which rule picked a part over the next best one, for `tna explain`.
Rule = Literal["main topic", "fit", "free", "specialization", "tie-break", "only part"]


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
    # False when the part serves none of the agency's functions: then it is at most medium.
    fits: bool = True
    # True when a high-priority item comes after the first MAX_HIGH: then it is medium.
    capped: bool = False
    # True when the part is only a high-priority gap's second part: it follows the first.
    second: bool = False
    # How many functions it serves that the agency does not have: among equally urgent parts,
    # the one written most nearly for this agency comes first.
    foreign: int = 0

    @property
    def gap_priority(self) -> Priority:
        """The priority of the most urgent gap the part closes."""
        if self.foundation is not None:
            return "high"
        if not self.gaps:
            return "medium"
        return min((g.priority for g in self.gaps), key=PRIORITY_ORDER.__getitem__)

    @property
    def priority(self) -> Priority:
        priority = self.gap_priority
        if priority == "high" and self.foundation is None and (self.capped or not self.fits):
            return "medium"
        return priority

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


@dataclass(frozen=True)
class Candidate:
    """A part that addresses a gap, with what decides how well it fits this agency."""

    resource: Resource
    part: Part
    main: bool  # the gap is one of the part's topics, not only one it touches
    fits: bool  # it serves one of the agency's functions
    foreign: int  # functions it serves that the agency does not have
    breadth: int  # functions it serves
    paid: bool
    also_closes: float  # the other gaps it addresses, summed
    order: int  # its place in the catalogue

    @property
    def key(self) -> tuple[str, str]:
        return self.resource.id, self.part.id

    def rank(self) -> tuple[bool, bool, bool, int, int, float, int]:
        return (not self.main, not self.fits, self.paid, self.foreign, self.breadth, -self.also_closes, self.order)


def serving(resource: Resource, part: Part, functions: frozenset[str]) -> tuple[bool, int]:
    """Whether the part serves one of these functions, and how many it serves beyond them."""
    serves = set(resource.serves(part))
    return bool(serves & functions), len(serves - functions)


def candidates(
    catalogue: Catalogue, topic_id: str, functions: frozenset[str], other_gaps: Mapping[str, float] | None = None,
) -> list[Candidate]:
    """Every part that addresses the topic, the best for this agency first."""
    other_gaps = other_gaps or {}
    found = []
    for order, (resource, part) in enumerate(catalogue.parts()):
        if topic_id not in part.addressed:
            continue
        fits, foreign = serving(resource, part, functions)
        found.append(Candidate(
            resource, part,
            main=topic_id in part.topics,
            fits=fits,
            foreign=foreign,
            breadth=len(resource.serves(part)),
            paid=resource.availability == "book",
            also_closes=sum(other_gaps.get(t, 0.0) for t in part.addressed if t != topic_id),
            order=order,
        ))
    return sorted(found, key=Candidate.rank)


def deciding_rule(best: Candidate, runner_up: Candidate | None) -> Rule:
    """The first rule on which the chosen part beats the next one."""
    if runner_up is None:
        return "only part"
    if best.main != runner_up.main:
        return "main topic"
    if best.fits != runner_up.fits:
        return "fit"
    if best.paid != runner_up.paid:
        return "free"
    if (best.foreign, best.breadth) != (runner_up.foreign, runner_up.breadth):
        return "specialization"
    return "tie-break"


def second_part(ranked: Sequence[Candidate], first: Candidate) -> Candidate | None:
    """For a high-priority gap: a part that serves the agency and adds what the first lacks."""
    for candidate in ranked:
        if candidate.key == first.key or not candidate.fits:
            continue
        if not first.fits:
            return candidate
        if candidate.main and first.resource.availability != "online" and candidate.resource.availability == "online":
            return candidate
    return None


def recommend(
    catalogue: Catalogue, gaps: Sequence[TopicGap], functions: frozenset[str], foundations_first: bool
) -> list[Recommendation]:
    """The parts that close these gaps (from `find_gaps`, most urgent first), for an agency with
    these functions. With `foundations_first` (too few answers scored) the catalogue's
    foundations lead."""
    by_topic = {g.topic.id: g for g in gaps}
    sizes = {tid: g.gap for tid, g in by_topic.items()}
    order = {(r.id, p.id): i for i, (r, p) in enumerate(catalogue.parts())}
    chosen: dict[tuple[str, str], tuple[Resource, Part]] = {}
    chosen_for: dict[tuple[str, str], list[str]] = {}
    firsts: set[tuple[str, str]] = set()

    def keep(candidate: Candidate, topic_id: str) -> None:
        chosen.setdefault(candidate.key, (candidate.resource, candidate.part))
        chosen_for.setdefault(candidate.key, []).append(topic_id)

    for gap in gaps:
        tid = gap.topic.id
        if any(tid in chosen_for[key] or tid in part.topics for key, (_, part) in chosen.items()):
            continue
        ranked = candidates(catalogue, tid, functions, sizes)
        if not ranked or (gap.priority == "low" and not ranked[0].fits):
            continue
        keep(ranked[0], tid)
        firsts.add(ranked[0].key)
        if gap.priority == "high":
            extra = second_part(ranked, ranked[0])
            if extra is not None:
                keep(extra, tid)
    foundations = {(f.resource, f.part): f for f in catalogue.foundations} if foundations_first else {}
    for key in foundations:
        chosen.setdefault(key, catalogue.part(*key))
    recommendations = []
    for key, (resource, part) in chosen.items():
        closes = [t for t in part.topics if t in by_topic] + [t for t in chosen_for.get(key, ()) if t not in part.topics]
        fits, foreign = serving(resource, part, functions)
        recommendations.append(Recommendation(
            resource, part, tuple(by_topic[t] for t in closes), foundations.get(key),
            fits=fits, second=key in chosen_for and key not in firsts, foreign=foreign,
        ))
    # Foundations come first, in the catalogue's order: the comprehensive assessment, then the basics.
    first = {key: i for i, key in enumerate(foundations)}

    def rank(r: Recommendation) -> tuple[int, int, bool, int, float, bool, int, int, int]:
        return (PRIORITY_ORDER[r.priority], first.get((r.resource.id, r.part.id), len(first)), not r.fits,
                0 if r.core else 1, -r.largest_gap, r.second, r.foreign, -len(r.gaps), order[(r.resource.id, r.part.id)])

    recommendations.sort(key=rank)
    high = 0
    for i, rec in enumerate(recommendations):
        if rec.priority == "high":
            high += 1
            if high > MAX_HIGH:
                recommendations[i] = replace(rec, capped=True)
    return sorted(recommendations, key=rank)
