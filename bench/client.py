"""A bounded HTTP client for the benchmark: a fixed number of simulated browsers, one thread
and one cookie jar each, for a fixed time or a fixed number of requests. Only talks to
127.0.0.1."""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

HOST = "127.0.0.1"


class Session:
    """One simulated browser: a connection, a cookie jar of one cookie, and the last page."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection(HOST, port, timeout=120)
        self.cookie = ""
        self.last = b""  # the last HTML page, as bytes: decoding every page would load the client

    def request(self, method: str, path: str, form: dict | None = None, body: bytes | None = None) -> tuple[int, Any, bytes]:
        """Returns the status, the headers (an email.message.Message: get() and [] work, names
        are case-insensitive) and the body."""
        assert path.startswith("/"), "only paths on the local server"
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True).encode()
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=120)
                if attempt:
                    raise
        message = response.msg
        cookie = message.get("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        if not 300 <= response.status < 400 and message.get("Content-Type", "").startswith("text/html"):
            self.last = data
        return response.status, message, data

    def get(self, path: str):
        return self.request("GET", path)

    def page_fields(self) -> dict[str, str]:
        """The CSRF token and base version of the last page, as a browser would send them."""
        fields = {}
        token = re.search(rb'name="csrf_token" value="([^"]+)"', self.last)
        if token:
            fields["csrf_token"] = token.group(1).decode()
        version = re.search(rb'name="base_version" value="(\d+)"', self.last)
        if version:
            fields["base_version"] = version.group(1).decode()
        return fields

    def post(self, path: str, form: dict):
        if "csrf_token" not in form or "base_version" not in form:
            form = dict(self.page_fields(), **form)
        return self.request("POST", path, form)

    def post_encoded(self, path: str, body: bytes):
        """A form encoded once ahead, as a load generator replays it: the client's own work
        stays small next to the server's."""
        return self.request("POST", path, body=body)

    def close(self):
        self.conn.close()


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0

    def merge(self, other: Result) -> None:
        self.latencies.extend(other.latencies)
        self.errors += other.errors
        self.elapsed += other.elapsed

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")


class Crowd:
    """`clients` simulated browsers, each set up once with `setup`; `run` then drives them
    all at once with `step`, as often as needed. Sessions stay, connections do not: each
    request opens its own, as the server closes them."""

    def __init__(self, port: int, clients: int, setup: Callable[[Session, int], object]):
        self.sessions = [Session(port) for _ in range(clients)]
        self.states = [setup(session, i) for i, session in enumerate(self.sessions)]

    def run(self, seconds: float, step: Callable[[Session, object], int], max_requests: int = 200_000) -> Result:
        """`step` returns the HTTP status; anything from 400 up counts as an error."""
        result = Result()
        lock = threading.Lock()
        ready = threading.Barrier(len(self.sessions) + 1)
        go = threading.Event()
        stop_at = [0.0]

        def worker(index: int):
            session, state = self.sessions[index], self.states[index]
            ready.wait()
            go.wait()
            local: list[float] = []
            errors = 0
            while time.perf_counter() < stop_at[0] and len(local) < max_requests:
                t0 = time.perf_counter()
                try:
                    status = step(session, state)
                except Exception:  # noqa: BLE001 - a failed request is an error in the figures
                    status = 599
                local.append(time.perf_counter() - t0)
                if status >= 400:
                    errors += 1
            with lock:
                result.latencies.extend(local)
                result.errors += errors

        threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(len(self.sessions))]
        for t in threads:
            t.start()
        ready.wait()
        began = time.perf_counter()
        stop_at[0] = began + seconds
        go.set()
        for t in threads:
            t.join()
        result.elapsed = time.perf_counter() - began
        return result

    def close(self) -> None:
        for session in self.sessions:
            session.close()
