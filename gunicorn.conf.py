"""Production serving: `make serve`, or `gunicorn -c gunicorn.conf.py 'webapp:create_app()'`.

Workers keep no state between requests: sessions are signed cookies, answers and rendered PDFs
live in the database. Any number of servers can run behind a load balancer.
"""

import multiprocessing
import os

bind = os.environ.get("TNA_BIND", "127.0.0.1:8000")
# A request is mostly Python on the CPU: one worker per core. More workers only slice the same
# cores finer and spread out the latencies.
workers = int(os.environ.get("TNA_WORKERS", multiprocessing.cpu_count()))
# Threads let a worker keep serving while one of its requests waits for a PDF render, which
# runs in a low-priority child process. Within a worker the threads take turns on the CPU
# (webapp/turns.py), so that each page costs about its own time, not that of its neighbours.
worker_class = "gthread"
threads = int(os.environ.get("TNA_THREADS", 4))
os.environ.setdefault("TNA_REQUEST_TURNS", "1")
timeout = 120
graceful_timeout = 30
# One request per connection, as with gunicorn's sync workers: a new request goes to whichever
# worker has room for it, instead of queueing behind its own connection's worker. Browsers
# keep their connections alive to the reverse proxy in front (nginx, a load balancer), which
# also terminates TLS; see the README.
keepalive = int(os.environ.get("TNA_KEEPALIVE", 0))
# A worker takes no more connections than it has threads; the rest wait in the kernel's
# queue, in arrival order, for the first worker with room.
worker_connections = int(os.environ.get("TNA_WORKER_CONNECTIONS", threads))
# Recycle workers to keep memory bounded; the jitter stops them all restarting at once.
max_requests = int(os.environ.get("TNA_MAX_REQUESTS", 5000))
max_requests_jitter = int(os.environ.get("TNA_MAX_REQUESTS_JITTER", 500))
# Load the application once in the master and fork workers from it: a recycled worker starts
# in milliseconds instead of re-reading and re-checking every definition file.
preload_app = True
accesslog = os.environ.get("TNA_ACCESS_LOG", "-") or None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server):
    """Before the first fork: run the app's warm-up (templates, forms, translations, locale
    data, prepared statements), then freeze the heap, so that every worker shares them and the
    garbage collector never walks them again."""
    import gc

    app = server.app.wsgi()
    warm_up = getattr(app, "extensions", {}).get("tna.warm_up")
    if warm_up is not None:
        warm_up()
    gc.collect()
    gc.freeze()


def post_fork(server, worker):
    """A gthread worker's main thread accepts connections and hands them to the request
    threads, and it needs the interpreter lock for that. While a request computes, the lock
    changes hands only every switch interval (5 ms by default, longer than half a wizard
    page): new requests then join the queue late and out of order, which shows as a long
    tail. A 0.5 ms interval lets them in promptly; with one request computing at a time
    (webapp/turns.py) there is no other thread to switch to, so throughput stays the same.
    Measured on the wizard GET at 10 clients: p99/p50 1.85 -> 1.68, requests/s unchanged."""
    import sys

    sys.setswitchinterval(float(os.environ.get("TNA_SWITCH_INTERVAL", "0.0005")))


def worker_exit(server, worker):
    """A worker that stops normally (recycled after max_requests, or the server stopping)
    leaves at once, after returning its database connections, instead of tearing down its
    interpreter object by object. That teardown writes to every page the worker shares with
    the master, so it took about 0.2 s, and the replacement is only forked once the old worker
    has gone: meanwhile the other workers carried its load, at twice their latency.
    A worker that fails keeps its exit status, so that gunicorn still sees a boot error."""
    import logging
    import sys

    error = sys.exc_info()[1]
    if not isinstance(error, SystemExit) or error.code not in (0, None):
        return
    close = getattr(server.app.wsgi(), "extensions", {}).get("tna.close")
    if close is not None:
        close()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
