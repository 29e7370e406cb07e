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
from webapp.core import store
from webapp.core.models import Assessment
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
                        store.adjustment_specs(assessment), store.review_info(assessment))
