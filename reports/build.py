"""Everything -> one Report: plain data that both the HTML page and the PDF are drawn from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from questionnaires.answers import country_name, is_empty
from questionnaires.model import Question, Questionnaire
from questionnaires.scoring import Evidence, Score, score
from questionnaires.text import tr

from .catalogue import AUDIENCE_LABELS, AUDIENCES, AVAILABILITY_LABELS, Catalogue
from .i18n import Translator, country_names
from .recommend import PRIORITY_ORDER, Recommendation, TopicGap, find_gaps, recommend

SUMMARY_TOP = 3


def priority_label(priority: str, t: Translator) -> str:
    return {"high": t("High"), "medium": t("Medium"), "low": t("Low")}[priority]


@dataclass(frozen=True)
class Meta:
    reference: str
    agency_name: str
    country: str
    agency_type: str
    respondent_role: str
    borders: str
    staff_size: str
    date: dt.date
    status: str
    language: str
    questionnaire: str
    questionnaire_version: int


@dataclass(frozen=True)
class Line:
    """A question and the answer given, for reasons and for the annex."""

    question: str
    answer: str
    level: int | None = None


@dataclass(frozen=True)
class TopicFinding:
    title: str
    level: float | None
    coverage: float
    gap: float | None


@dataclass(frozen=True)
class SectionFinding:
    id: str
    title: str
    level: float | None
    level_name: str
    coverage: float
    asked: int
    scored: int
    gap: float | None
    topics: tuple[TopicFinding, ...]
    shortfalls: tuple[Line, ...]


@dataclass(frozen=True)
class Reason:
    topic: str
    level: float | None
    target: float
    core: bool
    evidence: tuple[Line, ...]


@dataclass(frozen=True)
class RecommendationView:
    rank: int
    anchor: str
    priority: str
    priority_label: str
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
    audiences: tuple[str, ...]
    reasons: tuple[Reason, ...]
    # Set when a person, not the engine, added this part or changed its priority.
    adjusted_reason: str | None = None


@dataclass(frozen=True)
class PlanGroup:
    audience: str
    items: tuple[RecommendationView, ...]


@dataclass(frozen=True)
class AnnexSection:
    title: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class AdjustmentSpec:
    """A reviewer's change: add, remove or re-prioritize one part, with the reason."""

    resource_id: str
    part_id: str
    action: str  # "add", "remove", "priority"
    reason: str
    priority: str | None = None


@dataclass(frozen=True)
class Review:
    reviewer: str
    reviewed_on: dt.date
    note: str | None


@dataclass(frozen=True)
class Report:
    meta: Meta
    target: float
    overall_level: float | None
    overall_coverage: float
    summary: tuple[str, ...]
    sections: tuple[SectionFinding, ...]
    recommendations: tuple[RecommendationView, ...]
    plan: tuple[PlanGroup, ...]
    annex: tuple[AnnexSection, ...]
    levels: dict[int, str] = field(default_factory=dict)
    direction: str = "ltr"
    review: Review | None = None


def answer_text(question: Question, value: Any, lang: str = "en") -> str:
    """An answer as a person reads it."""
    t = Translator(lang)
    if is_empty(value):
        return t("Not answered")
    if question.type == "country":
        return country_names(t.lang).get(value) or country_name(value)
    if question.type == "number":
        return t.number(value) if isinstance(value, (int, float)) else str(value)
    if question.type == "text":
        return str(value)
    values = value if isinstance(value, list) else [value]
    labels = []
    for v in values:
        option = question.choice(v)
        labels.append(tr(option.label, lang) if option else str(v))
    return "; ".join(labels)


def _line(evidence: Evidence, lang: str) -> Line:
    return Line(tr(evidence.question.text, lang), answer_text(evidence.question, evidence.value, lang), evidence.level)


