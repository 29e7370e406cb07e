"""Integrity faults found by probing the running app: no answer lost, no published figure
changed. Each test failed before its fix."""

from __future__ import annotations

from sqlalchemy import update

from tests.helpers import Browser
from tests.helpers import PROFILE, form_data
from tests.helpers import start


def test_an_invitation_is_used_once_even_when_two_acceptances_race(app, people):
    from webapp.accounts import service as accounts
    from webapp.core.db import db
    from webapp.core.models import Invitation, User
    from webapp.core.models import utcnow

    with app.test_request_context():
        user = accounts.create_user("racer@example.org", "Racer", "donor")
        token = accounts.invite(user, None)
        invitation = accounts.open_invitation(token)
        assert invitation is not None
        # Another request accepts the same invitation between this one's read and its write.
        with db.engine.begin() as other:
            other.execute(update(Invitation).where(Invitation.id == invitation.id).values(accepted_at=utcnow()))
        assert accounts.accept_invitation(invitation, "another strong passphrase") is None
        db.session.expire_all()
        assert db.session.get(User, user.id).password_hash is None


def test_the_pdf_cache_key_covers_the_code_and_the_compiled_translations(tmp_path, monkeypatch):
    import webapp.core.pdfs as pdfcache

    covered = {str(p.relative_to(pdfcache.ROOT)) for p in pdfcache._code_files()}
    assert {"reports/recommend.py", "reports/build.py", "questionnaires/scoring.py", "reports/labels.yaml",
            "questionnaires/un-states.yaml"} <= covered
    assert any(name.endswith("LC_MESSAGES/messages.mo") for name in covered)
    # A change to any covered file changes the digest (on copies, not the source tree).
    copies = [tmp_path / "scoring.py", tmp_path / "messages.mo"]
    for copy in copies:
        copy.write_bytes(b"original")
    monkeypatch.setattr(pdfcache, "ROOT", tmp_path)
    monkeypatch.setattr(pdfcache, "_code_files", lambda: copies)
    before = pdfcache.code_digest()
    assert before == pdfcache.code_digest(), "stable for the same files"
    for copy in copies:
        copy.write_bytes(b"changed")
        assert pdfcache.code_digest() != before
        copy.write_bytes(b"original")


def _saved(app, token):
    from sqlalchemy import select

    from webapp.core.db import db
    from webapp.core.models import Assessment

    with app.app_context():
        return db.session.scalar(select(Assessment).where(Assessment.token == token)).answer_values()


def test_a_save_for_later_with_no_fields_erases_nothing(app, browser, questionnaire):
    token = start(browser)
    url = f"/a/{token}/section/profile"
    browser.get(url)
    browser.post(url, form_data(questionnaire.profile, dict(PROFILE)), status=302)
    before = _saved(app, token)
    assert len(before) == 6
    browser.get(url)
    browser.post(url, {"action": "save"}, status=302)
    assert _saved(app, token) == before


def test_only_questions_the_page_showed_and_the_form_carries_may_change(app, browser, questionnaire):
    token = start(browser)
    url = f"/a/{token}/section/profile"
    browser.get(url)
    browser.post(url, form_data(questionnaire.profile, dict(PROFILE)), status=302)
    before = _saved(app, token)
    browser.get(url)
    data = form_data(questionnaire.profile, dict(PROFILE, agency_name="Renamed"))
    del data["q_agency_type"]          # a radio group cut from the body
    data["shown"].remove("country")    # a question the page did not show
    data["q_country"] = ""
    browser.post(url, data, status=302)
    after = _saved(app, token)
    assert after["agency_name"] == "Renamed"
    assert after["agency_type"] == before["agency_type"] and after["country"] == before["country"]
    # A body that lists the shown questions but carries no field for a group of boxes (not
    # even the group's empty marker) leaves its saved answer alone.
    assert before["borders"]
    assert '<input type="hidden" name="q_borders" value="">' in browser.get(url).get_data(as_text=True)
    data = form_data(questionnaire.profile, dict(PROFILE))
    del data["q_borders"]
    browser.post(url, dict(data, action="save"), status=302)
    assert _saved(app, token)["borders"] == before["borders"]
    # Unticking every box of a shown multiple-choice question sends only the marker: it clears.
    browser.get(url)
    data = form_data(questionnaire.profile, dict(PROFILE))
    data["q_borders"] = [""]
    browser.post(url, dict(data, action="save"), status=302)
    assert "borders" not in _saved(app, token)


