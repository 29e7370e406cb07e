"""Serving under load: turn-taking in a worker, queued SQLite writers, the warm-up before
workers fork, and the production gunicorn configuration end to end."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from tests.conftest import ROOT
from tests.helpers import PROFILE, answer_all, form_data
from webapp.turns import Turns, waiting


def _wsgi(work):
    def app(environ, start_response):
        work(environ)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
    return app


def _call(app):
    return app({}, lambda status, headers: None)


def test_turns_let_one_request_compute_at_a_time():
    inside, most = [0], [0]
    lock = threading.Lock()

    def work(environ):
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.02)
        with lock:
            inside[0] -= 1

    app = Turns(_wsgi(work), 1)
    threads = [threading.Thread(target=_call, args=(app,)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most[0] == 1


def test_a_request_waiting_for_a_render_steps_aside():
    """While one request waits (as for a PDF render in a child process), another computes."""
    render_started, other_done = threading.Event(), threading.Event()

    def work(environ):
        if environ.get("slow"):
            with waiting(environ):
                render_started.set()
                assert other_done.wait(5), "the other request never got a turn"
        else:
            other_done.set()

    app = Turns(_wsgi(work), 1)
    slow = threading.Thread(target=lambda: app({"slow": True}, lambda s, h: None))
    slow.start()
    assert render_started.wait(5)
    _call(app)
    slow.join(5)
    assert not slow.is_alive()


def test_turns_are_served_in_arrival_order():
    from webapp.turns import FairSlots

    slots = FairSlots(1)
    slots.acquire()
    served: list[int] = []

    def waiter(n):
        with slots:
            served.append(n)

    threads = []
    for n in range(5):
        thread = threading.Thread(target=waiter, args=(n,))
        thread.start()
        threads.append(thread)
        while len(slots._waiters) < n + 1:  # wait until this one is queued
            time.sleep(0.001)
    slots.release()
    # A newcomer arriving now must queue behind the five.
    late = threading.Thread(target=waiter, args=(99,))
    late.start()
    for thread in threads + [late]:
        thread.join(5)
    assert served == [0, 1, 2, 3, 4, 99]


def test_waiting_without_turns_is_harmless():
    with waiting({}):
        pass


def test_sqlite_writers_queue_on_the_write_lock(app):
    from webapp.db import db, write_lock

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL writers wait on row locks; no file lock is used")
    order: list[str] = []
    first_in = threading.Event()

    def writer(name, hold):
        with app.app_context(), write_lock():
            order.append(f"{name} in")
            first_in.set()
            time.sleep(hold)
            order.append(f"{name} out")

    first = threading.Thread(target=writer, args=("first", 0.2))
    first.start()
    assert first_in.wait(5)
    second = threading.Thread(target=writer, args=("second", 0))
    second.start()
    first.join()
    second.join()
    assert order == ["first in", "first out", "second in", "second out"]


def test_warm_up_builds_forms_and_leaves_no_connection_open(app):
    from webapp.db import db
    from webapp.forms import _FORM_CLASSES

    _FORM_CLASSES.clear()
    app.extensions["tna.warm_up"]()
    questionnaire = app.extensions["tna.questionnaire"]
    sections = list(questionnaire.all_sections())
    assert len(_FORM_CLASSES) == len(sections) * 3
    with app.app_context():
        assert db.engine.pool.checkedout() == 0
    # The forms built ahead are the ones pages use: same fields, in question order.
    form_class = _FORM_CLASSES[(id(sections[1]), "fr")][1]
    with app.test_request_context():
        names = [field.name for field in form_class()]
    assert names == [f"q_{q.id}" for q in sections[1].questions]


def test_after_warm_up_a_page_reads_no_locale_file_and_compiles_no_statement(app, browser, questionnaire, monkeypatch):
    """What a recycled worker would otherwise do on its first page is done before the fork."""
    import babel.localedata

    from reports.i18n import LANGUAGES
    from webapp import store
    from webapp.db import db
    from webapp.prepared import Prepared

    app.extensions["tna.warm_up"]()
    made = [value for value in vars(store).values() if isinstance(value, Prepared)]
    assert set(map(id, made)) == set(map(id, store.PREPARED)), "a prepared statement is missing from store.PREPARED"
    with app.app_context():
        dialect = db.engine.dialect
    assert all(dialect in prepared._compiled for prepared in made)
    compiled_before = {id(prepared): dict(prepared._compiled) for prepared in made}

    def no_file(name, *args, **kwargs):
        raise AssertionError(f"locale data {name} read after the warm-up")

    monkeypatch.setattr(babel.localedata, "load", no_file)
    start = browser.post("/start", {"creation_key": "warm-up-test"}, status=302, csrf_from="/")
    path = re.search(r"/a/[^/]+/", start.headers["Location"]).group(0) + "section/profile"
    for lang in LANGUAGES:
        browser.client.set_cookie("lang", lang)
        browser.get(path)
    browser.post(path, form_data(questionnaire.profile, answer_all(questionnaire, dict(PROFILE))), status=302)
    # The pages used the statements compiled for this database before, and compiled no other.
    assert {id(prepared): dict(prepared._compiled) for prepared in made} == compiled_before


_EXIT_SCRIPT = """
import atexit, runpy, sys
conf = runpy.run_path(sys.argv[1])
atexit.register(lambda: open(sys.argv[2], "a").write("interpreter teardown ran\\n"))

