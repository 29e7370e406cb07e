"""Everything -> one Report: plain data that both the HTML page and the PDF are drawn from."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from questionnaires import answer_types
from questionnaires.answers import is_empty
from questionnaires.model import Question, Questionnaire
from questionnaires.evidence import LABELS as EVIDENCE_LABELS
from questionnaires.scoring import NOT_VALIDATED, Evidence, Score, Scores, Validated
from questionnaires.text import tr

from .analysis import AdjustmentSpec, Planned, analyse
from .catalogue import AUDIENCE_LABELS, AUDIENCES, AVAILABILITY_LABELS, Catalogue, Resource, publisher_name
from .compare import Change, Earlier, compare
from .i18n import Translator
from .recommend import MAX_HIGH, PRIORITY_ORDER, Recommendation, TopicGap

SUMMARY_GAPS = 3
# "Actions to take first" lists as many items as the plan may hold at high priority.
SUMMARY_ACTIONS = MAX_HIGH


def priority_label(priority: str, t: Translator) -> str:
    return {"high": t("High"), "medium": t("Medium"), "low": t("Low")}[priority]


def priority_phrase(priority: str, t: Translator) -> str:
    """"High priority", as a whole phrase so that each language orders it its own way."""
    return {"high": t("High priority"), "medium": t("Medium priority"), "low": t("Low priority")}[priority]


def level_name(questionnaire: Questionnaire, level: float, lang: str) -> str:
    """The name of the level fully reached: 2.7 is "developing", since 3 is not reached yet. A level
    above 0 but below 1 is "below initial", never "none"."""
    reached = math.floor(level + 1e-9)
    if reached == 0 and level > 0:
        t = Translator(lang)
        return t("Below %(name)s", name=questionnaire.level_name(1, lang).lower())
    return questionnaire.level_name(reached, lang)


@dataclass(frozen=True)
class Meta:
    reference: str
    agency_name: str
    country: str
    agency_type: str
    agency_type_short: str
    agency_type_id: str
    respondent_role: str
    # The profile line's short forms: the type, the borders ("none" for none) and the work the
    # agency does beyond its type's (by the functions' names), or "".
    borders: str
    other_work: str
    staff_size: str
    date: dt.date
    status: str
    language: str
    questionnaire: str
    questionnaire_id: str
    questionnaire_version: int


@dataclass(frozen=True)
class Checks:
    """How the answers are known, and what a reviewer checked: the evidence the agency gave for
    each answer (question id -> (kind, note)), the sections validated and the levels a reviewer
    gave, with their reasons, and the day of the latest validation."""

    evidence: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)
    validated: Validated = NOT_VALIDATED
    reasons: Mapping[str, str] = field(default_factory=dict)
    on: dt.date | None = None


NO_CHECKS = Checks()


@dataclass(frozen=True)
class Line:
    """A question and the answer given, for reasons and for the annex."""

    question: str
    answer: str
    level: int | None = None
    question_id: str = ""
    value: Any = None
    # How the agency knows it: the kind's id and label, and its note on the evidence.
    evidence: str | None = None
    evidence_label: str = ""
    evidence_note: str | None = None
    # A reviewer's level for this answer, the agency's own, and the reviewer's reason.
    validated_level: int | None = None
    self_level: int | None = None
    validation_reason: str | None = None


@dataclass(frozen=True)
class TopicFinding:
    id: str
    title: str
    level: float | None  # None when there is not enough information
    coverage: float
    asked: int
    scored: int
    gap: float | None
    enough: bool
    core: bool
    not_applicable: bool = False  # every question answered "Not applicable"


@dataclass(frozen=True)
class SectionFinding:
    id: str
    title: str
    level: float | None  # None when there is not enough information
    level_name: str
    coverage: float
    asked: int
    scored: int
    gap: float | None
    enough: bool
    topics: tuple[TopicFinding, ...]
    shortfalls: tuple[Line, ...]
    not_applicable: bool = False  # every question answered "Not applicable": nothing to assess, nothing missing
    # The level of the agency's own answers (the same as `level` unless a reviewer changed one).
    self_level: float | None = None
    validated: bool = False  # a reviewer validated the section
    validated_share: float = 0.0  # of its scored answers


@dataclass(frozen=True)
class Reason:
    topic_id: str
    topic: str
    level: float | None
    target: float
    gap: float
    core: bool
    evidence: tuple[Line, ...]
    # The part whose reasons already list these answers; set instead of repeating them.
    answers_under: int | None = None


@dataclass(frozen=True)
class RecommendationView:
    rank: int
    anchor: str
    priority: str
    priority_label: str
    priority_phrase: str
    resource_id: str
    resource_title: str
    # True when the resource has no official title in the report's language.
    title_in_english: bool
    part_id: str
    part_title: str
    publisher: str
    year: int | None
    url: str
    availability: str
    audience_ids: tuple[str, ...]
    audiences: tuple[str, ...]
    reasons: tuple[Reason, ...]
    core: bool = False
    # Set when the part comes first because too few answers were scored.
    foundation_reason: str | None = None
    # Set when a person, not the engine, added this part or changed its priority.
    adjusted_reason: str | None = None
    # One line saying why, for the action summary.
    why: str = ""
    # Set when the gap is high priority but the part is not: why it is medium.
    priority_note: str | None = None

    @property
    def lists_answers(self) -> bool:
        """A high-priority part, or one a reviewer changed, lists the answers behind each reason;
        any other part says why in one line and points to the annex."""
        return bool(self.reasons) and (self.priority == "high" or bool(self.adjusted_reason))


@dataclass(frozen=True)
class ResourceCard:
    """One resource and the parts of it that are recommended, each with its reasons."""

    resource_id: str
    title: str
    title_in_english: bool
    publisher: str
    year: int | None
    url: str
    availability: str
    parts: tuple[RecommendationView, ...]
    priority: str  # of its most urgent part


@dataclass(frozen=True)
class PlanGroup:
    audience: str
    items: tuple[RecommendationView, ...]


@dataclass(frozen=True)
class AnnexSection:
    title: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Review:
    reviewer: str
    reviewed_on: dt.date
    note: str | None


@dataclass(frozen=True)
class Report:
    meta: Meta
    target: float
    overall_level: float | None  # None when fewer than half of the questions were scored
    overall_coverage: float
    summary: tuple[str, ...]
    sections: tuple[SectionFinding, ...]
    recommendations: tuple[RecommendationView, ...]
    plan: tuple[PlanGroup, ...]
    annex: tuple[AnnexSection, ...]
    levels: dict[int, str] = field(default_factory=dict)
    direction: str = "ltr"
    review: Review | None = None
    actions: tuple[RecommendationView, ...] = ()
    # What follows the actions: high-priority items not shown there, and all the others.
    more_high: int = 0
    more_other: int = 0
    cards: tuple[ResourceCard, ...] = ()
    not_assessed: tuple[str, ...] = ()
    low_evidence: bool = False
    change: Change | None = None
    # The share of the scored answers a reviewer validated, and the day of the latest validation.
    validated_share: float = 0.0
    validated_on: dt.date | None = None


def answer_text(question: Question, value: Any, lang: str = "en") -> str:
    """An answer as a person reads it."""
    return answer_types.answer_text(question, value, Translator(lang))


def _line(evidence: Evidence, lang: str, checks: Checks = NO_CHECKS) -> Line:
    q = evidence.question
    return _with_checks(Line(tr(q.text, lang), answer_text(q, evidence.value, lang), evidence.level, q.id, evidence.value),
                        checks, lang, evidence)


def _with_checks(line: Line, checks: Checks, lang: str, evidence: Evidence | None = None) -> Line:
    """The line with how the answer is known and, where a reviewer changed its level, both levels."""
    kind, note = checks.evidence.get(line.question_id, (None, None))
    adjusted = evidence is not None and evidence.adjusted
    if kind is None and not adjusted:
        return line
    return replace(
        line, evidence=kind, evidence_label=Translator(lang)(EVIDENCE_LABELS[kind]) if kind in EVIDENCE_LABELS else "",
        evidence_note=note,
        validated_level=evidence.level if evidence is not None and adjusted else None,
        self_level=evidence.own_level if evidence is not None and adjusted else None,
        validation_reason=checks.reasons.get(line.question_id) if adjusted else None,
    )


def _meta(questionnaire: Questionnaire, answers: Mapping[str, Any], info: Mapping[str, Any], lang: str) -> Meta:
    def shown(question_id: str, empty: str = "") -> str:
        value = answers.get(question_id)
        return empty if is_empty(value) else answer_text(questionnaire.question(question_id), value, lang)

    def short(question_id: str) -> str:
        question, value = questionnaire.question(question_id), answers.get(question_id)
        by_id = {o.id: o for o in question.options}
        chosen = [by_id[v] for v in (value if isinstance(value, list) else [value]) if isinstance(v, str) and v in by_id]
        return ", ".join(tr(o.short or o.label, lang) for o in chosen)

    t = Translator(lang)
    other_work = questionnaire.other_functions(answers)
    borders_asked = questionnaire.question("borders").holds(answers)

    return Meta(
        reference=str(info.get("reference", "")),
        agency_name=shown("agency_name", t("Unnamed agency")),
        country=shown("country"),
        agency_type=shown("agency_type"),
        agency_type_short=short("agency_type"),
        agency_type_id=str(answers.get("agency_type") or ""),
        respondent_role=shown("respondent_role"),
        # An answer kept from an earlier type that no longer asks it is not this agency's.
        borders=short("borders") if borders_asked else "",
        other_work=t.semicolon.join(tr(questionnaire.functions[f], lang) for f in other_work),
        staff_size=shown("staff_size"),
        date=info.get("date") or dt.date.today(),
        status=str(info.get("status", "Draft")),
        language=lang,
        questionnaire=tr(questionnaire.title, lang),
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
    )


def _section_findings(
    questionnaire: Questionnaire, scores: Scores, answers: Mapping[str, Any], lang: str, checks: Checks = NO_CHECKS,
) -> tuple[SectionFinding, ...]:
    t = Translator(lang)
    findings = []
    for section in questionnaire.applicable_sections(answers):
        sc: Score | None = scores.sections.get(section.id)
        if sc is None:
            continue
        topic_ids = [tid for tid in dict.fromkeys(e.question.topic for e in sc.evidence) if tid]
        topics = tuple(
            TopicFinding(
                id=tid, title=tr(questionnaire.topic(tid).title, lang),
                level=scores.topics[tid].shown_level, coverage=scores.topics[tid].coverage,
                asked=scores.topics[tid].asked, scored=scores.topics[tid].scored,
                gap=scores.topics[tid].gap if scores.topics[tid].enough else None,
                enough=scores.topics[tid].enough, core=questionnaire.topic(tid).is_core(answers),
                not_applicable=scores.topics[tid].not_applicable,
            )
            for tid in topic_ids
        )
        level = sc.shown_level
        findings.append(SectionFinding(
            id=section.id,
            title=tr(section.title, lang),
            level=level,
            level_name=(level_name(questionnaire, level, lang) if level is not None
                        else t("Not applicable") if sc.not_applicable else t("Not enough information")),
            coverage=sc.coverage,
            asked=sc.asked,
            scored=sc.scored,
            gap=sc.gap if sc.enough else None,
            enough=sc.enough,
            topics=topics,
            shortfalls=tuple(_line(e, lang, checks) for e in sc.evidence if e.level is not None and e.level < sc.target),
            not_applicable=sc.not_applicable,
            self_level=sc.self_assessed.shown_level,
            validated=section.id in checks.validated.sections,
            validated_share=sc.validated_share,
        ))
    return tuple(findings)


def _reason(gap: TopicGap, lang: str, checks: Checks = NO_CHECKS) -> Reason:
    return Reason(
        topic_id=gap.topic.id,
        topic=tr(gap.topic.title, lang),
        level=gap.score.level,
        target=gap.score.target,
        gap=gap.gap,
        core=gap.core,
        evidence=tuple(_line(e, lang, checks) for e in gap.shortfalls()),
    )


def _why(rec: Recommendation, t: Translator) -> str:
    """One line: the foundation's reason, or the most urgent gap the part closes."""
    if rec.foundation is not None:
        return tr(rec.foundation.reason, t.lang)
    if not rec.gaps:
        return ""
    gap = min(rec.gaps, key=lambda g: g.rank_key())
    params = {"topic": tr(gap.topic.title, t.lang), "level": t.number(gap.score.level or 0, 1)}
    line = t("%(topic)s: level %(level)s of 4, a core area for this agency.", **params) if gap.core else t(
        "%(topic)s: level %(level)s of 4.", **params)
    more = len(rec.gaps) - 1
    if more:
        ngettext = t.plural
        line += " " + ngettext("It also closes %(num)s other gap.", "It also closes %(num)s other gaps.", more)
    return line


