"""Every route, for anonymous users and each role, on objects of one's own and of others.

A route that is not in MATRIX fails the test: new routes must state who may use them. Who may
use a signed-in route is read from the roles table (webapp/core/roles.py), by permission.
"""

from __future__ import annotations

import pytest

from tests.helpers import Browser
from webapp.core.roles import ROLES as ROLE_TABLE
from tests.helpers import assessment_id, publish_as_ta, sign_in, submitted_assessment

# Each role of the roles table, an official of another agency, and anonymous visitors.
ROLES = ("anon", "other_official", *ROLE_TABLE)
SIGN_IN = "sign-in"  # a redirect to the sign-in page


def everyone(status):
    return dict.fromkeys(ROLES, status)


def account(role: str) -> str:
    """The role in the roles table that a test person has."""
    return "official" if role == "other_official" else role


def allowed(permission: str, ok, refused=403):
    """`ok` for each role whose row in the roles table grants `permission`, `refused` for the
    others, and the sign-in page for anonymous visitors."""
    return {role: SIGN_IN if role == "anon" else ok if permission in ROLE_TABLE[account(role)].permissions else refused
            for role in ROLES}


def staff(ok, official=403, donor=403):
    """`ok` for roles that may review; roles that may not get `official` or `donor`."""
    result = allowed("review", ok)
    for role in ROLES:
        if result[role] == 403:
            result[role] = donor if role == "donor" else official
    return result


def readers(ok):
    return allowed("read-portfolio", ok)


