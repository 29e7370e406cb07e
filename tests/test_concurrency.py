"""Concurrency and faults: every case loses nothing."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap

from sqlalchemy import func, select

from tests.helpers import Browser
from tests.helpers import form_data
from tests.helpers import profile_done, saved
from tests.helpers import start


def test_two_tabs_stale_save_is_refused_and_shows_both_values(app, browser, questionnaire):
    token, answers = profile_done(browser, questionnaire)
    url = f"/a/{token}/section/profile"
    tab_a, tab_b = browser, Browser(app.test_client())
    tab_a.get(url)
    tab_b.get(url)

    data_b = form_data(questionnaire.profile, dict(answers))
    data_b["q_agency_name"] = "Name from tab B"
    tab_b.post(url, data_b, status=302)

    data_a = form_data(questionnaire.profile, dict(answers))
    data_a["q_agency_name"] = "Name from tab A"
    html = tab_a.post(url, data_a, status=409).get_data(as_text=True)
    assert "These answers were changed somewhere else" in html
    assert "Name from tab B" in html and "Name from tab A" in html
    assert saved(app, token)["agency_name"] == "Name from tab B", "the newer answer is kept"

    # Saving again from the conflict page is a deliberate choice: it goes through.
    tab_a.post(url, data_a, status=302)
    assert saved(app, token)["agency_name"] == "Name from tab A"


def test_stale_tab_that_sends_the_same_values_is_not_a_conflict(app, browser, questionnaire):
    token, answers = profile_done(browser, questionnaire)
    url = f"/a/{token}/section/profile"
    tab_a, tab_b = browser, Browser(app.test_client())
    tab_a.get(url)
    tab_b.get(url)
    tab_b.post(url, form_data(questionnaire.profile, dict(answers)), status=302)
    tab_a.post(url, form_data(questionnaire.profile, dict(answers)), status=302)


def test_save_that_loses_a_race_is_refused_and_shows_both_values(app, browser, questionnaire, monkeypatch):
    """Another save commits after this page read the answers and before it writes: the
    version check refuses this one, and the page shows the answer the other save made."""
    from sqlalchemy import update

    import webapp.core.store
    from webapp.core.db import db
    from webapp.core.models import Answer, Assessment

    token, answers = profile_done(browser, questionnaire)
    url = f"/a/{token}/section/profile"
    browser.get(url)
    check = webapp.core.store.newer_answers

    def read_then_lose_the_race(assessment, *args):
        newer = check(assessment, *args)
        with db.engine.begin() as other:  # another worker's connection
            other.execute(update(Answer).where(Answer.assessment_id == assessment.id, Answer.question_id == "agency_name")
                          .values(value="Name from the other save"))
            other.execute(update(Assessment).where(Assessment.id == assessment.id).values(version=Assessment.version + 1))
        return newer

    monkeypatch.setattr(webapp.core.store, "newer_answers", read_then_lose_the_race)
    data = form_data(questionnaire.profile, dict(answers))
    data["q_agency_name"] = "Name from this page"
    html = browser.post(url, data, status=409).get_data(as_text=True)
    monkeypatch.undo()
    assert "Name from the other save" in html and "Name from this page" in html
    assert saved(app, token)["agency_name"] == "Name from the other save", "nothing of the losing save is kept"
    # The page now carries the new version: saving it again is a deliberate choice and goes through.
    browser.post(url, data, status=302)
    assert saved(app, token)["agency_name"] == "Name from this page"


def test_concurrent_write_to_the_same_row_is_detected(app, questionnaire):
    """The version column: a write based on a row version that changed meanwhile is refused,
    and the store says so as a conflict, never as a database exception."""
    from webapp.core.db import db
    from webapp.core.models import Assessment
    from webapp.core.store import create_assessment, find_by_token as wizard_record, save_page

    with app.app_context():
        token = create_assessment(questionnaire).token
        assessment = wizard_record(token)
        assert save_page(assessment, {"agency_name": "First"}, assessment.version) == {}
    with app.app_context():
        first = wizard_record(token)
        base = first.version
        # Simulate a second worker: bump the version behind this page's back.
        db.session.execute(
            Assessment.__table__.update().where(Assessment.token == token).values(version=Assessment.version + 1)
        )
        db.session.commit()
        assert save_page(first, {"agency_name": "Second"}, base) == {"agency_name": ("First", "Second")}
    with app.app_context():
        assert wizard_record(token).answer_values()["agency_name"] == "First"


def test_a_lost_race_to_add_the_same_answer_is_a_conflict(app, questionnaire):
    """Two saves add the same new answer: the second one's insert hits the unique row, and the
    store reports a conflict instead of an error."""
    from webapp.core.db import db
    from webapp.core.models import Answer
    from webapp.core.store import create_assessment, find_by_token as wizard_record, save_page

    with app.app_context():
        token = create_assessment(questionnaire).token
        assessment = wizard_record(token)
        base = assessment.version
        assessment.answer_rows()  # this page has read the answers: none yet
        with db.engine.begin() as other:  # another worker adds the answer first
            other.execute(Answer.__table__.insert().values(assessment_id=assessment.id, question_id="agency_name",
                                                          value="Other", revision=base, confidential=False, carried=False))
        assert save_page(assessment, {"agency_name": "Mine"}, base) == {"agency_name": ("Other", "Mine")}
    with app.app_context():
        assert wizard_record(token).answer_values()["agency_name"] == "Other"


def test_double_clicked_start_creates_one_assessment(app, browser):
    from webapp.core.db import db
    from webapp.core.models import Assessment

    html = browser.get("/").get_data(as_text=True)
    key = re.search(r'name="creation_key" value="([^"]+)"', html).group(1)
    first = browser.post("/start", {"creation_key": key}, status=302)
    second = browser.post("/start", {"creation_key": key}, status=302, csrf_from="/")
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Assessment)) == 1


def test_worker_killed_in_the_middle_of_a_save_leaves_the_page_unsaved(app, browser, questionnaire, tmp_path):
    """A real process is killed with SIGKILL after writing part of a page, before the commit."""
    token, answers = profile_done(browser, questionnaire)
    before = saved(app, token)
    script = textwrap.dedent(f"""
        import os, signal
        from webapp import create_app
        from webapp.core.db import db
        from webapp.core.models import Answer, Assessment
        from sqlalchemy import select
        app = create_app({{"SQLALCHEMY_DATABASE_URI": {app.config["SQLALCHEMY_DATABASE_URI"]!r}, "SECRET_KEY": "x"}})
        with app.app_context():
            a = db.session.scalar(select(Assessment).where(Assessment.token == {token!r}))
            a.answers.append(Answer(question_id="doc_first_line", value="none", revision=a.version + 1))
            for row in a.answers:
                if row.question_id == "agency_name":
                    row.value = "Half-saved name"
            db.session.flush()
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    env = dict(os.environ, TNA_INSTANCE=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=60)
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()[-2000:]
    assert saved(app, token) == before
    # And the wizard carries on.
    url = f"/a/{token}/section/documents"
    browser.get(url)
    browser.post(url, form_data(questionnaire.section("documents"), dict(answers)), status=302)