def title_in_english(resource: Resource, lang: str) -> bool:
    return lang != "en" and lang not in resource.title


def _view(rec: Recommendation, rank: int, lang: str, priority: str | None = None, adjusted_reason: str | None = None,
          checks: Checks = NO_CHECKS) -> RecommendationView:
    t = Translator(lang)
    priority = priority or rec.priority
    return RecommendationView(
        rank=rank,
        anchor=f"rec-{rank}",
        priority=priority,
        priority_label=priority_label(priority, t),
        priority_phrase=priority_phrase(priority, t),
        resource_id=rec.resource.id,
        resource_title=tr(rec.resource.title, lang),
        title_in_english=title_in_english(rec.resource, lang),
        part_id=rec.part.id,
        part_title=tr(rec.part.title, lang),
        publisher=publisher_name(rec.resource.publisher, lang),
        year=rec.resource.year,
        url=rec.resource.url,
        availability=tr(AVAILABILITY_LABELS[rec.resource.availability], lang),
        audience_ids=tuple(rec.part.audiences),
        audiences=tuple(tr(AUDIENCE_LABELS[a], lang) for a in rec.part.audiences),
        reasons=tuple(_reason(g, lang, checks) for g in sorted(rec.gaps, key=lambda g: g.rank_key())),
        core=rec.core,
        foundation_reason=tr(rec.foundation.reason, lang) if rec.foundation is not None else None,
        adjusted_reason=adjusted_reason,
        why=adjusted_reason or _why(rec, t),
        priority_note=None if priority != rec.priority else _priority_note(rec, t),
    )