# endpoint -> list of (method, url with {token}, {published}, {draft} placeholders, expected by role)
MATRIX = {
    "wizard.start": [("GET", "/", everyone(200))],
    "wizard.create": [("POST", "/start", everyone(302))],
    # The private link of a submitted assessment is the right to start from it; without one, nothing starts.
    "wizard.repeat": [("POST", "/repeat", everyone(302))],
    "agencies.index": [("GET", "/agencies/", staff(200))],
    "agencies.show": [("GET", "/agencies/{agency}", staff(200)), ("GET", "/agencies/not-an-id", everyone(404)), ("GET", "/agencies/00000000-0000-4000-8000-000000000000", staff(404))],
    "agencies.record_training": [("POST", "/agencies/{agency}/training", staff(400)),
                                 ("POST", "/agencies/not-an-id/training", everyone(404))],
    "agencies.set_status": [("POST", "/agencies/{agency}/plan", staff(302))],
    # Offline: the blank forms are public; an assessment's workbook and answers need its private link.
    "offline.blank_pdf": [("GET", "/blank.pdf?agency_type=customs", everyone(200)), ("GET", "/blank.pdf?agency_type=x", everyone(404))],
    "offline.blank_workbook": [("GET", "/workbook.xlsx?agency_type=customs&lang=es", everyone(200))],
    "offline.workbook": [("GET", "/a/{token}/workbook.xlsx", everyone(200)), ("GET", "/a/unknown-token-xxxxxxxxxxxxxxx/workbook.xlsx", everyone(404))],
    "offline.as_json": [("GET", "/a/{token}/answers.json", everyone(200)), ("GET", "/a/unknown-token-xxxxxxxxxxxxxxx/answers.json", everyone(404))],
    "offline.as_csv": [("GET", "/a/{token}/answers.csv", everyone(200))],
    "offline.import_workbook": [("GET", "/a/{draft_token}/import", everyone(200)), ("POST", "/a/{draft_token}/import", everyone(400)),
                                ("GET", "/a/{token}/import", everyone(302)), ("POST", "/a/unknown-token-xxxxxxxxxxxxxxx/import", everyone(404))],
    # National reports: staff build and publish them; a draft is for staff only (404 to others).
    "national.index": [("GET", "/national/", staff(200))],
    "national.new": [("GET", "/national/new?country=KE", staff(200))],
    "national.create": [("POST", "/national/", staff(302))],
    "national.show": [("GET", "/national/{national}", staff(200, official=404, donor=404) | {"anon": 404}),
                      ("GET", "/national/not-an-id", everyone(404))],
    "national.pdf": [("GET", "/national/{national}.pdf", staff(200, official=404, donor=404) | {"anon": 404})],
    "national.xlsx": [("GET", "/national/{national}.xlsx", staff(200, official=404, donor=404) | {"anon": 404})],
    "national.publish": [("POST", "/national/{national}/publish", staff(302))],
    "wizard.resume": [("GET", "/resume?link=/a/{token}/", everyone(302))],
    # E-mail: the private link is the right to have it mailed, or to stop the mail; anyone may ask
    # for lost links (the answer is the same whoever asks); replies need an open question.
    "mail.email_link": [("GET", "/a/{draft_token}/email-link", everyone(200)), ("POST", "/a/{draft_token}/email-link", everyone(400)),
                        ("GET", "/a/unknown-token-xxxxxxxxxxxxxxx/email-link", everyone(404))],
    "mail.forget_address": [("POST", "/a/{draft_token}/forget-address", everyone(302)),
                            ("POST", "/a/unknown-token-xxxxxxxxxxxxxxx/forget-address", everyone(404))],
    "mail.lost_link": [("GET", "/lost-link", everyone(200)), ("POST", "/lost-link", everyone(400))],
    "wizard.reply": [("POST", "/a/{token}/reply/not-a-question", everyone(302)),
                     ("POST", "/a/unknown-token-xxxxxxxxxxxxxxx/reply/x", everyone(404))],
    "wizard.overview": [("GET", "/a/{token}/", everyone(200)), ("GET", "/a/unknown-token-xxxxxxxxxxxxxxx/", everyone(404))],
    "wizard.section": [("GET", "/a/{draft_token}/section/profile", everyone(200)), ("GET", "/a/{token}/section/profile", everyone(302)),
                       ("POST", "/a/{token}/section/profile", everyone(409))],
    "wizard.check": [("GET", "/a/{token}/check", everyone(200))],
    "wizard.submitted": [("GET", "/a/{token}/submitted", everyone(200)), ("GET", "/a/{draft_token}/submitted", everyone(302)),
                         ("GET", "/a/unknown-token-xxxxxxxxxxxxxxx/submitted", everyone(404))],
    "wizard.submit": [("POST", "/a/{token}/submit", everyone(302)), ("POST", "/a/unknown-token-xxxxxxxxxxxxxxx/submit", everyone(404))],
    "report.show": [("GET", "/a/{token}/report", everyone(200))],
    "report.pdf": [("GET", "/a/{token}/report.pdf", everyone(200))],
    # The private link is the right to the report, as data too.
    "report.as_json": [("GET", "/a/{token}/report.json", everyone(200)),
                       ("GET", "/a/unknown-token-xxxxxxxxxxxxxxx/report.json", everyone(404))],
    "report.report_css": [("GET", "/report-assets/report.css", everyone(200))],
    "i18n.switch": [("GET", "/language/fr?next=/", everyone(302))],
    "auth.sign_in": [("GET", "/sign-in", everyone(200))],
    "auth.sign_out": [("POST", "/sign-out", everyone(302))],
    "auth.home": [("GET", "/home", everyone(302))],
    "auth.invitation": [("GET", "/invitation/not-a-real-token", everyone(404))],
    "auth.my_assessments": [("GET", "/my/assessments", allowed("assess", 200))],
    "admin.users": [("GET", "/admin/users", allowed("manage-users", 200)),
                    ("POST", "/admin/users", allowed("manage-users", 200))],
    # One person's account, invited and not yet signed in: administrators only.
    "admin.person": [("GET", "/admin/users/{person}", allowed("manage-users", 200)),
                     ("GET", "/admin/users/not-an-id", everyone(404)),
                     ("GET", "/admin/users/00000000-0000-4000-8000-000000000000", allowed("manage-users", 404))],
    "admin.change_role": [("POST", "/admin/users/{person}/role", allowed("manage-users", 400)),
                          ("POST", "/admin/users/00000000-0000-4000-8000-000000000000/role", allowed("manage-users", 404))],
    "admin.resend_invitation": [("POST", "/admin/users/{person}/invitation", allowed("manage-users", 200))],
    "admin.revoke_invitation": [("POST", "/admin/users/{person}/invitation/revoke", allowed("manage-users", 302))],
    "admin.deactivate": [("POST", "/admin/users/{person}/deactivate", allowed("manage-users", 302))],
    "admin.reactivate": [("POST", "/admin/users/{person}/reactivate", allowed("manage-users", 302))],
    "review.index": [("GET", "/review/", staff(200))],
    "review.show": [("GET", "/review/{published}", staff(200)), ("GET", "/review/{draft}", staff(404)),
                    ("GET", "/review/not-an-id", everyone(404)), ("GET", "/review/00000000-0000-4000-8000-000000000000", staff(404))],
    "review.comment": [("POST", "/review/{published}/comment", staff(302)), ("POST", "/review/{draft}/comment", staff(404))],
    "review.adjust": [("POST", "/review/{draft}/adjust", staff(404))],
    "review.note": [("POST", "/review/{published}/note", staff(302))],
    "review.reviewed": [("POST", "/review/{published}/reviewed", staff(302))],
    "review.publish": [("POST", "/review/{published}/publish", staff(302)), ("POST", "/review/{draft}/publish", staff(404))],
    "review.publish_preview": [("GET", "/review/{published}/publish", staff(302)), ("GET", "/review/{draft}/publish", staff(404))],
    # Validation: staff only; a published assessment is sent back to its review with a message.
    "review.validate": [("GET", "/review/{published}/validate/sea", staff(302)), ("POST", "/review/{published}/validate/sea", staff(302)),
                        ("GET", "/review/{draft}/validate/sea", staff(404))],
    "review.resolve": [("POST", "/review/{published}/comments/not-a-comment/resolve", staff(302)),
                       ("POST", "/review/{draft}/comments/not-a-comment/resolve", staff(404))],
    "portfolio.index": [("GET", "/portfolio/", readers(200))],
    "portfolio.export_csv": [("GET", "/portfolio/export/gaps.csv", readers(200)), ("GET", "/portfolio/export/nothing.csv", readers(404))],
    "portfolio.export_xlsx": [("GET", "/portfolio/export/demand.xlsx", readers(200))],
    "portfolio.work_plan": [("GET", "/portfolio/work-plan.csv", readers(200))],
    "portfolio.report": [("GET", "/portfolio/report/{published}", readers(200)), ("GET", "/portfolio/report/{draft}", readers(404))],
    "static": [("GET", "/static/app.css", everyone(200))],
}


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(MATRIX), f"missing: {endpoints - set(MATRIX)}; stale: {set(MATRIX) - endpoints}"


