import contextlib
import fcntl
import os
from collections.abc import Iterator

from flask import Flask, g
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


# Objects stay readable after a commit without reloading them: a request ends soon after.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite as a server database: write-ahead log so readers never wait for a writer,
    a busy timeout instead of "database is locked" errors, and enforced foreign keys."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


_REQUEST_CONNECTION = "tna_connection"


def request_connection() -> Connection:
    """A Core connection of this request's own, for the wizard's prepared statements
    (see prepared.py), checked out of the pool on first use and returned when the request
    ends. The wizard reads and saves an assessment on it without an ORM session, whose
    bookkeeping cost a page more than its queries; the code using it commits itself."""
    connection = g.get(_REQUEST_CONNECTION)
    if connection is None:
        connection = db.engine.connect()
        setattr(g, _REQUEST_CONNECTION, connection)
    return connection


def init_request_connection(app: Flask) -> None:
    @app.teardown_appcontext
    def _return_request_connection(_error: BaseException | None) -> None:
        connection = g.pop(_REQUEST_CONNECTION, None)
        if connection is not None:
            connection.close()  # rolls back whatever was not committed


@contextlib.contextmanager
def write_lock() -> Iterator[None]:
    """Queue the writers of a SQLite database in the kernel, in arrival order.

    SQLite lets one writer in at a time; a writer that finds the database busy sleeps and tries
    again after 1, 2, 5, 10, 20... ms, so under load a few saves wait far longer than the rest.
    A file lock next to the database wakes the next writer the moment the previous one commits.
    PostgreSQL needs none of this: its writers wait on row locks.
    """
    engine = db.engine
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    fd = os.open(database + ".write-lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
