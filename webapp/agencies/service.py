"""The plan of an agency and the training delivered to it. Every change is audited."""

from __future__ import annotations

import datetime as dt
from sqlalchemy import select

from webapp.core.db import db
from webapp.core.models import PLAN_STATUSES, Agency, Assessment, PlanItem, PublishedRecommendation, Training, User
from webapp.core.store import audit
from webapp.core.plan import latest_published
from webapp.portfolio import figures

PLANNED, DELIVERED, DROPPED = PLAN_STATUSES


def set_status(assessment: Assessment, resource_id: str, part_id: str, status: str, reason: str | None, author: User) -> None:
    """Change one row of the plan; the caller commits, once for the whole form."""
    item = db.session.get(PlanItem, (assessment.id, resource_id, part_id))
    before = {"status": item.status if item else PLANNED, "reason": item.reason if item else None}
    if item is None:
        item = PlanItem(assessment_id=assessment.id, resource_id=resource_id, part_id=part_id)
        db.session.add(item)
    item.status, item.reason, item.updated_by = status, (reason or None) if status == DROPPED else None, author.id
    audit(assessment, author, "plan status", dict(before, part=f"{resource_id}/{part_id}"),
          {"part": f"{resource_id}/{part_id}", "status": status, "reason": item.reason})


def record_training(agency: Agency, author: User, resource_id: str, part_id: str, starts_on: dt.date, ends_on: dt.date,
                    participants: int, audience: str, note: str | None) -> Training:
    """Record training delivered; a planned recommendation of the same part becomes delivered."""
    done = Training(agency_id=agency.id, resource_id=resource_id, part_id=part_id, starts_on=starts_on, ends_on=ends_on,
                    participants=participants, audience=audience, note=note or None, recorded_by=author.id)
    db.session.add(done)
    assessment = latest_published(agency.id)
    audit(assessment, author, "training recorded", None, {
        "agency": agency.name, "part": f"{resource_id}/{part_id}", "from": starts_on.isoformat(), "to": ends_on.isoformat(),
        "participants": participants, "audience": audience, "note": note or None,
    })
    if assessment is not None:
        recommended = db.session.get(PublishedRecommendation, (assessment.id, resource_id, part_id))
        item = db.session.get(PlanItem, (assessment.id, resource_id, part_id))
        if recommended is not None and (item is None or item.status == PLANNED):
            if item is None:
                item = PlanItem(assessment_id=assessment.id, resource_id=resource_id, part_id=part_id)
                db.session.add(item)
            item.status, item.updated_by = DELIVERED, author.id
            audit(assessment, author, "plan status", {"part": f"{resource_id}/{part_id}", "status": PLANNED},
                  {"part": f"{resource_id}/{part_id}", "status": DELIVERED, "reason": None})
    figures.refresh_agency(agency.id)
    db.session.commit()
    return done


def agencies_with_assessments() -> list[tuple[Agency, int]]:
    """Agencies that have sent at least one assessment for review, with how many."""
    from sqlalchemy import func

    from webapp.core.status import EDITABLE

    count = func.count(Assessment.id)
    rows = db.session.execute(
        select(Agency, count).join(Assessment, Assessment.agency_id == Agency.id)
        .where(Assessment.status.not_in(EDITABLE)).group_by(Agency.id).order_by(Agency.name)
    ).all()
    return [(agency, int(n)) for agency, n in rows]
