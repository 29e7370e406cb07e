"""Accounts and roles: officials, TA officers, donors, administrators."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from click.testing import CliRunner

from tests.helpers import PASSWORD, Browser
from tests.helpers import PROFILE, form_data, pdf_text
from tests.helpers import start, walk
from tests.helpers import assessment_id, publish_as_ta, sign_in, submitted_assessment


# --- accounts -----------------------------------------------------------------------------


def test_password_rules_follow_current_guidance(app):
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    from webapp.accounts.service import password_problem

    common = next(p for p in FREQUENCY_LISTS["passwords"] if len(p) >= 12)
    with app.test_request_context():
        assert "at least 12" in password_problem("short")
        assert "too common" in password_problem(common)
        assert "too common" in password_problem("aaaaaaaaaaaaaa")
        assert "too common" in password_problem("me@example.org", "me@example.org")
        assert password_problem("lowercase words only are fine") is None, "no composition rules"


def test_passwords_are_hashed_with_scrypt(app, people):
    from webapp.core.db import db
    from webapp.core.models import User

    with app.app_context():
        assert db.session.get(User, people["ta"][1]).password_hash.startswith("scrypt:")


def test_create_admin_command(app, monkeypatch, tmp_path):
    from webapp.cli import main

    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    result = CliRunner().invoke(main, ["create-admin", "--email", "Boss@X.test", "--name", "Boss"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    weak = CliRunner().invoke(main, ["create-admin", "--email", "b2@x.test", "--name", "B"], input="short\nshort\n")
    assert weak.exit_code != 0 and "at least 12" in weak.output
    sign_in(app, "boss@x.test")


def test_sign_in_renews_the_session_and_sign_out_invalidates_it(app, people):
    browser = Browser(app.test_client())
    browser.get("/sign-in")
    before = browser.csrf()
    bad = browser.post("/sign-in", {"email": people["ta"][0], "password": "wrong password here"}, status=401)
    assert "The email address or the password is not right" in bad.get_data(as_text=True)
    browser.get("/sign-in")
    response = browser.post("/sign-in", {"email": people["ta"][0].upper(), "password": PASSWORD}, status=302)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert browser.get("/review/").status_code == 200
    assert browser.csrf("/review/") != before, "a new session at sign-in"

    stolen = browser.client.get_cookie("session").value
    browser.post("/sign-out", {}, status=302, csrf_from="/review/")
    assert browser.get("/review/", status=302).headers["Location"].startswith("/sign-in")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/review/").status_code == 302, "the old session no longer works"


def test_sign_in_is_throttled(app, people):
    browser = Browser(app.test_client())
    browser.get("/sign-in")
    token = browser.csrf()
    statuses = [browser.client.post("/sign-in", data={"email": "ta@x.test", "password": "nope nope nope", "csrf_token": token}).status_code for _ in range(12)]
    assert statuses[0] == 401 and statuses[-1] == 429
    assert "Too many attempts" in browser.client.post("/sign-in", data={"email": "x", "password": "y", "csrf_token": token}).get_data(as_text=True)


def test_invitation_sets_a_password_once(app, people):
    admin = sign_in(app, people["admin"][0])
    admin.get("/admin/users")
    html = admin.post("/admin/users", {"name": "New Donor", "email": "new@example.org", "role": "donor", "agency": ""}, status=200).get_data(as_text=True)
    link = re.search(r"http://localhost(/invitation/[A-Za-z0-9_-]+)", html).group(1)
    dupe = admin.post("/admin/users", {"name": "Again", "email": "new@example.org", "role": "donor", "agency": ""}, status=200)
    assert "already an account" in dupe.get_data(as_text=True)

    guest = Browser(app.test_client())
    guest.get(link)
    weak = guest.post(link, {"password": "short", "confirm": "short"}, status=200)
    assert "at least 12" in weak.get_data(as_text=True)
    guest.post(link, {"password": PASSWORD, "confirm": PASSWORD}, status=302)
    assert guest.get("/portfolio/").status_code == 200
    assert "does not work" in Browser(app.test_client()).get(link, status=404).get_data(as_text=True)


def test_expired_invitation_is_refused(app, people):
    from webapp.accounts import service as accounts
    from webapp.core.db import db
    from webapp.core.models import Invitation, User

    with app.app_context():
        user = accounts.create_user("late@x.test", "Late", "donor")
        token = accounts.invite(user, None)
        invitation = db.session.scalar(db.select(Invitation).where(Invitation.user_id == user.id))
        invitation.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        db.session.commit()
        assert db.session.get(User, user.id).password_hash is None
    Browser(app.test_client()).get(f"/invitation/{token}", status=404)


def test_signed_in_official_sees_the_agency_assessments(app, people, questionnaire):
    official = sign_in(app, people["official"][0])
    official.get("/my/assessments")
    response = official.post("/start", {}, status=302, csrf_from="/my/assessments")
    token = re.search(r"/a/([^/]+)/", response.headers["Location"]).group(1)
    html = official.get("/my/assessments").get_data(as_text=True)
    assert f"/a/{token}/" in html
    other = sign_in(app, people["other_official"][0]).get("/my/assessments").get_data(as_text=True)
    assert f"/a/{token}/" not in other


# --- the TA officer's review ------------------------------------------------------------------


def test_review_journey_with_clarification_adjustments_and_audit(app, people, questionnaire):
    official = Browser(app.test_client())
    token = submitted_assessment(app, questionnaire, browser=official)
    aid = assessment_id(app, token)
    ta = sign_in(app, people["ta"][0])

    listing = ta.get("/review/?country=KE&sort=country").get_data(as_text=True)
    assert f"/review/{aid}" in listing
    assert f"/review/{aid}" not in ta.get("/review/?country=GH").get_data(as_text=True)
    assert f"/review/{aid}" not in ta.get("/review/?status=published").get_data(as_text=True)
    ta.get(f"/review/{aid}")

    ta.post(f"/review/{aid}/comment", {"target": "question:sea:sea_interdiction_procedure", "text": "Is there really no procedure?", "clarification": "yes"}, status=302)
    page = official.get(f"/a/{token}/section/sea").get_data(as_text=True)
    assert "Question from the reviewer" in page and "Is there really no procedure?" in page
    data = form_data(questionnaire.section("sea"), dict(PROFILE, sea_interdiction_procedure="draft"))
    official.post(f"/a/{token}/section/sea", dict(data, **{"return": "check"}), status=302)
    official.get(f"/a/{token}/check")
    official.post(f"/a/{token}/submit", status=302)

    ta.get(f"/review/{aid}")
    ta.post(f"/review/{aid}/adjust", {"part": "issue-paper-sea/routes-modus-operandi", "action": "remove", "reason": "Already trained in 2025."}, status=302)
    ta.post(f"/review/{aid}/adjust", {"part": "toolkit/tool-10", "action": "add", "priority": "high", "reason": "Academy asks for trainers."}, status=302)
    ta.post(f"/review/{aid}/adjust", {"part": "toolkit/tool-10", "action": "add", "reason": ""}, status=302)
    ta.post(f"/review/{aid}/adjust", {"part": "toolkit/no-such-part", "action": "add", "reason": "x"}, status=302)
    assert "That part is not in the catalogue" in ta.get(f"/review/{aid}").get_data(as_text=True)
    ta.post(f"/review/{aid}/note", {"note": "Plan a workshop in March."}, status=302)
    ta.post(f"/review/{aid}/publish", {"confirm": "yes"}, status=302)
    assert "Mark the assessment as reviewed before" in ta.get(f"/review/{aid}").get_data(as_text=True)
    ta.post(f"/review/{aid}/reviewed", {}, status=302)
    ta.post(f"/review/{aid}/publish", {"confirm": "yes"}, status=302)

    html = ta.get(f"/review/{aid}").get_data(as_text=True)
    assert "Reviewed by Tara Reviewer" in html and "Plan a workshop in March." in html
    assert "Changed by the reviewer:</strong> Academy asks for trainers." in html
    assert "Sections 1 and 2: extent, routes and trends" not in html.split("<h2>The report</h2>")[1]
    trail = html[html.index("Audit trail"):html.index("<h2>The report</h2>")]
    assert "sea_interdiction_procedure" in trail and "draft" in trail, "the official's change after the clarification"
    for action in ["answers changed", "submitted", "clarification asked", "recommendation remove", "recommendation add", "report note", "reviewed", "published"]:
        assert action in trail, action
    official_report = official.get(f"/a/{token}/report").get_data(as_text=True)
    assert "Reviewed by Tara Reviewer" in official_report and "Academy asks for trainers." in official_report
    text = pdf_text(official.get(f"/a/{token}/report.pdf").data)
    assert "Plan a workshop in March." in text.replace("\n", " ")
    assert "&#34;status&#34;: &#34;reviewed&#34;" in trail or '"status": "reviewed"' in trail.replace("&#34;", '"')


# --- donors -------------------------------------------------------------------------------------


def test_donor_sees_published_reports_only_without_confidential_text(app, people, questionnaire, tmp_path):
    official = Browser(app.test_client())
    token = start(official)
    answers = dict(PROFILE, train_comments="Secret budget figures")
    walk(official, questionnaire, token, answers)
    # Mark the free-text answer confidential.
    section = questionnaire.section("training")
    official.get(f"/a/{token}/section/training")
    official.post(f"/a/{token}/section/training", dict(form_data(section, answers), confidential=["train_comments"], **{"return": "check"}), status=302)
    official.get(f"/a/{token}/check")
    official.post(f"/a/{token}/submit", status=302)
    aid = assessment_id(app, token)
    donor = sign_in(app, people["donor"][0])
    donor.get(f"/portfolio/report/{aid}", status=404)

    publish_as_ta(app, sign_in(app, people["ta"][0]), aid)
    html = donor.get(f"/portfolio/report/{aid}").get_data(as_text=True)
    assert "Coast Guard Service" in html
    assert "Secret budget figures" not in html and "[Confidential: not shown]" in html
    assert "Secret budget figures" in Browser(app.test_client()).get(f"/a/{token}/report").get_data(as_text=True)

    # The command line builds the same report with the same rule, by audience.
    import json

    from click.testing import CliRunner

    from webapp.cli import main
    from webapp.core.models import Assessment

    database = {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    reference = Assessment.reference_for(aid)
    result = CliRunner(env=database).invoke(main, ["report", "--assessment", reference, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["reference"] == reference
    for audience, shown in (("donor", False), ("reviewer", True)):
        out = tmp_path / f"{audience}.html"
        result = CliRunner(env=database).invoke(main, ["report", "--assessment", reference, "--audience", audience, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert ("Secret budget figures" in out.read_text()) is shown
    missing = CliRunner(env=database).invoke(main, ["report", "--assessment", "TNA-00000000", "--format", "json"])
    assert missing.exit_code == 1 and "No single assessment" in missing.output


def test_portfolio_hides_groups_of_fewer_than_three_agencies_and_exports(app, people, questionnaire):
    ta = sign_in(app, people["ta"][0])
    donor = sign_in(app, people["donor"][0])
    ids = []
    for i in range(3):
        profile = dict(PROFILE, agency_name=f"Coast Guard {i}", country="KE" if i < 2 else "TZ")
        ids.append(assessment_id(app, submitted_assessment(app, questionnaire, profile)))
    publish_as_ta(app, ta, ids[0])
    html = donor.get("/portfolio/").get_data(as_text=True)
    assert "Not enough published assessments" in html and "heat-" not in html.split("Capacity by section and type of agency</h2>")[1].split("<h2>")[0].replace("heatmap", "")
    for aid in ids[1:]:
        publish_as_ta(app, ta, aid)
    html = donor.get("/portfolio/").get_data(as_text=True)
    by_type = html.split("Capacity by section and type of agency</h2>")[1].split("<h2>")[0]
    assert "Coast guard or maritime police" in by_type and "(3; 0 validated)" in by_type
    by_country = html.split("Capacity by section and country</h2>")[1].split("<h2>")[0]
    assert "Not enough published assessments" in by_country, "Kenya has 2 agencies, Tanzania 1: both hidden"
    assert "Interdiction of vessels at sea" in html.split("Most frequent gaps")[1]

    rows = list(csv.reader(io.StringIO(donor.get("/portfolio/export/heat-agency-type.csv").get_data(as_text=True))))
    assert rows[0] == ["Group", "Section", "Mean level", "Agencies", "Validated agencies"]
    assert all(r[3] == "3" and r[4] == "0" for r in rows[1:])
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(donor.get("/portfolio/export/demand.xlsx").data))
    assert book.active["A1"].value == "Resource and part" and book.active.max_row > 1
    plan = list(csv.reader(io.StringIO(donor.get("/portfolio/work-plan.csv").get_data(as_text=True))))
    assert plan[0][:3] == ["Agency", "Country", "Type of agency"] and len(plan) > 3
    assert {r[0] for r in plan[1:]} == {"Coast Guard 0", "Coast Guard 1", "Coast Guard 2"}
    filtered = donor.get("/portfolio/?region=150").get_data(as_text=True)
    assert "Coast Guard 0" not in filtered, "Europe has none of these agencies"


def test_audit_trail_names_a_signed_in_official_and_no_one_for_a_private_link(app, people, questionnaire):
    from sqlalchemy import select

    from webapp.core.db import db
    from webapp.core.models import AuditEvent

    signed_in = sign_in(app, people["official"][0])
    mine = start(signed_in)
    walk(signed_in, questionnaire, mine, dict(PROFILE))
    anonymous = Browser(app.test_client())
    theirs = start(anonymous)
    walk(anonymous, questionnaire, theirs, dict(PROFILE))
    with app.app_context():
        actors = {
            token: db.session.scalars(select(AuditEvent.actor_id).where(
                AuditEvent.assessment_id == assessment_id(app, token), AuditEvent.action == "answers changed")).all()
            for token in (mine, theirs)
        }
    assert actors[mine] and set(actors[mine]) == {people["official"][1]}
    assert actors[theirs] and set(actors[theirs]) == {None}
