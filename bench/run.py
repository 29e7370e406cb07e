"""Benchmark: `make bench`. Everything is measured in the same run on this machine, against
baselines measured in that run, and reported as ratios. Load is bounded and goes to 127.0.0.1.

Writes the table to bench/results.md.
"""

from __future__ import annotations

import argparse
import io
import os
import queue
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.client import Crowd, Result, Session  # noqa: E402

WARMUP_SECONDS = 2.0


def load(port, clients, seconds, setup, step):
    """Measure after a discarded warm-up run, so that every worker has loaded its templates
    and caches: the figures describe a server in use, not one starting."""
    crowd = Crowd(port, clients, setup)
    try:
        crowd.run(WARMUP_SECONDS, step)
        return crowd.run(seconds, step)
    finally:
        crowd.close()


def interleaved(crowds: dict, seconds: float, rounds: int) -> dict[str, tuple[Result, list[Result]]]:
    """Each crowd runs a discarded warm-up, then `rounds` windows of seconds/rounds, taking
    turns with the others. Returns, per crowd, all its windows together and each on its own."""
    for crowd, step in crowds.values():
        crowd.run(WARMUP_SECONDS, step)
    windows: dict[str, list[Result]] = {name: [] for name in crowds}
    for _ in range(rounds):
        for name, (crowd, step) in crowds.items():
            windows[name].append(crowd.run(seconds / rounds, step))
    combined = {}
    for name, (crowd, _) in crowds.items():
        crowd.close()
        total = Result()
        for window in windows[name]:
            total.merge(window)
        combined[name] = (total, windows[name])
    return combined
from tests.helpers import PROFILE, answer_all, form_data  # noqa: E402

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, app_spec: str, env: dict, workers: int | None = None, max_requests: int | None = None):
        self.port = free_port()
        env = dict(env, TNA_BIND=f"127.0.0.1:{self.port}", TNA_ACCESS_LOG="")
        if workers is not None:
            env["TNA_WORKERS"] = str(workers)
        if max_requests is not None:
            env["TNA_MAX_REQUESTS"] = str(max_requests)
            env["TNA_MAX_REQUESTS_JITTER"] = "0"
        self.proc = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "--chdir", str(ROOT), app_spec],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                status, _, _ = Session(self.port).get("/")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not start: " + self.proc.stderr.read().decode()[-2000:])

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True).stdout  # noqa: S603,S607
        return [int(p) for p in out.split()]

    def stop(self):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def new_assessment(session: Session, questionnaire, answers: dict) -> str:
    session.get("/")
    status, headers, _ = session.post("/start", {"creation_key": os.urandom(8).hex()})
    token = re.search(r"/a/([^/]+)/", headers["Location"]).group(1)
    url = f"/a/{token}/section/profile"
    session.get(url)
    session.post(url, form_data(questionnaire.profile, answers))
    return token


def complete_assessment(session: Session, questionnaire, answers: dict) -> tuple[str, int]:
    """A whole journey; returns the token and the number of failed requests."""
    errors = 0
    session.get("/")
    status, headers, _ = session.post("/start", {"creation_key": os.urandom(8).hex()})
    token = re.search(r"/a/([^/]+)/", headers["Location"]).group(1)
    url = f"/a/{token}/section/profile"
    while "/section/" in url:
        section = questionnaire.section(url.rsplit("/", 1)[1])
        status, _, _ = session.get(url)
        errors += status != 200
        status, headers, _ = session.post(url, form_data(section, answers))
        errors += status != 302
        url = headers.get("Location", "").replace(f"http://127.0.0.1:{session.port}", "")
        if status != 302:
            break
    for path in (f"/a/{token}/check",):
        status, _, _ = session.get(path)
        errors += status != 200
    status, _, _ = session.post(f"/a/{token}/submit", {})
    errors += status != 302
    status, _, _ = session.get(f"/a/{token}/report")
    errors += status != 200
    return token, errors