def _meta(questionnaire: Questionnaire, answers: Mapping[str, Any], info: Mapping[str, Any], lang: str) -> Meta:
    def shown(question_id: str, empty: str = "") -> str:
        value = answers.get(question_id)
        return empty if is_empty(value) else answer_text(questionnaire.question(question_id), value, lang)

    return Meta(
        reference=str(info.get("reference", "")),
        agency_name=shown("agency_name", Translator(lang)("Unnamed agency")),
        country=shown("country"),
        agency_type=shown("agency_type"),
        respondent_role=shown("respondent_role"),
        borders=shown("borders"),
        staff_size=shown("staff_size"),
        date=info.get("date") or dt.date.today(),
        status=str(info.get("status", "Draft")),
        language=lang,
        questionnaire=tr(questionnaire.title, lang),
        questionnaire_version=questionnaire.version,
    )


def _section_findings(questionnaire: Questionnaire, scores, answers, lang: str) -> tuple[SectionFinding, ...]:
    t = Translator(lang)
    findings = []
    for section in questionnaire.applicable_sections(answers):
        sc: Score | None = scores.sections.get(section.id)
        if sc is None:
            continue
        topic_ids = list(dict.fromkeys(e.question.topic for e in sc.evidence))
        topics = tuple(
            TopicFinding(tr(questionnaire.topic(t).title, lang), scores.topics[t].level,
                         scores.topics[t].coverage, scores.topics[t].gap)
            for t in topic_ids if t
        )
        level = sc.level
        findings.append(SectionFinding(
            id=section.id,
            title=tr(section.title, lang),
            level=level,
            level_name=questionnaire.level_name(round(level), lang) if level is not None else t("Not scored"),
            coverage=sc.coverage,
            asked=sc.asked,
            scored=sc.scored,
            gap=sc.gap,
            topics=topics,
            shortfalls=tuple(_line(e, lang) for e in sc.evidence if e.level is not None and e.level < sc.target),
        ))
    return tuple(findings)


def _reason(gap: TopicGap, lang: str) -> Reason:
    return Reason(
        topic=tr(gap.topic.title, lang),
        level=gap.score.level,
        target=gap.score.target,
        core=gap.core,
        evidence=tuple(_line(e, lang) for e in gap.shortfalls()),
    )


def _view(rec: Recommendation, rank: int, lang: str, priority: str | None = None, adjusted_reason: str | None = None) -> RecommendationView:
    t = Translator(lang)
    priority = priority or rec.priority
    return RecommendationView(
        rank=rank,
        anchor=f"rec-{rank}",
        priority=priority,
        priority_label=priority_label(priority, t),
        resource_id=rec.resource.id,
        resource_title=tr(rec.resource.title, lang),
        title_in_english=lang != "en" and lang not in rec.resource.title,
        part_id=rec.part.id,
        part_title=tr(rec.part.title, lang),
        publisher=rec.resource.publisher,
        year=rec.resource.year,
        url=rec.resource.url,
        availability=tr(AVAILABILITY_LABELS[rec.resource.availability], lang),
        audiences=tuple(tr(AUDIENCE_LABELS[a], lang) for a in rec.part.audiences),
        reasons=tuple(_reason(g, lang) for g in rec.gaps),
        adjusted_reason=adjusted_reason,
    )


def apply_adjustments(
    recs: list[Recommendation], adjustments: list[AdjustmentSpec], catalogue: Catalogue
) -> list[tuple[Recommendation, str, str | None]]:
    """The computed list with a reviewer's changes, in order: (recommendation, priority, reason
    of the change or None). The latest change to a part wins."""
    final: dict[tuple[str, str], tuple[Recommendation, str, str | None]] = {
        (r.resource.id, r.part.id): (r, r.priority, None) for r in recs
    }
    for adj in adjustments:
        key = (adj.resource_id, adj.part_id)
        if adj.action == "remove":
            final.pop(key, None)
        elif adj.action in ("add", "priority"):
            try:
                resource = catalogue.resource(adj.resource_id)
                part = next(p for p in resource.parts if p.id == adj.part_id)
            except StopIteration:
                continue
            rec = final[key][0] if key in final else Recommendation(resource, part, ())
            # A part added by hand closes no measured gap, so it has no computed priority.
            default = rec.priority if rec.gaps else "medium"
            final[key] = (rec, adj.priority or default, adj.reason)
    return sorted(final.values(), key=lambda item: PRIORITY_ORDER[item[1]])


