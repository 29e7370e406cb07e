"""The production server: stock gunicorn with gunicorn.conf.py, end to end."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.helpers import ROOT
from tests.helpers import PROFILE, answer_all, form_data


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")), reason="runs once, on its own SQLite file")
def test_production_server_serves_the_wizard(tmp_path, questionnaire):
    """gunicorn with gunicorn.conf.py: preloaded app and worker recycling. A page is saved and
    the next one served, by whichever worker takes each request."""
    port = _free_port()
    env = dict(os.environ, TNA_INSTANCE=str(tmp_path), SECRET_KEY="serve-test", TNA_BIND=f"127.0.0.1:{port}",
               TNA_ACCESS_LOG="", DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}", TNA_WORKERS="2",
               # Recycle a worker every three requests: the journey crosses several restarts.
               TNA_MAX_REQUESTS="3", TNA_MAX_REQUESTS_JITTER="0",
               # Where gunicorn would put its default control socket, shared by every server of the user.
               HOME=str(tmp_path), XDG_RUNTIME_DIR="")
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
    # No control socket at the shared default path: another server on the host keeps its own.
    assert "Control socket" not in log and not (tmp_path / ".gunicorn").exists(), log[-2000:]


def test_a_server_gets_a_control_socket_only_at_its_own_path(monkeypatch):
    import runpy

    from tests.helpers import ROOT

    monkeypatch.delenv("TNA_CONTROL_SOCKET", raising=False)
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["control_socket_disable"] is True
    monkeypatch.setenv("TNA_CONTROL_SOCKET", "/run/tna/a.ctl")
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["control_socket"] == "/run/tna/a.ctl" and settings["control_socket_disable"] is False


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