@pytest.fixture
def world(app, people, questionnaire):
    """A published assessment of the official's agency, a draft of another agency's."""
    ta = sign_in(app, people["ta"][0])
    token = submitted_assessment(app, questionnaire)
    published = assessment_id(app, token)
    publish_as_ta(app, ta, published)
    draft_browser = Browser(app.test_client())
    from tests.helpers import start

    draft_token = start(draft_browser)
    with app.app_context():
        from webapp.core.db import db
        from webapp.core.models import Assessment

        agency = db.session.get(Assessment, published).agency_id
        from webapp.national import service as national

        draft_national = national.create("KE", [published], None).id
        from webapp.accounts import service as accounts

        person = accounts.create_user("invited@x.test", "Ines Invited", "donor").id
    return {"token": token, "published": published, "draft_token": draft_token,
            "draft": assessment_id(app, draft_token), "agency": agency, "national": draft_national, "person": person}


def client_for(app, role, people):
    if role == "anon":
        return Browser(app.test_client())
    return sign_in(app, people[role][0])


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, people, world, role):
    browser = client_for(app, role, people)
    browser.get("/")
    csrf = browser.csrf()
    failures = []
    for endpoint, cases in MATRIX.items():
        for method, template, expected in cases:
            url = template.format(**world)
            if endpoint == "auth.sign_out":
                continue  # checked last: it ends the session
            response = browser.client.open(url, method=method, data={"csrf_token": csrf} if method == "POST" else None)
            want = expected[role]
            got = response.status_code
            ok = (got == 302 and response.headers["Location"].startswith("/sign-in")) if want == SIGN_IN else got == want
            if not ok:
                failures.append(f"{method} {url}: expected {want}, got {got}")
    response = browser.client.post("/sign-out", data={"csrf_token": csrf})
    assert response.status_code == 302
    assert failures == [], "\n".join(failures)


def test_ids_in_urls_are_not_guessable(app, world):
    import uuid

    assert uuid.UUID(world["published"]).version == 4
    assert len(world["token"]) >= 32


def test_the_matrix_covers_every_role_in_the_table():
    assert {account(role) for role in ROLES if role != "anon"} == set(ROLE_TABLE)


@pytest.mark.parametrize("role", sorted(ROLE_TABLE))
def test_each_role_starts_at_its_home_page(app, people, role):
    from flask import url_for

    browser = sign_in(app, people[role][0])
    response = browser.client.get("/home")
    with app.test_request_context():
        home = url_for(ROLE_TABLE[role].home)
    assert response.status_code == 302 and response.headers["Location"] == home
    assert browser.client.get(home).status_code == 200