def _recommendation_views(final: list[tuple[Recommendation, str, str | None]], lang: str) -> tuple[RecommendationView, ...]:
    return tuple(_view(rec, i, lang, priority, reason) for i, (rec, priority, reason) in enumerate(final, start=1))


def _plan(recs: list[Recommendation], views: tuple[RecommendationView, ...], lang: str) -> tuple[PlanGroup, ...]:
    """Who should take what, first: one group per audience, high priority first."""
    groups = []
    for audience in AUDIENCES:
        items = [v for rec, v in zip(recs, views) if audience in rec.part.audiences]
        items.sort(key=lambda v: (PRIORITY_ORDER[v.priority], v.rank))
        if items:
            groups.append(PlanGroup(tr(AUDIENCE_LABELS[audience], lang), tuple(items)))
    return tuple(groups)


def _summary(questionnaire: Questionnaire, gaps: list[TopicGap], recs: list[Recommendation], overall: Score, lang: str) -> tuple[str, ...]:
    t = Translator(lang)
    lines = []
    if overall.level is None:
        lines.append(t("No question was answered with a capacity level yet, so no level can be given."))
    else:
        lines.append(t(
            "Overall capacity is %(level)s out of 4 (%(name)s). The target is %(target)s. "
            "%(share)s of the questions were scored.",
            level=t.number(overall.level, 1),
            name=questionnaire.level_name(round(overall.level), lang).lower(),
            target=t.number(questionnaire.target_level),
            share=t.percent(overall.coverage),
        ))
    if not gaps:
        lines.append(t("Every area reaches the target level. No training is recommended now."))
        return tuple(lines)
    top = "; ".join(
        t("%(topic)s (level %(level)s)", topic=tr(g.topic.title, lang), level=t.number(g.score.level or 0, 1))
        for g in gaps[:SUMMARY_TOP]
    )
    lines.append(t("The largest gaps: %(gaps)s.", gaps=top))
    counts = {p: sum(1 for r in recs if r.priority == p) for p in PRIORITY_ORDER}
    lines.append(t(
        "%(total)s parts of UNODC resources are recommended: %(high)s high, %(medium)s medium "
        "and %(low)s low priority.",
        total=len(recs), high=counts["high"], medium=counts["medium"], low=counts["low"],
    ))
    if recs:
        first = recs[0]
        lines.append(t("Start with %(resource)s: %(part)s.", resource=tr(first.resource.title, lang), part=tr(first.part.title, lang)))
    return tuple(lines)


def _annex(questionnaire: Questionnaire, answers: Mapping[str, Any], lang: str) -> tuple[AnnexSection, ...]:
    return tuple(
        AnnexSection(
            tr(section.title, lang),
            tuple(
                Line(tr(q.text, lang), answer_text(q, answers.get(q.id), lang))
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
) -> Report:
    """info: reference, date and status of the assessment. lang: the report's language."""
    info = info or {}
    lang = Translator(lang).lang
    agency_type = answers.get("agency_type")
    scores = score(questionnaire, answers)
    gaps = find_gaps(questionnaire, scores, agency_type)
    computed = recommend(questionnaire, catalogue, scores, agency_type)
    final = apply_adjustments(computed, adjustments or [], catalogue)
    recs = [rec for rec, _priority, _reason in final]
    views = _recommendation_views(final, lang)
    overall = scores.overall or Score(questionnaire.target_level)
    return Report(
        meta=_meta(questionnaire, answers, info, lang),
        target=questionnaire.target_level,
        overall_level=overall.level,
        overall_coverage=overall.coverage,
        summary=_summary(questionnaire, gaps, computed, overall, lang),
        sections=_section_findings(questionnaire, scores, answers, lang),
        recommendations=views,
        plan=_plan(recs, views, lang),
        annex=_annex(questionnaire, answers, lang),
        levels={k: tr(v, lang) for k, v in questionnaire.levels.items()},
        direction=Translator(lang).direction,
        review=review,
    )
