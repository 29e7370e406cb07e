"""Real-browser tests: Debian's Chromium driven by Playwright against the real app on 127.0.0.1.

`make test` installs Chromium (as root on Debian) or stops with the command that does. Run
without it, these tests fail with that command, unless SKIP_BROWSER=1 asks to skip them.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.browser.wizard import BROWSER_PASSWORD, CHROMIUM, CHROMIUM_ARGS


try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - reported as a skip
    sync_playwright = None


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if sync_playwright is None:
        return "Playwright for Python is not installed (make test installs it)"
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM}: sudo apt-get install -y chromium"
    return None


def pytest_collection_modifyitems(config, items):
    reason = browser_missing()
    if reason and os.environ.get("SKIP_BROWSER") == "1":
        for item in items:
            if "browser" in str(item.fspath):
                item.add_marker(pytest.mark.skip(reason=f"SKIP_BROWSER=1 and {reason}"))


@pytest.fixture(scope="module")
def live_config():
    """Settings of the served app; a test module overrides this fixture to change them."""
    return {}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, live_config):
    """The real app, served by a threaded WSGI server on 127.0.0.1, with its own SQLite file."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from webapp import create_app

    tmp = tmp_path_factory.mktemp("live")
    previous = os.environ.get("TNA_INSTANCE")
    os.environ["TNA_INSTANCE"] = str(tmp)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'live.sqlite3'}", "SECRET_KEY": "browser-tests"}
                     | live_config)
    with app.app_context():
        upgrade()
        from webapp.accounts import service as accounts

        for role in ("ta", "donor", "admin"):
            accounts.create_user(f"{role}@example.org", f"Browser {role}", role, BROWSER_PASSWORD)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    if previous is None:
        os.environ.pop("TNA_INSTANCE", None)
    else:
        os.environ["TNA_INSTANCE"] = previous


@pytest.fixture(scope="session")
def playwright():
    reason = browser_missing()
    if reason:
        pytest.fail(f"{reason} (or set SKIP_BROWSER=1 to skip the browser tests)", pytrace=False)
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


class RequestLog:
    def __init__(self):
        self.urls: list[str] = []

    def outside(self, base_url: str) -> list[str]:
        host = urlparse(base_url).hostname
        return [u for u in self.urls if not u.startswith(("data:", "about:", "blob:")) and urlparse(u).hostname != host]


def _context(browser, live_server, **options):
    log = RequestLog()
    context = browser.new_context(base_url=live_server, accept_downloads=True, **options)
    context.on("request", lambda request: log.urls.append(request.url))
    context.request_log = log
    return context


@pytest.fixture
def new_context(browser, live_server):
    """Make browser contexts; after the test, none of them may have left 127.0.0.1."""
    made = []

    def make(**options):
        context = _context(browser, live_server, **options)
        made.append(context)
        return context

    yield make
    for context in made:
        outside = context.request_log.outside(live_server)
        context.close()
        assert outside == [], f"requests left 127.0.0.1: {outside}"


@pytest.fixture
def page(new_context):
    return new_context().new_page()