def _priority_note(rec: Recommendation, t: Translator) -> str | None:
    """Why a part that closes a high-priority gap is listed as medium."""
    if rec.priority != "medium" or rec.gap_priority != "high":
        return None
    if not rec.fits:
        return t("Medium, not high: this resource is written for other kinds of agency.")
    if rec.capped:
        return t("Medium, not high: the plan keeps only the %(count)s most urgent items at high priority.", count=MAX_HIGH)
    return None


def _recommendation_views(final: tuple[Planned, ...], lang: str, checks: Checks = NO_CHECKS) -> tuple[RecommendationView, ...]:
    return tuple(_view(p.recommendation, i, lang, p.priority, p.adjusted_reason, checks) for i, p in enumerate(final, start=1))


def _once(printed: list[RecommendationView]) -> dict[int, RecommendationView]:
    """The answers behind a topic are listed under the first part printed that lists answers;
    parts printed after it point back there instead of repeating them. Returns the parts by rank."""
    first: dict[str, int] = {}
    out = {}
    for view in printed:
        reasons = []
        for reason in view.reasons:
            if reason.topic_id in first:
                reasons.append(replace(reason, evidence=(), answers_under=first[reason.topic_id]))
            else:
                if view.lists_answers:
                    first[reason.topic_id] = view.rank
                reasons.append(reason)
        out[view.rank] = replace(view, reasons=tuple(reasons))
    return out


