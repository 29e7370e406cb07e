"""Rendered PDFs, cached in the database so that every worker and every server shares them.

The key covers everything a PDF depends on: the assessment and its version (every save bumps
it), the language, and a digest of the questionnaire, the catalogue and the report templates and
styles. An unchanged report is rendered once; a repeat download reads one row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from flask import has_request_context, request
from sqlalchemy import bindparam, delete, select

from reports.isolated import render_pdf_isolated

from .db import db
from .models import Assessment, RenderedReport
from .turns import waiting

REPORTS_DIR = Path(__file__).resolve().parent.parent / "reports"


def definitions_digest(*files: Path | str) -> str:
    """A digest of the definition files and of every template and asset the report uses."""
    digest = hashlib.sha256()
    paths = [Path(f) for f in files]
    paths += sorted((REPORTS_DIR / "templates").glob("*")) + sorted((REPORTS_DIR / "static").glob("*"))
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(assessment: Assessment, language: str, digest: str) -> str:
    return _key(assessment.id, assessment.version, language, digest)


def _key(assessment_id: str, version: int, language: str, digest: str) -> str:
    return hashlib.sha256(f"{assessment_id}:{version}:{language}:{digest}".encode()).hexdigest()


# Prebuilt Core statements: a repeat download runs only these two.
_VERSION_BY_TOKEN = select(Assessment.__table__.c.id, Assessment.__table__.c.version).where(
    Assessment.__table__.c.token == bindparam("token")
)
_PDF_BY_KEY = select(RenderedReport.__table__.c.pdf).where(RenderedReport.__table__.c.key == bindparam("key"))


def cached_pdf_for_token(token: str, language: str, digest: str) -> tuple[bytes, str, str] | None:
    """The fast path of a repeat download: one query, no ORM objects.

    Returns (pdf, cache key, reference), or None when the link is unknown or nothing is cached.
    """
    # A connection of its own, without an ORM session: nothing here needs one.
    with db.engine.connect() as connection:
        row = connection.execute(_VERSION_BY_TOKEN, {"token": token}).first()
        if row is None:
            return None
        key = _key(row.id, row.version, language, digest)
        pdf = connection.execute(_PDF_BY_KEY, {"key": key}).scalar()
    return None if pdf is None else (pdf, key, Assessment.reference_for(row.id))


def render_and_store(assessment: Assessment, key: str, html: Callable[[], str]) -> bytes:
    document = html()
    # The render runs in a child process; meanwhile this worker serves other requests.
    with waiting(request.environ if has_request_context() else {}):
        pdf = render_pdf_isolated(document)
    # Renders of older versions can never be asked for again; other languages of this version can.
    db.session.execute(
        delete(RenderedReport).where(
            RenderedReport.assessment_id == assessment.id, RenderedReport.assessment_version < assessment.version
        )
    )
    db.session.merge(RenderedReport(key=key, assessment_id=assessment.id, assessment_version=assessment.version, pdf=pdf))
    db.session.commit()
    return pdf
