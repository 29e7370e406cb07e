from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reports.catalogue import load_definitions

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_configure(config):
    """With several workers (pytest-xdist), each worker has its own PostgreSQL database, named
    after the shared one with the worker's id (tna_test_gw0, ...): scripts/test-postgres.sh
    creates them. SQLite needs nothing: every test has its own file."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("TEST_DATABASE_URL")
    if worker and url:
        os.environ["TEST_DATABASE_URL"] = f"{url}_{worker}"


@pytest.fixture(scope="session")
def definitions():
    return load_definitions()


@pytest.fixture(scope="session")
def questionnaire(definitions):
    return definitions[0]


@pytest.fixture(scope="session")
def catalogue(definitions):
    return definitions[1]


def _database_url(tmp_path: Path) -> str:
    """A fresh real database per test: a SQLite file, or a schema-less PostgreSQL database
    when TEST_DATABASE_URL points at one."""
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("TNA_INSTANCE", str(tmp_path))
    from flask_migrate import downgrade, upgrade

    from webapp import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path), "SECRET_KEY": "test"})
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with app.app_context():
        if os.environ.get("TEST_DATABASE_URL"):
            downgrade(revision="base")  # a clean schema even if an earlier run stopped half-way
        upgrade()
    yield app
    with app.app_context():
        from webapp.core.db import db

        db.session.remove()
        if os.environ.get("TEST_DATABASE_URL"):
            downgrade(revision="base")
        db.engine.dispose()


class PageChecker(HTMLParser):
    """Collects what every page must get right: a title, unique ids, CSRF fields in POST forms."""

    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.title = ""
        self._in_title = False
        self.post_forms = 0
        self.csrf_fields = 0
        self.labels_for: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "title":
            self._in_title = True
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.post_forms += 1
        if tag == "input" and attrs.get("name") == "csrf_token":
            self.csrf_fields += 1
        if tag == "label" and attrs.get("for"):
            self.labels_for.append(attrs["for"])

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def check_page(html: str) -> PageChecker:
    checker = PageChecker()
    checker.feed(html)
    assert checker.title.strip(), "page has no <title>"
    dupes = {i for i in checker.ids if checker.ids.count(i) > 1}
    assert not dupes, f"duplicate ids: {dupes}"
    assert checker.csrf_fields >= checker.post_forms, "a POST form has no CSRF field"
    missing = [f for f in checker.labels_for if f not in checker.ids]
    assert not missing, f"labels for missing ids: {missing}"
    assert "Undefined" not in html
    return checker


class Browser:
    """A test client that checks every page and sends the CSRF token like a browser would."""

    def __init__(self, client):
        self.client = client
        self.last_html = ""

    def get(self, url, status=200, **kwargs):
        response = self.client.get(url, **kwargs)
        assert response.status_code == status, (url, response.status_code)
        if response.mimetype == "text/html":
            self.last_html = response.get_data(as_text=True)
            check_page(self.last_html)
        return response

    def csrf(self, url=None) -> str:
        html = self.last_html if url is None else self.get(url).get_data(as_text=True)
        match = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def post(self, url, data=None, status=None, csrf_from=None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf(csrf_from))
        version = re.search(r'name="base_version" value="(\d+)"', self.last_html)
        if version and "base_version" not in data:
            data["base_version"] = version.group(1)
        response = self.client.post(url, data=data, **kwargs)
        if status is not None:
            assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:500])
        if response.mimetype == "text/html" and response.status_code != 302:
            self.last_html = response.get_data(as_text=True)
            check_page(self.last_html)
        return response


PASSWORD = "correct horse battery staple"


@pytest.fixture
def people(app):
    from webapp.accounts import service as accounts
    from webapp.core.db import db
    from webapp.core.models import Agency
    from webapp.core.roles import ROLES

    with app.app_context():
        agency = Agency(country="KE", name="Kenya Coast Guard", agency_type="coast-guard")
        other = Agency(country="GH", name="Ghana Immigration", agency_type="immigration")
        db.session.add_all([agency, other])
        db.session.commit()
        users = {
            "official": accounts.create_user("official@x.test", "Olu Official", "official", PASSWORD, agency.id),
            "other_official": accounts.create_user("other@x.test", "Other Official", "official", PASSWORD, other.id),
            "ta": accounts.create_user("ta@x.test", "Tara Reviewer", "ta", PASSWORD),
            "donor": accounts.create_user("donor@x.test", "Dana Donor", "donor", PASSWORD),
            "admin": accounts.create_user("admin@x.test", "Ada Admin", "admin", PASSWORD),
        }
        # A role added to the roles table gets its test person here, and the access matrix with it.
        for role in ROLES:
            if role not in users:
                users[role] = accounts.create_user(f"{role}@x.test", f"Test {role}", role, PASSWORD)
        return {k: (u.email, u.id) for k, u in users.items()} | {"agency": agency.id}


@pytest.fixture
def browser(app):
    return Browser(app.test_client())
