"""Production serving: `make serve`, or `gunicorn -c gunicorn.conf.py 'webapp:create_app()'`.

Workers keep no state between requests: sessions are signed cookies, answers and rendered PDFs
live in the database. Any number of servers can run behind a load balancer.
"""

import multiprocessing
import os

bind = os.environ.get("TNA_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("TNA_WORKERS", multiprocessing.cpu_count() * 2))
# Threads let a worker keep serving while one of its requests waits for a PDF render, which
# runs in a low-priority child process.
worker_class = os.environ.get("TNA_WORKER_CLASS", "gthread")
threads = int(os.environ.get("TNA_THREADS", 4))
timeout = 120
graceful_timeout = 30
keepalive = 5
# Recycle workers to keep memory bounded; the jitter stops them all restarting at once.
max_requests = int(os.environ.get("TNA_MAX_REQUESTS", 1000))
max_requests_jitter = int(os.environ.get("TNA_MAX_REQUESTS_JITTER", 100))
# Load the application once in the master and fork workers from it: a recycled worker starts
# in milliseconds instead of re-reading and re-checking every definition file.
preload_app = True
accesslog = os.environ.get("TNA_ACCESS_LOG", "-") or None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server):
    """Before the first fork: compile templates and forms, then freeze the heap, so that every
    worker shares them and the garbage collector never walks them again."""
    import gc

    app = server.app.wsgi()
    warm_up = getattr(app, "extensions", {}).get("tna.warm_up")
    if warm_up is not None:
        warm_up()
    gc.collect()
    gc.freeze()
