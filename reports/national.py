"""The national report: one country's agencies together.

It shows which agencies took part and which kinds are missing, each agency's level by section,
the gaps that several agencies share, where agencies answer a fact about the country
differently, and one national training plan in which a part needed by several agencies is
joint training.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from questionnaires import Questionnaire, tr
from questionnaires.answers import is_empty
from questionnaires.model import DONT_KNOW

from questionnaires.scoring import NOT_VALIDATED, Validated

from .build import answer_text
from .analysis import AdjustmentSpec, analyse
from .catalogue import AUDIENCE_LABELS, Catalogue
from .i18n import Translator, country_names
from .recommend import PRIORITY_ORDER

# An estimate of people to train: one course of this many for every STAFF_PER_COURSE staff of
# each agency that needs the part (never more than its staff). Stated in the report.
COURSE_SIZE = 25
STAFF_PER_COURSE = 500
# Cooperation gaps that the Framework for Action's cooperation table addresses.
COOPERATION_TABLE = ("framework-for-action", "table-cooperation")
ASSESSMENT_GUIDE = ("assessment-guide", "comprehensive-assessment")


@dataclass(frozen=True)
class AgencyInput:
    name: str
    agency_type: str
    reference: str
    date: dt.date
    answers: Mapping[str, Any]
    # The reviewer's changes to this assessment's recommendations: the plan follows them.
    adjustments: tuple[AdjustmentSpec, ...] = ()
    # Checked by a reviewer (reviewed or published); a report that includes one that is not says so.
    reviewed: bool = True
    # What a reviewer validated, which counts in the levels; and whether every section was.
    validated_levels: Validated = NOT_VALIDATED
    validated: bool = False


@dataclass(frozen=True)
class AgencyRow:
    name: str
    agency_type: str
    reference: str
    date: dt.date
    coverage: float
    levels: tuple[float | None, ...]  # by section; None: not enough information
    asked: tuple[bool, ...]  # by section: whether the section is in the agency's mandate
    reviewed: bool = True
    validated: bool = False  # every section validated by UNODC technical-assistance staff


@dataclass(frozen=True)
class SharedGap:
    topic_id: str
    topic: str
    section: str
    agencies: tuple[tuple[str, float], ...]  # (agency, level)


@dataclass(frozen=True)
class Disagreement:
    question: str
    answers: tuple[tuple[str, str], ...]  # (agency, answer as read)


@dataclass(frozen=True)
class PlanRow:
    resource: str
    part: str
    agencies: tuple[str, ...]
    audiences: tuple[str, ...]
    people: int | None  # None when no agency gave its staff size
    joint: bool
    priority: str


@dataclass(frozen=True)
class NationalAdvice:
    resource: str
    part: str
    reason: str


@dataclass(frozen=True)
class NationalReport:
    country: str
    language: str
    direction: str
    date: dt.date
    reference: str
    status: str
    sections: tuple[str, ...]
    agencies: tuple[AgencyRow, ...]
    missing_types: tuple[str, ...]
    shared_gaps: tuple[SharedGap, ...]
    disagreements: tuple[Disagreement, ...]
    plan: tuple[PlanRow, ...]
    advice: tuple[NationalAdvice, ...]
    levels: dict[int, str] = field(default_factory=dict)
    unreviewed: int = 0  # assessments included that no reviewer has checked yet


def _people(staff: Any) -> int | None:
    if not isinstance(staff, int) or staff <= 0:
        return None
    return min(staff, COURSE_SIZE * math.ceil(staff / STAFF_PER_COURSE))


def build_national(
    questionnaire: Questionnaire, catalogue: Catalogue, country: str, agencies: list[AgencyInput], lang: str,
    reference: str = "", status: str = "", date: dt.date | None = None,
) -> NationalReport:
    t = Translator(lang)
    lang = t.lang
    types = {o.id: tr(o.label, lang) for o in questionnaire.agency_types()}
    sections = list(questionnaire.sections)
    rows: list[AgencyRow] = []
    # topic -> (agency, level, the sections its answers on the topic came from, the sections it was asked)
    gaps_by_topic: dict[str, list[tuple[str, float, set[str], set[str]]]] = {}
    question_section = {q.id: s.id for s in sections for q in s.questions}
    plan: dict[tuple[str, str], dict[str, Any]] = {}
    for agency in agencies:
        analysis = analyse(questionnaire, catalogue, agency.answers, agency.adjustments, agency.validated_levels)
        scores = analysis.scores
        mandate = {s.id for s in questionnaire.applicable_sections(agency.answers)}
        overall = scores.overall
        rows.append(AgencyRow(
            agency.name, types.get(agency.agency_type, agency.agency_type), agency.reference, agency.date,
            overall.coverage if overall else 0.0,
            tuple(scores.sections[s.id].shown_level if s.id in scores.sections else None for s in sections),
            tuple(s.id in mandate for s in sections), agency.reviewed, agency.validated,
        ))
        for gap in analysis.gaps:
            if gap.score.shown_level is not None:
                where = {question_section[e.question.id] for e in gap.score.evidence if e.level is not None}
                gaps_by_topic.setdefault(gap.topic.id, []).append((agency.name, gap.score.shown_level, where, mandate))
        for planned in analysis.recommendations:
            entry = plan.setdefault(planned.key, {"agencies": [], "audiences": set(), "people": [], "priority": "low"})
            entry["agencies"].append(agency.name)
            entry["audiences"].update(planned.recommendation.part.audiences)
            entry["people"].append(_people(agency.answers.get("staff_size")))
            if PRIORITY_ORDER[planned.priority] < PRIORITY_ORDER[entry["priority"]]:
                entry["priority"] = planned.priority
    section_titles = {s.id: tr(s.title, lang) for s in sections}

    def filed_under(entries: list[tuple[str, float, set[str], set[str]]]) -> str:
        """The sections the agencies' answers on the topic came from, kept only where every one
        of them was asked: a gap is never filed under a section marked "not asked"."""
        answered = set().union(*(where for _n, _l, where, _m in entries))
        return t.semicolon.join(section_titles[s.id] for s in sections
                                if s.id in answered and all(s.id in asked for _n, _l, _w, asked in entries))

    shared = tuple(sorted(
        (SharedGap(tid, tr(questionnaire.topic(tid).title, lang), filed_under(entries),
                   tuple((name, level) for name, level, _w, _m in entries))
         for tid, entries in gaps_by_topic.items() if len(entries) >= 2),
        key=lambda g: (-len(g.agencies), g.topic),
    ))
    disagreements = []
    asked = {a.name: {q.id for q in questionnaire.visible_questions(a.answers)} for a in agencies}
    for question in questionnaire.all_questions():
        if not question.national:
            continue
        given = [(a.name, a.answers[question.id]) for a in agencies
                 if question.id in asked[a.name] and not is_empty(a.answers.get(question.id))
                 and a.answers.get(question.id) not in (DONT_KNOW, [DONT_KNOW])]
        if len({repr(v) for _n, v in given}) > 1:
            disagreements.append(Disagreement(tr(question.text, lang), tuple((n, answer_text(question, v, lang)) for n, v in given)))
    plan_rows = []
    for (resource_id, part_id), entry in sorted(plan.items(), key=lambda kv: (PRIORITY_ORDER[kv[1]["priority"]], -len(kv[1]["agencies"]), kv[0])):
        resource, part = catalogue.part(resource_id, part_id)  # from the catalogue just now: always there
        people = [p for p in entry["people"] if p is not None]
        plan_rows.append(PlanRow(
            tr(resource.title, lang), tr(part.title, lang), tuple(entry["agencies"]),
            tuple(tr(AUDIENCE_LABELS[a], lang) for a in sorted(entry["audiences"]) if a in AUDIENCE_LABELS),
            sum(people) if people else None, len(entry["agencies"]) >= 2, entry["priority"],
        ))
    present = {a.agency_type for a in agencies}
    missing = tuple(label for type_id, label in types.items() if type_id not in present)
    return NationalReport(
        country=country_names(lang).get(country, country), language=lang, direction=t.direction, date=date or dt.date.today(),
        reference=reference, status=status, sections=tuple(section_titles[s.id] for s in sections), agencies=tuple(rows),
        missing_types=missing, shared_gaps=shared, disagreements=tuple(disagreements), plan=tuple(plan_rows),
        advice=_advice(catalogue, shared, missing, t), levels={k: tr(v, lang) for k, v in questionnaire.levels.items()},
        unreviewed=sum(1 for a in agencies if not a.reviewed),
    )


def _advice(catalogue: Catalogue, shared: tuple[SharedGap, ...], missing: tuple[str, ...], t: Translator) -> tuple[NationalAdvice, ...]:
    """The Assessment Guide and the Framework for Action's cooperation table, when the shared
    gaps call for them."""
    ngettext = t.plural
    advice = []
    sections_hit = {g.section for g in shared}
    guide = catalogue.find_part(*ASSESSMENT_GUIDE)
    if guide is not None and (len(sections_hit) >= 3 or (shared and missing)):
        resource, part = guide
        # "to conduct comprehensive assessments of domestic systems, to identify areas of technical
        # assistance" (source document).
        said = [ngettext("Several agencies share gaps in %(num)s section.", "Several agencies share gaps in %(num)s sections.", len(sections_hit))]
        if missing:
            said.append(ngettext("%(num)s agency type did not take part.", "%(num)s agency types did not take part.", len(missing)))
        said.append(t("The guide assesses the whole national response, legislative, investigative, prosecutorial, judicial and administrative."))
        reason = " ".join(said)
        advice.append(NationalAdvice(tr(resource.title, t.lang), tr(part.title, t.lang), reason))
    table = catalogue.find_part(*COOPERATION_TABLE)
    cooperation = [g for g in shared if table is not None and g.topic_id in table[1].addressed]
    if table is not None and cooperation:
        resource, part = table
        names = sorted({name for g in cooperation for name, _ in g.agencies})
        # "Four tables: ... cooperation (and coordination). Purpose: identify and address gaps in
        # the response" (DOMAIN.md).
        reason = ngettext("%(num)s agency has a gap in cooperation or coordination (%(topics)s).",
                          "%(num)s agencies share a gap in cooperation or coordination (%(topics)s).",
                          len(names), topics=", ".join(g.topic for g in cooperation)) + " " + t(
            "This table helps identify and address such gaps in the national response, and the agencies can work through it together.")
        advice.append(NationalAdvice(tr(resource.title, t.lang), tr(part.title, t.lang), reason))
    return tuple(advice)
