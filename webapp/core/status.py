"""Assessment statuses, in the order an assessment moves through them."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

DRAFT = "draft"
SUBMITTED = "submitted"
CLARIFICATION = "clarification"
REVIEWED = "reviewed"
PUBLISHED = "published"
STATUSES = (DRAFT, SUBMITTED, CLARIFICATION, REVIEWED, PUBLISHED)
LABELS = {
    DRAFT: _l("Draft"),
    SUBMITTED: _l("Submitted"),
    CLARIFICATION: _l("Clarification asked"),
    REVIEWED: _l("Reviewed"),
    PUBLISHED: _l("Published"),
}
# In the queue's filter a status names a set of assessments, which French and Spanish write in the
# plural. Drafts are never in the queue.
FILTER_LABELS = {
    SUBMITTED: lazy_pgettext("assessments", "Submitted"),
    CLARIFICATION: lazy_pgettext("assessments", "Clarification asked"),
    REVIEWED: lazy_pgettext("assessments", "Reviewed"),
    PUBLISHED: lazy_pgettext("assessments", "Published"),
}
# A national report is a "rapport" and an "informe": the word agrees with it, not with an assessment.
NATIONAL_LABELS = {DRAFT: lazy_pgettext("national report", "Draft"), PUBLISHED: lazy_pgettext("national report", "Published")}
# Officials may change answers only in these states.
EDITABLE = (DRAFT, CLARIFICATION)


def status_label(status: str) -> str:
    return str(LABELS.get(status, status))


def national_status_label(status: str) -> str:
    return str(NATIONAL_LABELS.get(status, status))
