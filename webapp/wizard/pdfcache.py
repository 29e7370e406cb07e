"""Rendered PDFs, cached in the database so that every worker and every server shares them.

The key covers everything a PDF depends on: the assessment and its version (every save bumps
it), the language, and a digest of the questionnaire, the catalogue and the report templates and
styles. An unchanged report is rendered once; a repeat download reads one row.

A browser that holds the current key (ETag) gets 304 without the PDF being read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import delete, select

from reports.isolated import render_pdf_isolated
from webapp.core.db import db
from webapp.core.models import Assessment, RenderedReport

ROOT = Path(__file__).resolve().parents[2]
REPORTS_DIR = ROOT / "reports"


def _code_files() -> list[Path]:
    """Everything besides the definitions, templates and styles that can change what a PDF
    says: the engine's code, its label and country files, and the compiled translations."""
    files: list[Path] = []
    for package in ("questionnaires", "reports"):
        files += sorted((ROOT / package).glob("*.py")) + sorted((ROOT / package).glob("*.yaml"))
    return files + sorted((ROOT / "translations").glob("*/LC_MESSAGES/*.mo"))


def code_digest() -> str:
    digest = hashlib.sha256()
    for path in _code_files():
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def definitions_digest(*files: Path | str) -> str:
    """A digest of the definition files, every template and asset the report uses, and the
    code and compiled translations that build it: a deploy that changes any of them never
    serves a PDF rendered before."""
    digest = hashlib.sha256()
    paths = [Path(f) for f in files]
    paths += sorted((REPORTS_DIR / "templates").glob("*")) + sorted((REPORTS_DIR / "static").glob("*"))
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(code_digest().encode())
    return digest.hexdigest()


def cache_key(assessment: Assessment, language: str, digest: str) -> str:
    return _key(assessment.id, assessment.version, language, digest)


def _key(assessment_id: str, version: int, language: str, digest: str) -> str:
    return hashlib.sha256(f"{assessment_id}:{version}:{language}:{digest}".encode()).hexdigest()




def current_key(token: str, language: str, digest: str) -> tuple[str, str] | None:
    """(cache key, reference) of the report as it stands now; None when the link is unknown."""
    row = db.session.execute(select(Assessment.id, Assessment.version).where(Assessment.token == token)).first()
    return None if row is None else (_key(row.id, row.version, language, digest), Assessment.reference_for(row.id))


def stored_pdf(key: str) -> bytes | None:
    return db.session.scalar(select(RenderedReport.pdf).where(RenderedReport.key == key))


def render_and_store(assessment: Assessment, key: str, html: Callable[[], str]) -> bytes:
    # The render runs in a child process at low priority; its memory is returned when it ends.
    pdf = render_pdf_isolated(html())
    # Renders of older versions can never be asked for again; other languages of this version can.
    db.session.execute(
        delete(RenderedReport).where(
            RenderedReport.assessment_id == assessment.id, RenderedReport.assessment_version < assessment.version
        )
    )
    db.session.merge(RenderedReport(key=key, assessment_id=assessment.id, assessment_version=assessment.version, pdf=pdf))
    db.session.commit()
    return pdf
