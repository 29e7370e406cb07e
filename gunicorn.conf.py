"""Production serving: `make serve`, or `gunicorn -c gunicorn.conf.py 'webapp:create_app()'`.

Stock gunicorn, set up as its documentation recommends. Workers keep no state between
requests: sessions are signed cookies; answers and rendered PDFs live in the database, so any
number of servers can run behind a load balancer that shares SECRET_KEY and DATABASE_URL.
"""

import multiprocessing
import os

bind = os.environ.get("TNA_BIND", "127.0.0.1:8000")
# gunicorn's documentation suggests (2 x cores) + 1 workers.
workers = int(os.environ.get("TNA_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# Threads let a worker keep serving while one of its requests waits for a PDF render, which
# runs in a short-lived child process.
worker_class = "gthread"
threads = int(os.environ.get("TNA_THREADS", 4))
timeout = 120
graceful_timeout = 30
# Recycle workers to keep memory bounded; the jitter stops them all restarting at once.
max_requests = int(os.environ.get("TNA_MAX_REQUESTS", 5000))
max_requests_jitter = int(os.environ.get("TNA_MAX_REQUESTS_JITTER", 500))
# Load the application once in the master: the definition files are read and checked once.
preload_app = True
accesslog = os.environ.get("TNA_ACCESS_LOG", "-") or None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket (for gunicornc) has one default path per user: a second server on
# the same host would take it over from the first. A server gets one only at a path of its own.
control_socket = os.environ.get("TNA_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
