"""The change since an agency's earlier assessment: levels then and now, the recommendations
closed, still open and new, and the training delivered in between.

A change smaller than CLEAR_CHANGE, or between levels that rest on too few answers, is not
called progress: it is labelled as within rounding, or as not comparable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from questionnaires import Questionnaire, tr
from questionnaires.scoring import round_half_up

from .analysis import AdjustmentSpec, Analysis, analyse
from .catalogue import AUDIENCE_LABELS, Catalogue, part_label
from .i18n import Translator
from .recommend import Recommendation

# Levels are means of whole levels, rounded to one decimal: one answer a level higher in a
# section of four questions moves it by 0.25. Less than half a level is not a clear change.
CLEAR_CHANGE = 0.5

Kind = Literal["up", "down", "none", "rounding", "not-comparable"]


@dataclass(frozen=True)
class TrainingDone:
    """Training delivered to the agency between the two assessments."""

    resource_id: str
    part_id: str
    starts_on: dt.date
    ends_on: dt.date
    participants: int
    audience: str


@dataclass(frozen=True)
class Earlier:
    """The earlier assessment to compare with."""

    answers: Mapping[str, Any]
    date: dt.date
    reference: str
    training: tuple[TrainingDone, ...] = ()
    # The reviewer's changes to its recommendations, as its report listed them.
    adjustments: tuple[AdjustmentSpec, ...] = ()


@dataclass(frozen=True)
class SectionChange:
    id: str
    title: str
    before: float | None  # None: not enough information then
    after: float | None
    before_coverage: float
    after_coverage: float
    change: float | None
    kind: Kind
    label: str
    training: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    since: dt.date
    reference: str
    sections: tuple[SectionChange, ...]
    closed: tuple[str, ...]  # "Resource: part", recommended then, its gaps now closed
    still_open: tuple[str, ...]
    new: tuple[str, ...]
    training_count: int
    # Training whose part measures no section (or that the catalogue no longer has).
    other_training: tuple[str, ...] = ()

    @property
    def levels(self) -> dict[str, float | None]:
        """Section id -> the earlier level, for the chart."""
        return {s.id: s.before for s in self.sections}


def _kind(before: float | None, after: float | None, enough_before: bool, enough_after: bool) -> tuple[Kind, float | None]:
    if before is None or after is None or not (enough_before and enough_after):
        return "not-comparable", None
    change = round_half_up(after - before)
    if change == 0:
        return "none", change
    if abs(change) < CLEAR_CHANGE:
        return "rounding", change
    return ("up" if change > 0 else "down"), change


def _label(kind: Kind, change: float | None, t: Translator) -> str:
    if kind == "not-comparable":
        return t("Not comparable: too few answers scored in one of the two assessments")
    if kind == "none":
        return t("No change")
    assert change is not None
    signed = ("+" if change > 0 else "−") + t.number(abs(change), 1)
    if kind == "rounding":
        return t("%(change)s: within rounding, not a clear change", change=signed)
    return t("%(change)s: higher", change=signed) if kind == "up" else t("%(change)s: lower", change=signed)


def _rec_title(rec: Recommendation, lang: str) -> str:
    return part_label(rec.resource, rec.part, lang)


def _topic_sections(questionnaire: Questionnaire) -> dict[str, str]:
    return {q.topic: s.id for s in questionnaire.sections for q in s.questions if q.topic}


def compare(questionnaire: Questionnaire, catalogue: Catalogue, earlier: Earlier, now: Analysis, lang: str) -> Change:
    """`now` is the analysis of the report being read; the earlier assessment is analysed the
    same way, with its own reviewer's changes, so both lists are the ones the reports show."""
    t = Translator(lang)
    before_analysis = analyse(questionnaire, catalogue, earlier.answers, earlier.adjustments)
    then = before_analysis.scores
    sections = []
    topic_section = _topic_sections(questionnaire)
    training_by_section: dict[str, list[str]] = {}
    other_training: list[str] = []  # its part measures no section, or is no longer in the catalogue
    for done in sorted(earlier.training, key=lambda d: d.starts_on):
        found = catalogue.find_part(done.resource_id, done.part_id)
        text = t("%(part)s, %(start)s to %(end)s, %(count)s participants (%(audience)s)",
                 part=catalogue.part_title(done.resource_id, done.part_id, lang), start=t.date(done.starts_on),
                 end=t.date(done.ends_on), count=t.number(done.participants),
                 audience=tr(AUDIENCE_LABELS[done.audience], lang) if done.audience in AUDIENCE_LABELS else done.audience)
        placed = sorted({topic_section[x] for x in (found[1].addressed if found else ()) if x in topic_section})
        for section_id in placed:
            training_by_section.setdefault(section_id, []).append(text)
        if not placed:
            other_training.append(text)
    for section in questionnaire.sections:
        before, after = then.sections.get(section.id), now.scores.sections.get(section.id)
        if before is None and after is None:
            continue
        kind, change = _kind(before.shown_level if before else None, after.shown_level if after else None,
                             bool(before and before.enough), bool(after and after.enough))
        sections.append(SectionChange(
            section.id, tr(section.title, lang), before.shown_level if before else None, after.shown_level if after else None,
            before.coverage if before else 0.0, after.coverage if after else 0.0, change, kind, _label(kind, change, t),
            tuple(training_by_section.get(section.id, ())),
        ))
    gaps_then, gaps_now, measured_now = before_analysis.gap_topics, now.gap_topics, now.measured_topics
    recs_then = [p.recommendation for p in before_analysis.recommendations]
    recs_now = [p.recommendation for p in now.recommendations]
    closed = tuple(
        _rec_title(r, lang) for r in recs_then
        if r.gaps and all(g.topic.id in measured_now and g.topic.id not in gaps_now for g in r.gaps)
    )
    still_open = tuple(_rec_title(r, lang) for r in recs_now if any(g.topic.id in gaps_then for g in r.gaps))
    new = tuple(_rec_title(r, lang) for r in recs_now if r.gaps and not any(g.topic.id in gaps_then for g in r.gaps))
    return Change(earlier.date, earlier.reference, tuple(sections), closed, still_open, new, len(earlier.training),
                  tuple(other_training))
