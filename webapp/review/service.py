"""What a technical-assistance officer does to an assessment. Every change is audited."""

from __future__ import annotations

import datetime as dt

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, exists, func, not_, or_, select
from sqlalchemy.orm import aliased, selectinload

from questionnaires import Questionnaire, tr
from reports.analysis import analyse
from reports.catalogue import Catalogue, part_label
from reports.recommend import PRIORITY_ORDER, serving
from webapp.core.db import db
from webapp.core.models import (
    Adjustment,
    Agency,
    Assessment,
    Comment,
    PublishedGap,
    PublishedProfile,
    PublishedRecommendation,
    PublishedScore,
    PublishedTopic,
    User,
    utcnow,
)
from webapp.core.status import CLARIFICATION, PUBLISHED, REVIEWED, SUBMITTED
from webapp.core.store import adjustment_specs, audit
from webapp.core.validation import STATES, VALIDATED, validated_of
from webapp.core.store import replies as store_replies
from webapp.wizard.pages import applicable_section
from webapp.portfolio import figures

REVIEWABLE = (SUBMITTED, CLARIFICATION, REVIEWED, PUBLISHED)


# The queue's views: what needs a reviewer now, what waits for the agency, everything sent.
NEEDS_ACTION, WAITING, ALL = "action", "waiting", "all"
VIEWS = (NEEDS_ACTION, WAITING, ALL)
PER_PAGE = 25


def _answered():
    """An open question of the assessment that the agency has replied to."""
    question, reply = aliased(Comment), aliased(Comment)
    return exists(select(reply.id).join(question, reply.reply_to_id == question.id).where(
        reply.assessment_id == Assessment.id, question.clarification.is_(True), question.resolved_at.is_(None)))


def _view_condition(view: str):
    """Submitted assessments, and those whose agency answered a question, need a reviewer; the
    other assessments sent back wait for the agency."""
    needs = or_(Assessment.status == SUBMITTED, and_(Assessment.status == CLARIFICATION, _answered()))
    if view == NEEDS_ACTION:
        return needs
    if view == WAITING:
        return and_(Assessment.status == CLARIFICATION, not_(_answered()))
    return Assessment.status.in_(REVIEWABLE)


def _filtered(filters: dict[str, str]):
    query = select(Assessment).outerjoin(Agency, Assessment.agency_id == Agency.id).where(Assessment.status.in_(REVIEWABLE))
    if filters.get("country"):
        query = query.where(Agency.country == filters["country"])
    if filters.get("agency_type"):
        query = query.where(Agency.agency_type == filters["agency_type"])
    if filters.get("status") in REVIEWABLE:
        query = query.where(Assessment.status == filters["status"])
    if filters.get("validation") in STATES:
        query = query.where(Assessment.validation == filters["validation"])
    for key, op in (("from", "__ge__"), ("to", "__le__")):
        try:
            day = dt.date.fromisoformat(filters.get(key) or "")
        except ValueError:
            continue
        bound = dt.datetime.combine(day, dt.time.max if key == "to" else dt.time.min)
        query = query.where(getattr(Assessment.submitted_at, op)(bound))
    return query


def view_counts(filters: dict[str, str]) -> dict[str, int]:
    """How many assessments each view shows with these filters."""
    base = _filtered(filters)
    return {view: db.session.scalar(select(func.count()).select_from(base.where(_view_condition(view)).subquery()))
            for view in VIEWS}


def queue(filters: dict[str, str], sort: str, view: str = ALL, page: int = 1):
    """One page of the assessments sent for review, filtered and sorted in SQL."""
    order = {
        "country": (Agency.country, Agency.name),
        "agency": (Agency.name,),
        "status": (Assessment.status, Assessment.submitted_at.desc()),
        "oldest": (Assessment.submitted_at,),
    }.get(sort, (Assessment.submitted_at.desc(),))
    query = (_filtered(filters).where(_view_condition(view)).options(selectinload(Assessment.agency))
             .order_by(*order, Assessment.id))
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def replied(assessment_ids: list[str]) -> set[str]:
    """Of these assessments, those whose agency replied to an open question."""
    if not assessment_ids:
        return set()
    return set(db.session.scalars(select(Assessment.id).where(Assessment.id.in_(assessment_ids), _answered())))