def _training_page(app, browser, questionnaire, token):
    url = f"/a/{token}/section/training"
    html = browser.get(url).get_data(as_text=True)
    import re

    version = int(re.search(r'name="base_version" value="(\d+)"', html).group(1))
    return url, version


def _confidential_ids(app, token):
    from sqlalchemy import select

    from webapp.core.db import db
    from webapp.core.models import Assessment
    from webapp.core.store import confidential_ids

    with app.app_context():
        return confidential_ids(db.session.scalar(select(Assessment).where(Assessment.token == token)))


def _with_comments(questionnaire, text, confidential):
    data = form_data(questionnaire.section("training"), dict(PROFILE, train_comments=text))
    if confidential:
        data["confidential"] = ["train_comments"]
    return data


def test_a_stale_tab_cannot_remove_a_confidential_mark(app, browser, questionnaire):
    token = start(browser)
    browser.get(f"/a/{token}/section/profile")
    browser.post(f"/a/{token}/section/profile", form_data(questionnaire.profile, dict(PROFILE)), status=302)
    url, _ = _training_page(app, browser, questionnaire, token)
    browser.post(url, dict(_with_comments(questionnaire, "Our budget is 10,000", False), action="save"), status=302)
    url, stale = _training_page(app, browser, questionnaire, token)   # the second tab opens here
    _training_page(app, browser, questionnaire, token)
    browser.post(url, dict(_with_comments(questionnaire, "Our budget is 10,000", True), action="save"), status=302)
    assert _confidential_ids(app, token) == {"train_comments"}
    # The second tab saves the page unchanged, with the box unticked as it was shown.
    response = browser.post(url, dict(_with_comments(questionnaire, "Our budget is 10,000", False), action="save",
                                      base_version=stale), status=409)
    assert "These answers were changed somewhere else" in response.get_data(as_text=True)
    assert _confidential_ids(app, token) == {"train_comments"}


def test_a_stale_tab_cannot_bring_back_a_cleared_answer(app, browser, questionnaire):
    token = start(browser)
    browser.get(f"/a/{token}/section/profile")
    browser.post(f"/a/{token}/section/profile", form_data(questionnaire.profile, dict(PROFILE)), status=302)
    url, _ = _training_page(app, browser, questionnaire, token)
    browser.post(url, dict(_with_comments(questionnaire, "Old note", False), action="save"), status=302)
    url, stale = _training_page(app, browser, questionnaire, token)
    _training_page(app, browser, questionnaire, token)
    browser.post(url, dict(_with_comments(questionnaire, "", False), action="save"), status=302)
    assert "train_comments" not in _saved(app, token)
    response = browser.post(url, dict(_with_comments(questionnaire, "Old note", False), action="save",
                                      base_version=stale), status=409)
    assert "These answers were changed somewhere else" in response.get_data(as_text=True)
    assert "train_comments" not in _saved(app, token)
    # Saving on top of the current version is allowed, and the answer comes back then.
    url, current = _training_page(app, browser, questionnaire, token)
    browser.post(url, dict(_with_comments(questionnaire, "New note", False), action="save", base_version=current), status=302)
    assert _saved(app, token)["train_comments"] == "New note"


