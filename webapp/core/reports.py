"""The one way to build an assessment's report, for whoever reads it.

What each audience may see is decided here, not in the views: donors never see free text the
official marked confidential.
"""

from __future__ import annotations

from typing import Literal

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from reports.build import Report, build_report
from reports.compare import Earlier, TrainingDone
from webapp.core import store, validation
from webapp.core.models import Assessment, utcnow
from webapp.core.status import LABELS

Audience = Literal["official", "reviewer", "donor"]


def report_for(assessment: Assessment, language: str, audience: Audience) -> Report:
    """The report of `assessment` in `language`, as `audience` may read it. Once reviewed, every
    audience sees the reviewer, the note and the reviewer's changes too."""
    answers = assessment.answer_values()
    with force_locale(language):
        if audience == "donor":
            for question_id in store.confidential_ids(assessment):
                if question_id in answers:
                    answers[question_id] = _("[Confidential: not shown]")
            status, date = _("Published"), assessment.published_at or assessment.updated_at
        elif audience == "reviewer":
            status, date = str(LABELS[assessment.status]), assessment.submitted_at or assessment.updated_at
        else:
            status = _("Submitted") if assessment.submitted else _("Draft: not yet submitted")
            date = assessment.submitted_at or assessment.updated_at
    info = {"reference": assessment.reference, "date": date.date(), "status": status}
    return build_report(current_app.extensions["tna.questionnaire"], current_app.extensions["tna.catalogue"], answers, info, language,
                        store.adjustment_specs(assessment), store.review_info(assessment), _earlier(assessment),
                        validation.checks(assessment))


def _earlier(assessment: Assessment) -> Earlier | None:
    """The agency's earlier submitted assessment, and the training delivered since it."""
    previous = store.previous_of(assessment)
    if previous is None or previous.submitted_at is None:
        return None
    since = previous.submitted_at.date()
    until = (assessment.submitted_at or utcnow()).date()
    training = tuple(
        TrainingDone(t.resource_id, t.part_id, t.starts_on, t.ends_on, t.participants, t.audience)
        for t in store.training(assessment.agency_id, since, until)
    ) if assessment.agency_id else ()
    return Earlier(previous.answer_values(), since, previous.reference, training, tuple(store.adjustment_specs(previous)))
