from __future__ import annotations

import os
from pathlib import Path

import pytest

from reports.catalogue import load_definitions
from tests.helpers import Browser, PASSWORD


def pytest_configure(config):
    """With several workers (pytest-xdist), each worker has its own PostgreSQL database, named
    after the shared one with the worker's id (tna_test_gw0, ...): scripts/test-postgres.sh
    creates them. SQLite needs nothing: every test has its own file."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("TEST_DATABASE_URL")
    if worker and url:
        os.environ["TEST_DATABASE_URL"] = f"{url}_{worker}"


def pytest_collection_modifyitems(config, items):
    """The PostgreSQL pass runs only the tests that use a database (through the `app`
    fixture). The others (the engine, PDF layout, the browser) ran in the first pass, and
    nothing in them depends on the database engine."""
    if not os.environ.get("TEST_DATABASE_URL"):
        return
    kept, dropped = [], []
    for item in items:
        (kept if "app" in getattr(item, "fixturenames", ()) else dropped).append(item)
    config.hook.pytest_deselected(items=dropped)
    items[:] = kept


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


@pytest.fixture
def smtp(app):
    """A real SMTP server on a free loopback port, and the app sending to it."""
    from tests.mailsink import SmtpSink

    sink = SmtpSink().start()
    app.config.update(sink.config())
    yield sink
    sink.stop()
