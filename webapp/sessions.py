"""The session cookie: signed, carrying only the CSRF secret (and the user's id once signed in),
ending after SESSION_IDLE without a request.

Flask keeps an idle timeout by re-signing and re-sending the cookie with every response. Here
the cookie is re-signed only once it is more than REFRESH_AFTER old: the timeout is the same to
within that margin, and most responses carry no cookie and cost no signature.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

REFRESH_AFTER = dt.timedelta(minutes=5)


class IdleTimeoutSessionInterface(SecureCookieSessionInterface):
    def get_signing_serializer(self, app: Any) -> Any:
        """Flask builds a new serializer for every request; it depends only on the keys."""
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached = getattr(self, "_serializer", None)
        if cached is None or cached[0] != keys:
            cached = self._serializer = (keys, super().get_signing_serializer(app))
        return cached[1]

    def open_session(self, app: Any, request: Any) -> SecureCookieSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed_at  # type: ignore[attr-defined]
        return session

    def should_set_cookie(self, app: Any, session: Any) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "signed_at", None)
        return signed_at is None or dt.datetime.now(dt.timezone.utc) - signed_at > REFRESH_AFTER