def touch(session: Session, token: str, questionnaire, answers: dict, n: int) -> None:
    """Change one answer, so that the next PDF must be rendered afresh."""
    url = f"/a/{token}/section/profile"
    session.get(url)
    form = form_data(questionnaire.profile, dict(answers))
    form["q_agency_name"] = f"Agency revision {n}"
    form["base_version"] = str(10**9)  # our own earlier saves are not a conflict
    session.post(url, form)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=12.0, help="load time per measure")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--renders", type=int, default=100)
    parser.add_argument("--officials", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=8, help="windows per measure, taken in turns")
    args = parser.parse_args()

    from reports.build import build_report
    from reports.catalogue import load_definitions
    from reports.render import render_document, render_pdf

    questionnaire, catalogue = load_definitions()
    tmp = Path(tempfile.mkdtemp(prefix="tna-bench-"))
    env = dict(os.environ, TNA_INSTANCE=str(tmp), SECRET_KEY="bench")
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    subprocess.run([str(BIN / "tna"), "db-upgrade"], env=env, check=True, capture_output=True)  # noqa: S603
    answers = answer_all(questionnaire, dict(PROFILE))
    rows: list[tuple[str, str, str, str]] = []
    checks: list[tuple[str, bool]] = []

    def add(name, value, ratio="", target=""):
        rows.append((name, value, ratio, target))
        print(f"{name:55} {value:>28} {ratio:>10} {target}", flush=True)

    # 1, 2 and 4: the baseline, wizard GET and POST, and a repeat download. This machine's
    # speed drifts by tens of percent within a minute, so these are measured in turns: each
    # gets one short window per round, and every ratio compares figures taken side by side.
    hello = Server("bench.hello_app:create_app()", env)
    app = Server("webapp:create_app()", env)
    documents = questionnaire.section("documents")

    def wizard_setup(session, index):
        token = new_assessment(session, questionnaire, dict(answers))
        return f"/a/{token}/section/documents"

    def post_setup(session, index):
        url = wizard_setup(session, index)
        session.get(url)
        form = dict(form_data(documents, dict(answers)), **session.page_fields())
        form["base_version"] = str(10**9)  # each client's own earlier saves are not conflicts
        bodies = [urllib.parse.urlencode(dict(form, q_doc_first_line=v), doseq=True).encode() for v in ("half", "most")]
        return {"url": url, "n": 0, "bodies": bodies}

    def post_step(session, state):
        state["n"] += 1
        return session.post_encoded(state["url"], state["bodies"][state["n"] % 2])[0]

    owner = Session(app.port)
    token, _ = complete_assessment(owner, questionnaire, dict(answers))
    owner.get(f"/a/{token}/report.pdf")  # rendered once; every download after this is a repeat
    pdf_url = f"/a/{token}/report.pdf"
    measured = interleaved({
        "base": (Crowd(hello.port, args.clients, lambda s, i: None), lambda s, _: s.get("/")[0]),
        "get": (Crowd(app.port, args.clients, wizard_setup), lambda s, url: s.get(url)[0]),
        "post": (Crowd(app.port, args.clients, post_setup), post_step),
        "download": (Crowd(app.port, args.clients, lambda s, i: None), lambda s, _: s.get(pdf_url)[0]),
    }, args.seconds, args.rounds)
    hello.stop()
    base, get, post, dl = (measured[name][0] for name in ("base", "get", "post", "download"))

    def spread(name):
        ratios = sorted(r.rate / b.rate for r, b in zip(measured[name][1], measured["base"][1], strict=True))
        return f"windows {ratios[0]:.2f}–{ratios[-1]:.2f}"

    add("Baseline: bare Flask GET (req/s, p50/p99 ms)", f"{base.rate:.0f}  {base.p50:.1f}/{base.pct(99):.1f}")
    ratio = get.rate / base.rate
    get_tail = tail(measured["get"][1])
    add("Wizard page GET (req/s, p50/p99 ms)", f"{get.rate:.0f}  {get.p50:.1f}/{get.pct(99):.1f}", f"{ratio:.2f}x ({spread('get')})", "≥ 0.15x")
    add("  p99 / p50 within a window, GET", f"{get_tail:.2f}", "", "≤ 3")
    checks += [("wizard GET ≥ 0.15× baseline", ratio >= 0.15), ("wizard GET p99 ≤ 3× p50", get_tail <= 3)]
    ratio = post.rate / base.rate
    post_tail = tail(measured["post"][1])
    add("Wizard page POST, validate + save (req/s, p50/p99 ms)", f"{post.rate:.0f}  {post.p50:.1f}/{post.pct(99):.1f}", f"{ratio:.2f}x ({spread('post')})", "≥ 0.20x")
    add("  p99 / p50 within a window, POST", f"{post_tail:.2f}", "", "≤ 3")
    checks += [("wizard POST ≥ 0.20× baseline", ratio >= 0.20), ("wizard POST p99 ≤ 3× p50", post_tail <= 3)]
    add("  errors in GET / POST runs", f"{get.errors} / {post.errors}", "", "0")
    checks.append(("errors in GET and POST runs = 0", get.errors == 0 and post.errors == 0))

    # 3. PDF generation against a one-page WeasyPrint document, in this process.
    from pypdf import PdfReader

    one_page = "<html><body><h1>One page</h1><p>" + "Plain text. " * 200 + "</p></body></html>"
    render_pdf(one_page)
    one = statistics.median(_timed(lambda: render_pdf(one_page)) for _ in range(5))
    report_html = render_document(build_report(questionnaire, catalogue, answers, {"reference": "BENCH"}))
    pdf = render_pdf(report_html)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    full = statistics.median(_timed(lambda: render_pdf(report_html)) for _ in range(3))
    ratio = (full / pages) / one
    add(f"Report PDF: {pages} pages, time per page vs one page (ms)", f"{full / pages * 1000:.0f} vs {one * 1000:.0f}", f"{ratio:.2f}x", "≤ 3x")
    checks.append(("report PDF ≤ 3× one-page time per page", ratio <= 3))

    # 4. Repeat download of an unchanged, already rendered report (measured above, in turns).
    ratio = dl.rate / base.rate
    add("Repeat download of a rendered PDF (req/s, p50 ms)", f"{dl.rate:.0f}  {dl.p50:.1f}", f"{ratio:.2f}x ({spread('download')})", "≥ 0.4x")
    checks.append(("repeat download ≥ 0.4× baseline", ratio >= 0.4 and dl.errors == 0))

    # 5. Wizard throughput while two reports render.
    stop = threading.Event()
    rendered = [0]

    def keep_rendering(index):
        session = Session(app.port)
        tok = new_assessment(session, questionnaire, dict(answers))
        n = 0
        while not stop.is_set():
            n += 1
            touch(session, tok, questionnaire, answers, n)
            status, _, _ = session.get(f"/a/{tok}/report.pdf")
            rendered[0] += status == 200

    renderers = [threading.Thread(target=keep_rendering, args=(i,), daemon=True) for i in range(2)]
    for t in renderers:
        t.start()
    time.sleep(2)
    busy = load(app.port, args.clients, args.seconds, wizard_setup, lambda s, url: s.get(url)[0])
    stop.set()
    for t in renderers:
        t.join()
    ratio = busy.rate / get.rate
    add(f"Wizard GET while 2 reports render ({rendered[0]} rendered)", f"{busy.rate:.0f}  {busy.p50:.1f}/{busy.pct(99):.1f}", f"{ratio:.2f}x", "≥ 0.6x unloaded")
    checks.append(("wizard under two renders ≥ 0.6× unloaded", ratio >= 0.6))

    # 7. A full journey by 50 officials, 10 at a time.
    officials: queue.Queue[int] = queue.Queue()
    for i in range(args.officials):
        officials.put(i)
    journey_errors = [0]
    done = [0]

    def official(_):
        session = Session(app.port)
        while True:
            try:
                officials.get_nowait()
            except queue.Empty:
                return
            _, errors = complete_assessment(session, questionnaire, dict(answers))
            journey_errors[0] += errors
            done[0] += 1
            session = Session(app.port)

    began = time.perf_counter()
    crowd = [threading.Thread(target=official, args=(i,)) for i in range(args.clients)]
    for t in crowd:
        t.start()
    for t in crowd:
        t.join()
    elapsed = time.perf_counter() - began
    add(f"Journey of {args.officials} officials, {args.clients} at a time", f"{done[0] / elapsed:.2f} completions/s, {journey_errors[0]} errors")
    checks.append(("journey errors = 0", journey_errors[0] == 0 and done[0] == args.officials))
    app.stop()

    # 6. Worker memory after 5 renders and after N, one worker, no recycling.
    single = Server("webapp:create_app()", env, workers=1, max_requests=0)
    session = Session(single.port)
    tok = new_assessment(session, questionnaire, dict(answers))
    pid = single.worker_pids()[0]
    after5 = None
    for n in range(1, args.renders + 1):
        touch(session, tok, questionnaire, answers, n)
        session.get(f"/a/{tok}/report.pdf")
        if n == 5:
            after5 = rss_mb(pid)
    after_n = rss_mb(pid)
    single.stop()
    ratio = after_n / after5
    add(f"Worker memory after 5 and {args.renders} renders (MB)", f"{after5:.0f} -> {after_n:.0f}", f"{ratio:.2f}x", "≤ 1.2x")
    checks.append((f"memory after {args.renders} renders ≤ 1.2× after 5", ratio <= 1.2))

    write_results(rows, checks, args)
    print()
    for name, ok in checks:
        print(f"{'PASS' if ok else 'MISS'}  {name}")


def tail(windows: list[Result]) -> float:
    """p99 over p50 under steady load. The machine's speed drifts between windows, which
    would widen a pooled distribution: each window's latencies are divided by that window's
    median before they are pooled."""
    pooled: list[float] = []
    for window in windows:
        if window.latencies:
            median = statistics.median(window.latencies)
            pooled += [latency / median for latency in window.latencies]
    pooled.sort()
    return pooled[round(0.99 * (len(pooled) - 1))] if pooled else float("nan")


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def write_results(rows, checks, args) -> None:
    lines = [
        f"# Benchmark results ({time.strftime('%Y-%m-%d')})",
        "",
        f"{os.cpu_count()} cores; gunicorn with gunicorn.conf.py; {args.clients} concurrent clients for {args.seconds:g} s per measure;",
        f"baseline, wizard GET and POST, and repeat download in {args.rounds} windows each, taken in turns;",
        f"database: {os.environ.get('DATABASE_URL', 'SQLite file').split('@')[-1]}.",
        "",
        "| measure | value | ratio | target |",
        "|---|---|---|---|",
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows],
        "",
        *[f"- {'PASS' if ok else 'MISS'}: {name}" for name, ok in checks],
        "",
    ]
    (ROOT / "bench" / "results.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
