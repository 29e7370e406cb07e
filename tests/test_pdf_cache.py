"""Every PDF route goes through one cache: a second request for the same PDF renders nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.helpers import pdf_text


@pytest.fixture
def renders(monkeypatch):
    import webapp.core.pdfs as pdfs

    calls: list[int] = []
    real = pdfs.render_pdf_isolated
    monkeypatch.setattr(pdfs, "render_pdf_isolated", lambda html: calls.append(1) or real(html))
    return calls


def stored(app, scope_prefix: str) -> int:
    from webapp.core.db import db
    from webapp.core.models import RenderedReport

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(RenderedReport).where(RenderedReport.scope.startswith(scope_prefix)))


def test_the_blank_form_is_rendered_once_per_type_and_language(app, browser, renders):
    first = browser.get("/blank.pdf?agency_type=customs&lang=en")
    second = browser.get("/blank.pdf?agency_type=customs&lang=en")
    assert first.data == second.data and len(renders) == 1
    assert first.headers["Cache-Control"] == "public, max-age=3600"
    assert first.headers["Content-Disposition"] == 'attachment; filename="questionnaire-customs-en.pdf"'
    assert "Customs" in pdf_text(first.data)
    browser.get("/blank.pdf?agency_type=customs&lang=en", status=304, headers={"If-None-Match": first.headers["ETag"]})
    french = browser.get("/blank.pdf?agency_type=customs&lang=fr")
    assert len(renders) == 2 and french.headers["ETag"] != first.headers["ETag"]
    browser.get("/blank.pdf?agency_type=customs&lang=fr")
    assert len(renders) == 2 and stored(app, "blank") == 2


def test_a_deploy_that_changes_the_definitions_renders_again(app, browser, renders):
    browser.get("/blank.pdf?lang=en")
    app.extensions["tna.digest"] = "another deploy"
    again = browser.get("/blank.pdf?lang=en")
    assert len(renders) == 2 and again.data.startswith(b"%PDF")
    assert stored(app, "blank") == 1, "renders of the earlier deploy are dropped"


def test_the_national_report_is_rendered_once_per_state(app, people, questionnaire, renders):
    from tests.helpers import ghana
    from tests.helpers import sign_in

    ids = ghana(app, questionnaire)
    ta = sign_in(app, people["ta"][0])
    ta.get("/national/new?country=GH")
    response = ta.post("/national/", {"country": "GH", "assessment": [ids["coast"], ids["immigration"]]}, status=302)
    report_id = response.headers["Location"].rsplit("/", 1)[1]
    first = ta.get(f"/national/{report_id}.pdf")
    second = ta.get(f"/national/{report_id}.pdf")
    assert first.data == second.data and len(renders) == 1
    assert first.headers["Cache-Control"].startswith("private")
    ta.get(f"/national/{report_id}.pdf", status=304, headers={"If-None-Match": first.headers["ETag"]})
    # Published: the cover says so, so it is rendered again, and the draft's render is dropped.
    ta.get(f"/national/{report_id}")
    ta.post(f"/national/{report_id}/publish", {}, status=302)
    published = ta.get(f"/national/{report_id}.pdf")
    assert len(renders) == 2 and published.headers["ETag"] != first.headers["ETag"]
    assert "Published" in pdf_text(published.data)
    assert stored(app, "national:") == 1
    # A reviewer's change to an included assessment changes the national plan.
    from webapp.core.db import db
    from webapp.core.models import Assessment, User
    from webapp.review import service as review

    with app.app_context():
        assessment = db.session.get(Assessment, ids["coast"])
        review.adjust(assessment, db.session.get(User, people["ta"][1]), "toolkit", "tool-1", "add", "high", "Asked for")
    ta.get(f"/national/{report_id}.pdf")
    assert len(renders) == 3


def test_the_assessment_report_is_rendered_once_per_version(app, browser, questionnaire, renders):
    from tests.helpers import submitted_assessment

    token = submitted_assessment(app, questionnaire, browser=browser)
    first = browser.get(f"/a/{token}/report.pdf")
    assert browser.get(f"/a/{token}/report.pdf").data == first.data and len(renders) == 1
    browser.get(f"/a/{token}/report.pdf?lang=es")
    assert len(renders) == 2 and stored(app, "assessment:") == 2
    browser.get("/a/not-a-real-token-at-all-xx/report.pdf", status=404)
    browser.get("/a/" + "x" * 200 + "/report.pdf", status=404)