@dataclass(frozen=True)
class Thread:
    """A comment or question of a reviewer, what it is about, and the replies to it."""

    comment: Comment
    about: str  # the section, and the question's text, in the reader's language
    replies: tuple[Comment, ...]

    @property
    def waiting(self) -> bool:
        """A question sent to the agency, not resolved and not yet answered."""
        return self.comment.clarification and not self.comment.resolved and not self.replies


def threads(assessment: Assessment, questionnaire: Questionnaire, lang: str) -> list[Thread]:
    """The reviewers' comments and questions, oldest first, each with the agency's replies."""
    comments = db.session.scalars(select(Comment).where(Comment.assessment_id == assessment.id, Comment.reply_to_id.is_(None))
                                  .options(selectinload(Comment.author)).order_by(Comment.created_at))
    replies = store_replies(assessment)
    return [Thread(c, about(questionnaire, c.section_id, c.question_id, lang), tuple(replies.get(c.id, ()))) for c in comments]


def about(questionnaire: Questionnaire, section_id: str | None, question_id: str | None, lang: str) -> str:
    """What a comment is about, in words: the section's title and the question's text."""
    section = questionnaire.section(section_id) if section_id else None
    if section is None:
        return ""
    question = next((q for q in section.questions if q.id == question_id), None) if question_id else None
    return f"{tr(section.title, lang)} · {tr(question.text, lang)}" if question else tr(section.title, lang)


def commentable(questionnaire: Questionnaire, answers: dict[str, Any], section_id: str | None, question_id: str | None) -> bool:
    """A comment may be about the whole assessment, a section it was asked, or a question it was asked."""
    if section_id is None:
        return question_id is None
    section = applicable_section(questionnaire, answers, section_id)
    if section is None:
        return False
    return question_id is None or any(q.id == question_id for q in section.visible_questions(answers))


def resolve(assessment: Assessment, author: User, comment: Comment, resolved: bool) -> None:
    comment.resolved_at = utcnow() if resolved else None
    comment.resolved_by = author.id if resolved else None
    audit(assessment, author, "thread resolved" if resolved else "thread reopened", None,
          {"comment": comment.id, "section": comment.section_id, "question": comment.question_id})
    db.session.commit()


def thread_of(assessment: Assessment, comment_id: str) -> Comment | None:
    if not comment_id or len(comment_id) > 36:
        return None
    return db.session.scalar(select(Comment).where(Comment.id == comment_id, Comment.assessment_id == assessment.id,
                                                   Comment.reply_to_id.is_(None)))


# Moving a recommendation's priority one step.
STEP = {"raise": -1, "lower": 1}
BY_RANK = {rank: name for name, rank in PRIORITY_ORDER.items()}


def moved(priority: str, action: str) -> str | None:
    """The priority one step up or down, or None when there is no such step."""
    return BY_RANK.get(PRIORITY_ORDER[priority] + STEP[action])


def current_priorities(assessment: Assessment, questionnaire: Questionnaire, catalogue: Catalogue) -> dict[tuple[str, str], str]:
    """The list as it stands, with the reviewers' changes: part -> priority."""
    analysis = analyse(questionnaire, catalogue, assessment.answer_values(), adjustment_specs(assessment),
                       validated_of(assessment))
    return {p.key: p.priority for p in analysis.recommendations}


@dataclass(frozen=True)
class FoundPart:
    key: str  # "resource/part"
    label: str
    topics: str  # what it is about, in words


def fitting_parts(questionnaire: Questionnaire, catalogue: Catalogue, answers: dict[str, Any], words: str, lang: str,
                  listed: set[tuple[str, str]], limit: int = 20) -> tuple[list[FoundPart], int]:
    """Parts that serve this agency's work and are not on its list, whose title or topics hold
    every word searched (any part when nothing is searched); at most `limit`, and how many matched."""
    functions = questionnaire.functions_of(answers)
    topic_titles = {t.id: tr(t.title, lang) for t in questionnaire.topics}
    needles = [w.casefold() for w in words.split()]
    found = []
    for resource, part in catalogue.parts():
        if (resource.id, part.id) in listed or not serving(resource, part, functions)[0]:
            continue
        label = part_label(resource, part, lang)
        topics = "; ".join(topic_titles.get(t, t) for t in part.addressed)
        haystack = f"{label} {topics} {resource.id} {part.id}".casefold()
        if all(n in haystack for n in needles):
            found.append(FoundPart(f"{resource.id}/{part.id}", label, topics))
    return found[:limit], len(found)


