"""Sign-in attempt counts kept in the application's own database.

A storage backend for the `limits` library (scheme "database://", the default): every worker
of every server counts against the same rows, so throttling holds behind a load balancer, and
no worker keeps counts in memory. Counts use fixed windows: one row per client and limit,
created by the first attempt and gone once its window has passed. Set
RATELIMIT_STORAGE_URI=redis://… to keep them in Redis instead.
"""

from __future__ import annotations

import time

from limits.storage import Storage
from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from webapp.core.db import db
from webapp.core.models import RateLimitCounter

_COUNTERS = RateLimitCounter.__table__
_UPSERTS = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}


class DatabaseStorage(Storage):
    STORAGE_SCHEME = ["database"]

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the key's count, opening a window of `expiry` seconds if it has
        none; return the new count. One statement: concurrent attempts cannot both read 9."""
        engine = db.engine
        upsert = _UPSERTS.get(engine.dialect.name)
        if upsert is None:
            raise NotImplementedError(f"database:// rate limits support SQLite and PostgreSQL, not {engine.dialect.name}")
        now = time.time()
        statement = upsert(_COUNTERS).values(key=key, count=amount, expires_at=now + expiry)
        statement = statement.on_conflict_do_update(
            index_elements=[_COUNTERS.c.key], set_={"count": _COUNTERS.c.count + amount},
        ).returning(_COUNTERS.c.count)
        with engine.begin() as connection:
            # Windows that have passed start again from nothing; this also keeps the table small.
            connection.execute(delete(_COUNTERS).where(_COUNTERS.c.expires_at <= now))
            return connection.execute(statement).scalar_one()

    def get(self, key: str) -> int:
        with db.engine.connect() as connection:
            count = connection.execute(
                select(_COUNTERS.c.count).where(_COUNTERS.c.key == key, _COUNTERS.c.expires_at > time.time())
            ).scalar()
        return count or 0

    def get_expiry(self, key: str) -> float:
        with db.engine.connect() as connection:
            expires_at = connection.execute(select(_COUNTERS.c.expires_at).where(_COUNTERS.c.key == key)).scalar()
        return expires_at if expires_at is not None else time.time()

    def check(self) -> bool:
        try:
            with db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with db.engine.begin() as connection:
            removed = connection.execute(select(func.count()).select_from(_COUNTERS)).scalar_one()
            connection.execute(delete(_COUNTERS))
        return removed

    def clear(self, key: str) -> None:
        with db.engine.begin() as connection:
            connection.execute(delete(_COUNTERS).where(_COUNTERS.c.key == key))
