"""Every error is a page the user can act on. No answer is lost by any of them."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, SecurityError

from webapp.core.config import MAX_REQUEST_BYTES
from webapp.core.db import db

MESSAGES = {
    400: (_l("The form could not be read"), _l("Go back, reload the page and try again. Answers you saved before are safe.")),
    404: (_l("Page not found"), _l("Check the link. If you copied your private link, make sure you copied all of it. Links that were changed or never existed do not work.")),
    405: (_l("That action is not possible here"), _l("Go back and use the buttons on the page.")),
    409: (_l("This assessment can no longer be changed"), _l("It has been submitted. You can still read and download the report.")),
    413: (_l("Too much text"), _l("A page can send at most %(size)s KB. Shorten your longest answers and send the page again. Answers you saved before are safe.", size=MAX_REQUEST_BYTES // 1024)),
    401: (_l("Sign in to see this page"), _l("This page is for signed-in users.")),
    403: (_l("You cannot see this page"), _l("Your account does not give access to it. If you think it should, ask an administrator.")),
    429: (_l("Too many attempts"), _l("Wait a few minutes, then try again.")),
    503: (_l("The service is not available right now"), _l("The database cannot be reached. Answers you saved before are safe. Wait a minute, then reload the page or send it again.")),
    500: (_l("Something went wrong on our side"), _l("Try again in a few minutes. Answers you saved before are safe.")),
}


def render_error(code: int, title: str | None = None, text: str | None = None):
    default_title, default_text = MESSAGES.get(code, MESSAGES[500])
    return render_template("error.html", code=code, title=title or default_title, text=text or default_text), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400,
            _l("Your session has expired"),
            _l("For your security, forms must be sent from this site within your session. Go back, "
               "reload the page and send it again. Answers you saved before are safe."),
        )

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error: Exception):
        app.logger.warning("Database unavailable: %s", error)
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - the connection may be gone; the next request gets a new one
            db.session.remove()
        body, code = render_error(503)
        return body, code, {"Retry-After": "30"}

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError):
        # The request names a host this site does not answer to: no page, no link built from it.
        return "This site does not answer to that host name.\n", 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        from flask import request

        if error.code == 413 and request.endpoint == "offline.import_workbook":
            body, code = render_error(413, _l("The file is too large"),
                                      _l("A filled workbook is well under 1 MB. Check that you chose the workbook, not another file. Nothing was saved."))
            return body, code
        body, code = render_error(error.code or 500)
        # Keep what the error says about retrying (429, 503) and what is allowed (405).
        kept = {k: v for k, v in error.get_headers() if k in ("Retry-After", "Allow")}
        return body, code, kept

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("Unhandled error")
        return render_error(500)