class App:
    extensions = {"tna.close": lambda: open(sys.argv[2], "a").write("connections closed\\n")}

class Server:
    class app:
        @staticmethod
        def wsgi():
            return App()

try:
    sys.exit(int(sys.argv[3]))
finally:
    conf["worker_exit"](Server(), None)
"""


@pytest.mark.parametrize(("status", "expected"), [
    (0, ["connections closed"]),  # a recycled worker closes its connections, then leaves at once
    (3, ["interpreter teardown ran"]),  # a failing one keeps its status (3: boot error) and its teardown
])
def test_worker_exit_skips_the_teardown_only_for_a_normal_stop(tmp_path, status, expected):
    marks = tmp_path / "marks"
    marks.touch()
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", _EXIT_SCRIPT, str(ROOT / "gunicorn.conf.py"), str(marks), str(status)],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == status, done.stderr
    assert marks.read_text().splitlines() == expected


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")), reason="runs once, on its own SQLite file")
def test_production_server_serves_the_wizard(tmp_path, questionnaire):
    """gunicorn with gunicorn.conf.py: preloaded app, warm-up, turns, worker recycling. A page
    is saved and the next one served, by whichever worker takes each request."""
    port = _free_port()
    env = dict(os.environ, TNA_INSTANCE=str(tmp_path), SECRET_KEY="serve-test", TNA_BIND=f"127.0.0.1:{port}",
               TNA_ACCESS_LOG="", DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}", TNA_WORKERS="2",
               # Recycle a worker every three requests: the journey crosses several restarts.
               TNA_MAX_REQUESTS="3", TNA_MAX_REQUESTS_JITTER="0")
    bin_dir = os.path.dirname(sys.executable)
    subprocess.run([os.path.join(bin_dir, "tna"), "db-upgrade"], env=env, check=True, capture_output=True)
    server = subprocess.Popen(  # noqa: S603
        [os.path.join(bin_dir, "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "--chdir", str(ROOT),
         "webapp:create_app()"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(), _NoRedirect())
        deadline = time.time() + 60
        while True:
            try:
                page = opener.open(base + "/").read().decode()
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise AssertionError(server.stderr.read().decode()[-2000:]) from None
                time.sleep(0.2)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        start = _post(opener, base + "/start", {"csrf_token": csrf, "creation_key": "serve-test-key"})
        token = re.search(r"/a/([^/]+)/", start.headers["Location"]).group(1)
        url = f"{base}/a/{token}/section/profile"
        page = opener.open(url).read().decode()
        version = re.search(r'name="base_version" value="(\d+)"', page).group(1)
        form = dict(form_data(questionnaire.profile, answer_all(questionnaire, dict(PROFILE))),
                    csrf_token=csrf, base_version=version)
        saved = _post(opener, url, form)
        assert saved.status == 302, saved.read()[:500]
        following = opener.open(base + saved.headers["Location"].replace(base, ""))
        assert following.status == 200
        assert "section" in following.url
        for _ in range(4):
            assert opener.open(url).status == 200
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    log = server.stderr.read().decode()
    assert log.count("Autorestarting worker") >= 2, log[-2000:]
    assert "exited with code" not in log and "Traceback" not in log, log[-2000:]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _post(opener, url, form):
    from urllib.error import HTTPError
    from urllib.parse import urlencode

    try:
        return opener.open(urllib.request.Request(url, data=urlencode(form, doseq=True).encode(), method="POST"))
    except HTTPError as redirect:
        if 300 <= redirect.code < 400:
            return redirect
        raise