def _printed(catalogue: Catalogue, views: tuple[RecommendationView, ...],
             lang: str) -> tuple[tuple[RecommendationView, ...], tuple[ResourceCard, ...]]:
    """The parts in rank order and the resource cards, each answer listed once, under the first
    part printed that lists answers."""
    cards = _cards(catalogue, views, lang)
    by_rank = _once([part for card in cards for part in card.parts])
    return (tuple(by_rank[v.rank] for v in views),
            tuple(replace(card, parts=tuple(by_rank[p.rank] for p in card.parts)) for card in cards))


def _cards(catalogue: Catalogue, views: tuple[RecommendationView, ...], lang: str) -> tuple[ResourceCard, ...]:
    """One card per resource, in the order of its most urgent part; within a card, the parts in
    the resource's own order (Tool 6 before Tool 8, module 2 before module 3)."""
    by_resource: dict[str, list[RecommendationView]] = {}
    for view in views:
        by_resource.setdefault(view.resource_id, []).append(view)
    cards = []
    for resource_id, parts in by_resource.items():
        resource = catalogue.resource(resource_id)
        order = {part.id: number for number, part in enumerate(resource.parts)}
        priority = parts[0].priority  # the parts come in rank order: the first is the most urgent
        parts.sort(key=lambda view: (order.get(view.part_id, len(order)), view.rank))
        cards.append(ResourceCard(
            resource_id=resource_id,
            title=tr(resource.title, lang),
            title_in_english=title_in_english(resource, lang),
            publisher=publisher_name(resource.publisher, lang),
            year=resource.year,
            url=resource.url,
            availability=tr(AVAILABILITY_LABELS[resource.availability], lang),
            parts=tuple(parts),
            priority=priority,
        ))
    return tuple(cards)


