"""What every request passes through: body limits, refused characters, session idling,
security and cache headers; and where a redirect may go."""

from __future__ import annotations

import io
import re
from urllib.parse import unquote, urlsplit

from flask import Flask, abort, current_app, request, session


def init_app(app: Flask) -> None:
    if app.config.get("TNA_BEHIND_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    app.wsgi_app = BoundedChunkedBody(app.wsgi_app, app.config["MAX_CONTENT_LENGTH"])  # type: ignore[method-assign]
    app.before_request(_refuse_oversized_bodies)
    app.before_request(_refuse_nul_characters)
    app.after_request(_idle_session)
    app.after_request(_security_headers)

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def local_path(target: object, default: str = "/") -> str:
    """`target` if it is a path on this site, else `default`. Browsers drop tabs and newlines
    and read a backslash as a slash, so "/\\t/evil.example" would leave the site: refused,
    encoded or not."""
    if not isinstance(target, str) or not target:
        return default
    for form in (target, unquote(target)):
        if _CONTROL.search(form) or "\\" in form or not form.startswith("/") or form.startswith("//"):
            return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


class BoundedChunkedBody:
    """A chunked body has no Content-Length, so its size cannot be checked before it is read,
    and the form parser would silently cut it at the limit, losing the rest of the page. Read it
    here, up to one byte past the limit: a body over the limit is marked for a 413, and one
    within it is passed on with its length, like any other."""

    def __init__(self, wsgi_app, limit: int):
        self.wsgi_app = wsgi_app
        self.limit = limit

    def __call__(self, environ, start_response):
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not environ.get("CONTENT_LENGTH"):
            body = environ["wsgi.input"].read(self.limit + 1)
            if len(body) > self.limit:
                environ["tna.body_too_large"] = True
                body = b""
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            environ.pop("HTTP_TRANSFER_ENCODING", None)
            environ.pop("wsgi.input_terminated", None)
        return self.wsgi_app(environ, start_response)


def _refuse_oversized_bodies():
    if request.environ.get("tna.body_too_large"):
        abort(413)


def _refuse_nul_characters():
    """No browser puts a NUL character in a link or a form, and PostgreSQL cannot store one. A
    request that holds one was altered on its way: it gets the "form could not be read" page,
    and nothing is saved."""
    if "\x00" in request.path or "%00" in request.environ.get("QUERY_STRING", "") or "\x00" in request.environ.get("QUERY_STRING", ""):
        abort(400)
    if request.method == "POST" and any("\x00" in value for _, value in request.form.items(multi=True)):
        abort(400)


def _idle_session(response):
    """A session that holds something ends after SESSION_IDLE without a request. Setting the
    flag only once, and only on a session in use, keeps static files and PDF downloads from
    re-signing and re-sending the cookie, and gives no cookie to visitors who need none."""
    if session and not session.permanent:
        session.permanent = True
    return response


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
)
PRIVATE_PAGE = ("Cache-Control", "private, no-store")
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def _security_headers(response):
    """Private links carry their token in the URL: never leak it in a Referer header, and keep
    pages under a private link out of shared caches. A header a view set itself is kept,
    except that signed-in pages and exports are never stored."""
    from flask import request

    wanted = list(SECURITY_HEADERS)
    if request.path.startswith("/a/"):
        wanted.append(PRIVATE_PAGE)
    if "_user_id" in session and request.endpoint not in ("static", "report.report_css"):
        # A signed-in page or export is never kept by any cache, whatever the view set.
        response.headers["Cache-Control"] = PRIVATE_PAGE[1]
    if request.is_secure or current_app.config["SESSION_COOKIE_SECURE"]:
        wanted.append(HSTS)
    present = {name.lower() for name, _ in response.headers.items()}
    response.headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
    return response