def _post_chunked(app, browser, url, body: bytes):
    """POST as a server hands over a chunked body: no Content-Length, and the input ends where
    the body ends. The test client would add a Content-Length, so the app is called directly."""
    import io

    from werkzeug.test import EnvironBuilder, run_wsgi_app

    environ = EnvironBuilder(path=url, method="POST", input_stream=io.BytesIO(body), headers={
        "Transfer-Encoding": "chunked", "Content-Type": "application/x-www-form-urlencoded"}).get_environ()
    del environ["CONTENT_LENGTH"]
    environ["wsgi.input_terminated"] = True
    browser.client._add_cookies_to_wsgi(environ)
    app_iter, status, _headers = run_wsgi_app(app, environ, buffered=True)
    return int(status.split()[0]), b"".join(app_iter).decode()


def test_an_oversized_chunked_body_gets_413_and_erases_nothing(app, browser, questionnaire):
    from urllib.parse import urlencode

    token = start(browser)
    url = f"/a/{token}/section/profile"
    browser.get(url)
    browser.post(url, form_data(questionnaire.profile, dict(PROFILE)), status=302)
    before = _saved(app, token)
    csrf = browser.csrf(url)
    fields = dict(csrf_token=csrf, action="save", q_agency_name="x" * 200, shown="agency_name")
    body = (urlencode(fields) + "&q_train_comments=" + "y" * 800_000).encode()
    status, page = _post_chunked(app, browser, url, body)
    assert status == 413
    assert "Too much text" in page
    assert _saved(app, token) == before
    # A chunked body within the limit is read whole.
    small = urlencode(dict(csrf_token=csrf, action="save", q_agency_name="Chunked Name", shown="agency_name")).encode()
    status, _page = _post_chunked(app, browser, url, small)
    assert status == 302
    assert _saved(app, token)["agency_name"] == "Chunked Name"


def test_a_new_draft_does_not_rewrite_what_was_published(app, questionnaire, people):
    from tests.helpers import assessment_id, publish_as_ta, sign_in, submitted_assessment

    profile = dict(PROFILE, agency_name="Coast Guard, as published", country="KE")
    token = submitted_assessment(app, questionnaire, profile)
    publish_as_ta(app, sign_in(app, "ta@x.test"), assessment_id(app, token))
    donor = sign_in(app, "donor@x.test")
    plan = donor.get("/portfolio/work-plan.csv").get_data(as_text=True)
    assert "Coast Guard, as published" in plan

    # A new draft for the same agency, changed through its private link alone.
    official = Browser(app.test_client())
    draft = _new_draft_for_same_agency(app, token)
    url = f"/a/{draft}/section/profile"
    official.get(url)
    official.post(url, form_data(questionnaire.profile, dict(profile, agency_name="Renamed in a draft", country="GH",
                                                          agency_type="customs")), status=302)

    plan = donor.get("/portfolio/work-plan.csv").get_data(as_text=True)
    assert "Coast Guard, as published" in plan and "Renamed in a draft" not in plan
    assert "Renamed in a draft" not in donor.get("/portfolio/").get_data(as_text=True)
    by_country = donor.get("/portfolio/work-plan.csv?country=KE").get_data(as_text=True)
    assert "Coast Guard, as published" in by_country
    assert "Coast Guard, as published" not in donor.get("/portfolio/work-plan.csv?country=GH").get_data(as_text=True)
    assert "Coast Guard, as published" not in donor.get("/portfolio/work-plan.csv?agency_type=customs").get_data(as_text=True)


def _new_draft_for_same_agency(app, token) -> str:
    """A second assessment of the agency, as an official starts one for it."""
    from sqlalchemy import select

    from webapp.core.db import db
    from webapp.core.models import Assessment

    with app.app_context():
        first = db.session.scalar(select(Assessment).where(Assessment.token == token))
        draft = Assessment(agency_id=first.agency_id, questionnaire_id=first.questionnaire_id,
                           questionnaire_version=first.questionnaire_version, language="en")
        db.session.add(draft)
        db.session.commit()
        return draft.token