def _plan(recs: list[Recommendation], views: tuple[RecommendationView, ...], lang: str) -> tuple[PlanGroup, ...]:
    """Who should take what, first: one group per audience, high priority first."""
    groups = []
    for audience in AUDIENCES:
        items = [v for rec, v in zip(recs, views, strict=True) if audience in rec.part.audiences]
        items.sort(key=lambda v: (PRIORITY_ORDER[v.priority], v.rank))
        if items:
            groups.append(PlanGroup(tr(AUDIENCE_LABELS[audience], lang), tuple(items)))
    return tuple(groups)


def _summary(
    questionnaire: Questionnaire, gaps: list[TopicGap], views: tuple[RecommendationView, ...],
    overall: Score, not_assessed: tuple[str, ...], lang: str, checks: Checks = NO_CHECKS,
) -> tuple[str, ...]:
    t = Translator(lang)
    lines = [_validation_line(overall, checks, t)]
    if overall.enough and overall.level is not None:
        # The target is not followed by a number: "The target is 3. 100% of..." reads as 3.100 %.
        lines.append(t(
            "Overall capacity: level %(level)s of 4 (%(name)s); target: level %(target)s. "
            "Scored: %(share)s of the questions.",
            level=t.number(overall.level, 1),
            name=level_name(questionnaire, overall.level, lang).lower(),
            target=t.number(questionnaire.target_level),
            share=t.percent(overall.coverage),
        ))
    else:
        lines.append(t(
            "There is not enough information for an overall level: only %(share)s of the questions "
            "could be scored, and at least half are needed.",
            share=t.percent(overall.coverage),
        ))
    if not_assessed:
        lines.append(t("Not enough information to assess: %(areas)s.", areas=t.semicolon.join(not_assessed)))
    if gaps:
        largest = sorted(gaps, key=lambda g: (-g.gap, 0 if g.core else 1, g.topic.id))[:SUMMARY_GAPS]
        named = t.semicolon.join(
            t("%(topic)s (level %(level)s, core)", topic=tr(g.topic.title, lang), level=t.number(g.score.level or 0, 1))
            if g.core else
            t("%(topic)s (level %(level)s)", topic=tr(g.topic.title, lang), level=t.number(g.score.level or 0, 1))
            for g in largest
        )
        lines.append(t("The largest gaps: %(gaps)s. \u201cCore\u201d marks an area central to this agency's mandate.", gaps=named))
    elif overall.enough:
        lines.append(t("Every area reaches the target level. No training is recommended now."))
    if views:
        counts = {p: sum(1 for v in views if v.priority == p) for p in PRIORITY_ORDER}
        ngettext = t.plural
        lines.append(ngettext(
            "One part of a UNODC resource is recommended (priority: %(high)s high, %(medium)s medium, %(low)s low).",
            "%(num)s parts of UNODC resources are recommended (by priority: %(high)s high, %(medium)s medium, %(low)s low).",
            len(views), high=t.number(counts["high"]), medium=t.number(counts["medium"]), low=t.number(counts["low"]),
        ))
    return tuple(lines)


