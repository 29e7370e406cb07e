"""The private link, for the views: a token in a URL opens its assessment, or the page is a 404."""

from __future__ import annotations

from flask import abort

from webapp.core import store
from webapp.core.models import Assessment


def assessment_or_404(token: str) -> Assessment:
    assessment = store.find_by_token(token)
    if assessment is None:
        abort(404)
    return assessment