def add_comment(assessment: Assessment, author: User, text: str, section_id: str | None, question_id: str | None, clarification: bool) -> Comment:
    comment = Comment(assessment_id=assessment.id, author_id=author.id, text=text, section_id=section_id,
                      question_id=question_id, clarification=clarification)
    db.session.add(comment)
    after = {"text": text, "section": section_id, "question": question_id}
    if clarification:
        before_status = assessment.status
        assessment.status = CLARIFICATION
        audit(assessment, author, "clarification asked", {"status": before_status}, dict(after, status=CLARIFICATION))
    else:
        audit(assessment, author, "comment", None, after)
    db.session.commit()
    return comment


def adjust(assessment: Assessment, author: User, resource_id: str, part_id: str, action: str, priority: str | None, reason: str) -> None:
    db.session.add(Adjustment(assessment_id=assessment.id, author_id=author.id, resource_id=resource_id,
                              part_id=part_id, action=action, priority=priority, reason=reason))
    audit(assessment, author, f"recommendation {action}", None,
          {"resource": resource_id, "part": part_id, "priority": priority, "reason": reason})
    db.session.commit()


def set_note(assessment: Assessment, author: User, note: str) -> None:
    before = assessment.review_note
    assessment.review_note = note or None
    audit(assessment, author, "report note", {"note": before}, {"note": assessment.review_note})
    db.session.commit()


def mark_reviewed(assessment: Assessment, author: User) -> None:
    before = {"status": assessment.status}
    assessment.status = REVIEWED
    assessment.reviewed_by = author.id
    assessment.reviewed_at = utcnow()
    audit(assessment, author, "reviewed", before, {"status": REVIEWED})
    db.session.commit()


def publish(assessment: Assessment, author: User, questionnaire, catalogue, at: dt.datetime | None = None) -> None:
    """Publish, and in the same transaction keep what the donors' portfolio adds up. `at` backdates
    the publication (the demo data); by default it is now."""
    answers = assessment.answer_values()
    analysis = analyse(questionnaire, catalogue, answers, adjustment_specs(assessment), validated_of(assessment))
    scores = analysis.scores
    for table in (PublishedScore, PublishedGap, PublishedRecommendation, PublishedProfile, PublishedTopic):
        db.session.execute(delete(table).where(table.assessment_id == assessment.id))
    db.session.add(PublishedProfile(assessment_id=assessment.id, name=answers.get("agency_name"),
                                    country=answers.get("country"), agency_type=answers.get("agency_type"),
                                    agency_key=assessment.agency_id or assessment.id,
                                    validated=assessment.validation == VALIDATED))
    for section_id, sc in scores.sections.items():
        # A level drawn from too few answers is not published: donors would read it as a fact.
        if section_id != questionnaire.profile.id and sc.enough:
            db.session.add(PublishedScore(assessment_id=assessment.id, section_id=section_id, level=sc.level, gap=sc.gap))
    for topic_id, sc in scores.topics.items():
        if sc.enough and sc.level is not None:
            db.session.add(PublishedTopic(assessment_id=assessment.id, topic_id=topic_id, level=sc.level))
    for gap in analysis.gaps:
        db.session.add(PublishedGap(assessment_id=assessment.id, topic_id=gap.topic.id, gap=gap.gap))
    for planned in analysis.recommendations:
        resource_id, part_id = planned.key
        db.session.add(PublishedRecommendation(
            assessment_id=assessment.id, resource_id=resource_id, part_id=part_id, priority=planned.priority,
            audiences=",".join(planned.recommendation.part.audiences), adjusted=planned.adjusted,
        ))
    before = {"status": assessment.status}
    assessment.status = PUBLISHED
    assessment.published_at = at or utcnow()
    figures.refresh_agency(assessment.agency_id or assessment.id)
    audit(assessment, author, "published", before, {"status": PUBLISHED})
    db.session.commit()
