"""Security findings from probing the running app as an attacker would. Each test failed
before its fix."""

from __future__ import annotations

import csv
import io

import pytest

from tests.helpers import Browser
from tests.helpers import sign_in


@pytest.mark.parametrize("target", [
    "/%09/evil.example/phish", "/\t/evil.example", "//evil.example", "/\\evil.example",
    "https://evil.example/", "/%0d%0aSet-Cookie:x=1", "/ok\nLocation: //evil.example", "\x00/",
])
def test_language_switch_only_redirects_to_a_local_path(app, target):
    client = app.test_client()
    response = client.get("/language/fr", query_string={"next": target})
    if "\x00" in target:
        assert response.status_code == 400  # refused before any view, with the 400 page
        return
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/" or (location.startswith("/") and not location.startswith("//"))
    assert "evil.example" not in location


def test_a_local_path_with_a_query_is_kept(app):
    response = app.test_client().get("/language/fr", query_string={"next": "/a/abc/section/profile?return=check"})
    assert response.headers["Location"] == "/a/abc/section/profile?return=check"


@pytest.mark.parametrize("target", ["/%09/evil.example/phish", "/\t/evil.example", "/x\ny"])
def test_sign_in_only_redirects_to_a_local_path(app, people, target):
    browser = Browser(app.test_client())
    token = browser.csrf("/sign-in")
    response = browser.client.post("/sign-in", query_string={"next": target},
                                   data={"email": "ta@x.test", "password": "correct horse battery staple", "csrf_token": token})
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]
    assert not response.headers["Location"].startswith("//")


def test_the_host_header_is_not_trusted(app):
    client = app.test_client()
    response = client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert client.get("/", headers={"Host": "localhost"}).status_code == 200


def test_signed_in_pages_and_exports_are_not_stored_by_caches(app, people):
    donor = sign_in(app, "donor@x.test")
    for url in ("/portfolio/", "/portfolio/export/gaps.csv", "/portfolio/export/demand.xlsx"):
        response = donor.client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.headers.get("Cache-Control", ""), url
        assert "private" in response.headers.get("Cache-Control", ""), url


def test_too_many_attempts_carries_retry_after(app, people):
    browser = Browser(app.test_client())
    token = browser.csrf("/sign-in")
    statuses = []
    for _ in range(12):
        response = browser.client.post("/sign-in", data={"email": "ta@x.test", "password": "nope nope nope", "csrf_token": token})
        statuses.append(response.status_code)
    assert statuses[-1] == 429
    assert int(response.headers["Retry-After"]) > 0


def test_csv_cells_are_quoted_and_formulas_neutralized():
    from webapp.core.exports import csv_text

    text = csv_text(["Agency", "Count"], [["Border Police; =HYPERLINK(\"http://x\")", 3], ["=1+1", "@SUM(A1)"], ["-2", "ok"]])
    assert all(line.startswith('"') for line in text.splitlines())
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == "Border Police; '=HYPERLINK(\"http://x\")"
    assert rows[2] == ["'=1+1", "'@SUM(A1)"]
    assert rows[3][0] == "'-2"
    # Split on semicolons, as some spreadsheets do: no piece starts a formula.
    for line in text.splitlines():
        for piece in line.split(";"):
            assert not piece.strip().lstrip('"').startswith(("=", "+", "@")), line


def test_bidirectional_controls_are_removed_from_names(app, questionnaire):
    from tests.helpers import PROFILE, form_data
    from tests.helpers import start

    browser = Browser(app.test_client())
    token = start(browser)
    name = "Police \u202egnp.exe\u202c Unit \u2066x\u2069"
    browser.post(f"/a/{token}/section/profile", form_data(questionnaire.profile, dict(PROFILE, agency_name=name)), status=302)
    html = browser.get(f"/a/{token}/check").get_data(as_text=True)
    for control in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        assert control not in html
    assert "Police gnp.exe Unit x" in html
