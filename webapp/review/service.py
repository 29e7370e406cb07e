"""What a technical-assistance officer does to an assessment. Every change is audited."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select

from reports.analysis import analyse
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
from webapp.portfolio import figures

REVIEWABLE = (SUBMITTED, CLARIFICATION, REVIEWED, PUBLISHED)


def queue(filters: dict[str, str], sort: str) -> list[tuple[Assessment, Agency | None]]:
    """Assessments sent for review, filtered and sorted in SQL."""
    query = select(Assessment, Agency).outerjoin(Agency, Assessment.agency_id == Agency.id).where(
        Assessment.status.in_(REVIEWABLE)
    )
    if filters.get("country"):
        query = query.where(Agency.country == filters["country"])
    if filters.get("agency_type"):
        query = query.where(Agency.agency_type == filters["agency_type"])
    if filters.get("status") in REVIEWABLE:
        query = query.where(Assessment.status == filters["status"])
    for key, op in (("from", "__ge__"), ("to", "__le__")):
        try:
            day = dt.date.fromisoformat(filters.get(key) or "")
        except ValueError:
            continue
        bound = dt.datetime.combine(day, dt.time.max if key == "to" else dt.time.min)
        query = query.where(getattr(Assessment.submitted_at, op)(bound))
    order = {
        "country": (Agency.country, Agency.name),
        "agency": (Agency.name,),
        "status": (Assessment.status, Assessment.submitted_at.desc()),
        "oldest": (Assessment.submitted_at,),
    }.get(sort, (Assessment.submitted_at.desc(),))
    return list(db.session.execute(query.order_by(*order)).all())


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
    analysis = analyse(questionnaire, catalogue, answers, adjustment_specs(assessment))
    scores = analysis.scores
    for table in (PublishedScore, PublishedGap, PublishedRecommendation, PublishedProfile, PublishedTopic):
        db.session.execute(delete(table).where(table.assessment_id == assessment.id))
    db.session.add(PublishedProfile(assessment_id=assessment.id, name=answers.get("agency_name"),
                                    country=answers.get("country"), agency_type=answers.get("agency_type"),
                                    agency_key=assessment.agency_id or assessment.id))
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
