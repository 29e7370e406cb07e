"""Hostile input: random and malicious data on every form never gives a 500; text is escaped."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import ROOT, Browser
from tests.helpers import PROFILE, form_data, pdf_text
from tests.helpers import start, walk

HOSTILE = [
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)",
    "' OR 1=1 --", "{{ 7*7 }}", "{% raw %}", "\x00", "\u202e", "file:///etc/passwd",
    "http://127.0.0.1:1/", "dont-know", "not-applicable", "none", "-1", "1e309", "9" * 400, "é" * 3000,
]
text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=300))
value = st.one_of(text, st.lists(text, max_size=4))
OK_STATUSES = {200, 302, 308, 400, 404, 405, 409, 413}


@pytest.fixture
def fuzz_target(app, questionnaire):
    browser = Browser(app.test_client())
    token = start(browser)
    browser.post(f"/a/{token}/section/profile", form_data(questionnaire.profile, dict(PROFILE)), csrf_from=f"/a/{token}/section/profile", status=302)
    csrf = browser.csrf(f"/a/{token}/section/profile")
    return app, browser.client, token, csrf


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_and_hostile_posts_never_500(fuzz_target, questionnaire, data):
    app, client, token, csrf = fuzz_target
    sections = [s.id for s in questionnaire.all_sections()] + ["unknown", "../check"]
    section_id = data.draw(st.sampled_from(sections))
    section = questionnaire.section(section_id)
    names = [f"q_{q.id}" for q in section.questions] if section else []
    names += ["action", "shown", "base_version", "return", "creation_key", "q_nope"]
    form = data.draw(st.dictionaries(st.sampled_from(names), value, max_size=len(names)))
    form["csrf_token"] = data.draw(st.sampled_from([csrf, csrf, "", "forged"]))
    url = data.draw(st.sampled_from([f"/a/{token}/section/{section_id}", f"/a/{token}/submit", "/start"]))
    response = client.post(url, data=form)
    assert response.status_code in OK_STATUSES, (url, form, response.status_code)
    assert response.status_code != 500


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80), query=st.text(max_size=80))
def test_random_urls_never_500(fuzz_target, path, query):
    app, client, token, _ = fuzz_target
    for url in [f"/a/{path}", f"/a/{token}/section/{path}", f"/resume?link={query}"]:
        try:
            response = client.get(url)
        except ValueError:  # the test client itself refuses some byte sequences
            continue
        assert response.status_code in OK_STATUSES, (url, response.status_code)


def test_xss_in_every_free_text_field_is_escaped_in_html_and_pdf(app, browser, questionnaire):
    payload = '<script>alert("x")</script><img src=file:///etc/passwd>'
    text_questions = [q for q in questionnaire.all_questions() if q.type == "text"]
    assert len(text_questions) >= 2
    chosen = dict(PROFILE, **{q.id: f"{q.id} {payload}" for q in text_questions})
    token = start(browser)
    walk(browser, questionnaire, token, chosen)
    pages = [browser.get(f"/a/{token}/check").get_data(as_text=True), browser.get(f"/a/{token}/report").get_data(as_text=True)]
    for html in pages:
        assert "<script>alert" not in html and "<img src=file" not in html
        for q in text_questions:
            assert f"{q.id} &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    pdf = browser.get(f"/a/{token}/report.pdf").data
    text = pdf_text(pdf).replace("\n", "")
    for q in text_questions:
        assert f'{q.id} <script>alert("x")</script>' in text
    assert "root:x:0" not in text


def test_bandit_finds_nothing_of_medium_severity_or_above():
    bandit = shutil.which("bandit", path=str(Path(sys.executable).parent))
    if bandit is None:
        pytest.skip("bandit is not installed")
    result = subprocess.run(
        [bandit, "-q", "-r", "webapp", "reports", "questionnaires", "-ll", "-f", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    import json

    findings = json.loads(result.stdout)["results"]
    assert findings == [], [(f["test_id"], f["filename"], f["line_number"]) for f in findings]


def test_session_cookie_flags_and_idle_timeout(app, browser):
    response = browser.get("/")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires=" in cookie, "the session ends after an idle period"
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 8 * 3600
    assert "Secure" not in cookie, "plain HTTP in tests"


def test_https_deployment_gets_secure_cookies_and_hsts(tmp_path, monkeypatch):
    from webapp import create_app

    monkeypatch.setenv("TNA_INSTANCE", str(tmp_path))
    monkeypatch.setenv("TNA_HTTPS", "1")
    app = create_app({"SECRET_KEY": "s", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'h.sqlite3'}"})
    response = app.test_client().get("/", base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_session_older_than_the_idle_limit_is_dropped(app, browser):
    import datetime as dt

    browser.get("/")
    browser.post("/start", {"creation_key": "fresh"}, status=302)
    browser.get("/")
    app.permanent_session_lifetime = dt.timedelta(seconds=-1)
    response = browser.post("/start", {"creation_key": "stale"}, status=400)
    assert "session has expired" in response.get_data(as_text=True)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_engine_reads_what_the_form_shows(app, questionnaire, data):
    """A page is checked without its form, which is built only to show the page again. Both
    must read the same thing from any submission, hostile ones included."""
    from werkzeug.datastructures import MultiDict

    from webapp.wizard.forms import field_name, read_answer, section_form, submitted, to_value

    section = data.draw(st.sampled_from(list(questionnaire.all_sections())))
    names = [field_name(q) for q in section.questions]
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(names), text), max_size=12))
    formdata = MultiDict(pairs)
    with app.test_request_context(method="POST"):
        form = section_form(section, "en", formdata=formdata)
        for question in section.questions:
            shown = form[field_name(question)].data
            assert to_value(question, submitted(question, formdata)) == to_value(question, shown)
            assert read_answer(question, formdata)[0] == to_value(question, shown)[0]


def test_nul_characters_are_refused_before_the_database(app, browser, questionnaire):
    """PostgreSQL cannot store a NUL character and no browser sends one: a link or a form that
    holds one gets the 400 page, and the answers saved before stay as they were."""
    from tests.helpers import profile_done, saved

    token, answers = profile_done(browser, questionnaire)
    url = f"/a/{token}/section/profile"
    browser.get(url)
    data = form_data(questionnaire.profile, dict(answers))
    data["q_agency_name"] = "Border\x00Police"
    html = browser.post(url, data, status=400).get_data(as_text=True)
    assert "The form could not be read" in html
    assert saved(app, token)["agency_name"] == PROFILE["agency_name"]
    csrf = browser.csrf("/")
    assert browser.client.post("/start", data={"creation_key": "\x00", "csrf_token": csrf}).status_code == 400
    assert browser.client.get(f"/a/{token}%00/").status_code == 400
    assert browser.client.get(f"/a/{token}/report?lang=%00").status_code == 400
    assert browser.client.get(f"/a/{token}/report").status_code == 200
