"""Rendered PDFs, cached in the database so that every worker and every server shares them.

The key covers everything a PDF depends on: the assessment and its version (every save bumps
it), the language, and a digest of the questionnaire, the catalogue and the report templates and
styles. An unchanged report is rendered once; a repeat download reads one row.

Since a key names exactly one PDF, forever, each server also keeps a copy of the PDFs it has
served in its instance folder (pdf-cache/<key>.pdf). A repeat download then reads the
assessment's version from the database and sends the file; the database stays the one
source, and a server that has no copy yet takes it from there.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from flask import current_app, has_request_context, request
from sqlalchemy import bindparam, delete, select

from reports.isolated import render_pdf_isolated

from .db import db
from .models import Assessment, RenderedReport
from .turns import waiting

REPORTS_DIR = Path(__file__).resolve().parent.parent / "reports"


ROOT = REPORTS_DIR.parent


def _code_files() -> list[Path]:
    """Everything that can change what a PDF says: the engine's code and the compiled
    translations, as well as the templates and styles."""
    files = sorted((ROOT / "questionnaires").glob("*.py")) + sorted(REPORTS_DIR.glob("*.py"))
    files += sorted((ROOT / "translations").glob("*/LC_MESSAGES/*.mo"))
    return files


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


# Prebuilt Core statements: a repeat download runs only these two.
_VERSION_BY_TOKEN = select(Assessment.__table__.c.id, Assessment.__table__.c.version).where(
    Assessment.__table__.c.token == bindparam("token")
)
_PDF_BY_KEY = select(RenderedReport.__table__.c.pdf).where(RenderedReport.__table__.c.key == bindparam("key"))


def current_key(token: str, language: str, digest: str) -> tuple[str, str] | None:
    """The fast path of a repeat download: (cache key, reference) of the report as it stands
    now, from one small query with no ORM objects; None when the link is unknown."""
    # A connection of its own, without an ORM session: nothing here needs one.
    with db.engine.connect() as connection:
        row = connection.execute(_VERSION_BY_TOKEN, {"token": token}).first()
    return None if row is None else (_key(row.id, row.version, language, digest), Assessment.reference_for(row.id))


def stored_pdf(key: str) -> bytes | None:
    with db.engine.connect() as connection:
        return connection.execute(_PDF_BY_KEY, {"key": key}).scalar()


# Local copies kept per server; the oldest go first beyond this many.
LOCAL_COPIES = 200


def _local_dir() -> Path:
    return Path(current_app.instance_path) / "pdf-cache"


def local_copy(key: str) -> bytes | None:
    try:
        return (_local_dir() / f"{key}.pdf").read_bytes()
    except OSError:
        return None


def keep_local_copy(key: str, pdf: bytes) -> None:
    """Write the copy atomically (workers may race for the same key), then drop the oldest
    copies beyond LOCAL_COPIES. A copy that cannot be written is only a missed shortcut."""
    folder = _local_dir()
    temporary = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(pdf)
        os.replace(temporary, folder / f"{key}.pdf")
    except OSError:
        current_app.logger.warning("could not keep a local copy of PDF %s", key, exc_info=True)
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        return
    copies = []
    for path in folder.glob("*.pdf"):
        with contextlib.suppress(FileNotFoundError):  # another worker may be pruning too
            copies.append((path.stat().st_mtime, path))
    for _, old in sorted(copies)[:-LOCAL_COPIES]:
        with contextlib.suppress(FileNotFoundError):
            old.unlink()


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
