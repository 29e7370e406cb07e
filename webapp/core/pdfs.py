"""Every PDF the app serves, through one cache in the database, shared by every worker and server.

A PDF is named by a key that covers everything it depends on: what it shows (an assessment at
its version, a national report at its last change, the blank form of an agency type), the
language, and a digest of the definitions, templates, styles, code and translations. A key
names one PDF forever: a repeat download reads one row, and a browser that holds the key
(ETag) gets 304 without the PDF being read. On a miss the PDF is rendered in a child process
at low priority (reports/isolated.py), never in the web worker.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Response, current_app, request
from sqlalchemy import delete, select

from reports.isolated import render_pdf_isolated
from webapp.core.db import db
from webapp.core.models import RenderedReport

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
    """A digest of the definition files, every template and asset the reports use, and the
    code and compiled translations that build them: a deploy that changes any of them never
    serves a PDF rendered before."""
    digest = hashlib.sha256()
    paths = [Path(f) for f in files]
    paths += sorted((REPORTS_DIR / "templates").glob("*")) + sorted((REPORTS_DIR / "static").glob("*"))
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(code_digest().encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class PdfKey:
    """What one PDF depends on.

    scope: what it shows ("assessment:<id>", "national:<id>", "blank").
    stamp: the state of the scope it shows (a version, a digest of the last change).
    variant: what else it depends on within that state (the language, the agency type).

    Storing a render of a new state (a new stamp, or a deploy that changed the digest) drops
    the scope's renders of every other state: they can never be asked for again.
    """

    scope: str
    stamp: str
    variant: str
    assessment_id: str | None = None  # renders of an assessment are deleted with it

    @property
    def state(self) -> str:
        return stamp_of(self.stamp, current_app.extensions["tna.digest"])

    @property
    def value(self) -> str:
        return hashlib.sha256(f"{self.scope}:{self.state}:{self.variant}".encode()).hexdigest()


def stamp_of(*parts: object) -> str:
    """A short, stable stamp of the state a PDF shows."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def stored_pdf(key: str) -> bytes | None:
    return db.session.scalar(select(RenderedReport.pdf).where(RenderedReport.key == key))


def _store(key: PdfKey, value: str, pdf: bytes) -> None:
    # Renders of another state can never be asked for again; other variants of this one can.
    state = key.state
    db.session.execute(delete(RenderedReport).where(RenderedReport.scope == key.scope, RenderedReport.stamp != state))
    db.session.merge(RenderedReport(key=value, scope=key.scope, stamp=state, assessment_id=key.assessment_id, pdf=pdf))
    db.session.commit()


def pdf_download(key: PdfKey, build_html: Callable[[], str], filename: str, public: bool = False) -> Response:
    """The PDF named by `key`, as a download: 304 for a browser that has it, else the stored
    rendering, else `build_html()` rendered in a child process and stored."""
    value = key.value
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        # A private PDF is checked with the server each time (the ETag makes that cheap);
        # the blank form is the same for everyone.
        "Cache-Control": "public, max-age=3600" if public else "private, no-cache",
        "ETag": f'"{value}"',
    }
    if request.if_none_match.contains(value):
        return Response(status=304, headers=headers)
    data = stored_pdf(value)
    if data is None:
        data = render_pdf_isolated(build_html())
        _store(key, value, data)
    return Response(data, mimetype="application/pdf", headers=headers)
