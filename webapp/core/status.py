"""Assessment statuses, in the order an assessment moves through them."""

from flask_babel import lazy_gettext as _l

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
# Officials may change answers only in these states.
EDITABLE = (DRAFT, CLARIFICATION)


def status_label(status: str) -> str:
    return str(LABELS.get(status, status))
