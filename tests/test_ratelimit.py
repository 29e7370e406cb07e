"""Sign-in attempt counts live in the database, so every worker and server counts together."""

from __future__ import annotations

import time

from limits import parse

from tests.helpers import Browser


def _attempt(client, token):
    return client.post("/sign-in", data={"email": "ta@x.test", "password": "nope nope nope", "csrf_token": token}).status_code


def test_two_workers_share_one_count(app, people):
    """Two application instances on one database, as two gunicorn workers (or two servers)
    would be: 10 attempts a minute in all, not 10 each."""
    from webapp import create_app

    other_worker = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                               "SECRET_KEY": "test"})
    browsers = [Browser(app.test_client()), Browser(other_worker.test_client())]
    tokens = []
    for browser in browsers:
        browser.get("/sign-in")
        tokens.append(browser.csrf())
    statuses = [_attempt(browsers[i % 2].client, tokens[i % 2]) for i in range(11)]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    with other_worker.app_context():
        from webapp.core.db import db

        db.engine.dispose()


def test_counts_start_again_when_their_window_has_passed(app):
    from webapp.accounts.ratelimit import DatabaseStorage

    storage = DatabaseStorage()
    with app.app_context():
        assert storage.check()
        assert [storage.incr("sign-in/a", 60) for _ in range(3)] == [1, 2, 3]
        assert storage.get("sign-in/a") == 3
        assert time.time() + 55 < storage.get_expiry("sign-in/a") <= time.time() + 60
        assert storage.incr("sign-in/b", 60, amount=2) == 2  # another client counts alone
        # A window that has passed: the count is gone and the row removed by the next attempt.
        assert storage.incr("sign-in/old", -1) == 1
        assert storage.get("sign-in/old") == 0
        assert storage.incr("sign-in/old", 60) == 1
        storage.clear("sign-in/a")
        assert storage.get("sign-in/a") == 0
        assert storage.reset() == 2
        assert storage.get("sign-in/b") == 0


def test_the_limiter_refuses_the_attempt_past_the_limit(app):
    from limits.strategies import FixedWindowRateLimiter

    from webapp.accounts.ratelimit import DatabaseStorage

    limiter = FixedWindowRateLimiter(DatabaseStorage())
    limit = parse("3 per minute")
    with app.app_context():
        assert [limiter.hit(limit, "sign-in", "10.0.0.1") for _ in range(4)] == [True, True, True, False]
        assert limiter.hit(limit, "sign-in", "10.0.0.2")
        assert limiter.get_window_stats(limit, "sign-in", "10.0.0.1").remaining == 0