def _validation_line(overall: Score, checks: Checks, t: Translator) -> str:
    """Whether anyone outside the agency checked these figures, and how much of them."""
    share = overall.validated_share
    if not share or checks.on is None:
        return t("Not validated: the agency's own assessment.")
    return t("%(share)s of the scored answers were validated by UNODC technical-assistance staff on %(date)s.",
             share=t.percent(share), date=t.date(checks.on))


def _annex(questionnaire: Questionnaire, scores: Scores, answers: Mapping[str, Any], lang: str,
           checks: Checks = NO_CHECKS) -> tuple[AnnexSection, ...]:
    scored = {e.question.id: e for sc in scores.sections.values() for e in sc.evidence}
    return tuple(
        AnnexSection(
            tr(section.title, lang),
            tuple(
                _with_checks(Line(tr(q.text, lang), answer_text(q, answers.get(q.id), lang), question_id=q.id,
                                  value=answers.get(q.id)), checks, lang, scored.get(q.id))
                for q in section.visible_questions(answers)
            ),
        )
        for section in questionnaire.applicable_sections(answers)
    )


def build_report(
    questionnaire: Questionnaire,
    catalogue: Catalogue,
    answers: Mapping[str, Any],
    info: Mapping[str, Any] | None = None,
    lang: str = "en",
    adjustments: list[AdjustmentSpec] | None = None,
    review: Review | None = None,
    earlier: Earlier | None = None,
    checks: Checks = NO_CHECKS,
) -> Report:
    """info: reference, date and status of the assessment. lang: the report's language.
    checks: the evidence given for the answers, and what a reviewer validated."""
    info = info or {}
    lang = Translator(lang).lang
    analysis = analyse(questionnaire, catalogue, answers, adjustments or (), checks.validated)
    scores = analysis.scores
    recs = [p.recommendation for p in analysis.recommendations]
    views, cards = _printed(catalogue, _recommendation_views(analysis.recommendations, lang, checks), lang)
    overall = scores.overall or Score(questionnaire.target_level)
    sections = _section_findings(questionnaire, scores, answers, lang, checks)
    not_assessed = tuple(s.title for s in sections if not s.enough and not s.not_applicable)
    return Report(
        meta=_meta(questionnaire, answers, info, lang),
        target=questionnaire.target_level,
        overall_level=overall.shown_level,
        overall_coverage=overall.coverage,
        summary=_summary(questionnaire, list(analysis.gaps), views, overall, not_assessed, lang, checks),
        sections=sections,
        recommendations=views,
        plan=_plan(recs, views, lang),
        annex=_annex(questionnaire, scores, answers, lang, checks),
        levels={k: tr(v, lang) for k, v in questionnaire.levels.items()},
        direction=Translator(lang).direction,
        review=review,
        actions=views[:SUMMARY_ACTIONS],
        more_high=sum(1 for v in views[SUMMARY_ACTIONS:] if v.priority == "high"),
        more_other=sum(1 for v in views[SUMMARY_ACTIONS:] if v.priority != "high"),
        cards=cards,
        not_assessed=not_assessed,
        low_evidence=analysis.low_evidence,
        change=compare(questionnaire, catalogue, earlier, analysis, lang) if earlier is not None else None,
        validated_share=overall.validated_share,
        validated_on=checks.on if overall.validated_share else None,
    )