def test_failure_inside_a_save_rolls_back_the_whole_page(app, browser, questionnaire, monkeypatch):
    token, answers = profile_done(browser, questionnaire)
    before = saved(app, token)
    from webapp.core.db import db

    def broken_commit():
        """Fails at the commit: the agency, the answers and the audit row have been written
        in the same transaction by then."""
        db.session.flush()
        raise RuntimeError("disk full")

    monkeypatch.setattr(db.session, "commit", broken_commit)
    url = f"/a/{token}/section/profile"
    browser.get(url)
    data = form_data(questionnaire.profile, dict(answers))
    data["q_agency_name"] = "Never saved"
    response = browser.post(url, data, status=500)
    assert "Answers you saved before are safe" in response.get_data(as_text=True)
    monkeypatch.undo()
    with app.app_context():
        from webapp.core.db import db

        db.session.remove()
    assert saved(app, token) == before


def test_database_unavailable_gives_503_then_recovers(tmp_path, monkeypatch):
    from flask_migrate import upgrade

    from webapp import create_app

    monkeypatch.setenv("TNA_INSTANCE", str(tmp_path))
    missing = tmp_path / "not-yet"
    url = f"sqlite:///{missing / 'db.sqlite3'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t"})
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    response = client.get("/a/" + "x" * 30 + "/")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "Answers you saved before are safe" in response.get_data(as_text=True)

    missing.mkdir()
    with app.app_context():
        upgrade()
    browser = Browser(client)
    token = start(browser)
    browser.get(f"/a/{token}/section/profile")


def test_restart_in_the_middle_resumes_exactly_where_left_off(app, browser, questionnaire, tmp_path):
    from webapp import create_app

    token, answers = profile_done(browser, questionnaire)
    sections = questionnaire.applicable_sections(answers)
    url = f"/a/{token}/section/{sections[1].id}"
    browser.get(url)
    browser.post(url, form_data(sections[1], answers), status=302)
    with app.app_context():
        from webapp.core.db import db

        db.session.remove()
        db.engine.dispose()

    restarted = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "another"})
    fresh = Browser(restarted.test_client())
    html = fresh.get(f"/a/{token}/").get_data(as_text=True)
    assert f'href="/a/{token}/section/{sections[2].id}">Continue where you left off: {sections[2].title["en"]}' in html
    page = fresh.get(f"/a/{token}/section/{sections[1].id}").get_data(as_text=True)
    first = sections[1].questions[0]
    assert f'value="{answers[first.id]}" id="q-{first.id}' in page and "checked" in page
