"""An agency's plan: the recommendations of its latest published assessment, each planned,
delivered or dropped, with the training delivered with its part. Read by the agency pages of
TA officers and of officials."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from reports.recommend import PRIORITY_ORDER
from webapp.core.db import db
from webapp.core.models import PLAN_STATUSES, Assessment, PlanItem, PublishedRecommendation, Training
from webapp.core.status import PUBLISHED
from webapp.core.store import training as training_of

PLANNED = PLAN_STATUSES[0]
STATUS_LABELS = {"planned": _l("Planned"), "delivered": _l("Delivered"), "dropped": _l("Dropped")}


@dataclass(frozen=True)
class PlanRow:
    recommendation: PublishedRecommendation
    status: str
    reason: str | None
    training: tuple[Training, ...]  # delivered with this part


def latest_published(agency_id: str) -> Assessment | None:
    return db.session.scalar(
        select(Assessment).where(Assessment.agency_id == agency_id, Assessment.status == PUBLISHED)
        .order_by(Assessment.published_at.desc()).limit(1)
    )


def assessments(agency_id: str) -> list[Assessment]:
    return list(db.session.scalars(
        select(Assessment).where(Assessment.agency_id == agency_id).order_by(Assessment.created_at.desc())
    ))


def plan(agency_id: str) -> tuple[Assessment | None, list[PlanRow]]:
    """The recommendations of the agency's latest published assessment, each with its status
    and the training delivered with its part since that assessment was submitted."""
    assessment = latest_published(agency_id)
    if assessment is None:
        return None, []
    recs = db.session.scalars(select(PublishedRecommendation).where(PublishedRecommendation.assessment_id == assessment.id))
    items = {(i.resource_id, i.part_id): i for i in db.session.scalars(select(PlanItem).where(PlanItem.assessment_id == assessment.id))}
    since = (assessment.submitted_at or assessment.created_at).date()
    delivered = training_of(agency_id, since)
    rows = []
    for rec in sorted(recs, key=lambda r: (PRIORITY_ORDER.get(r.priority, len(PRIORITY_ORDER)), r.resource_id, r.part_id)):
        item = items.get((rec.resource_id, rec.part_id))
        rows.append(PlanRow(rec, item.status if item else PLANNED, item.reason if item else None,
                            tuple(t for t in delivered if (t.resource_id, t.part_id) == (rec.resource_id, rec.part_id))))
    return assessment, rows


