"""The wizard's save statements, run straight on the database driver.

Every wizard page saves with the same three statements: claim the next version of the
assessment, update its answers, record the change in the audit log. SQLAlchemy spends more
Python on each execute (statement cache lookup, execution context, parameter and result set-up)
than the database spends running it. `Prepared` keeps what matters of SQLAlchemy: the
statement is a Core construct, compiled by SQLAlchemy once per database dialect, with the
same SQL, casts and type conversions SQLAlchemy would send. It then runs on the driver's
cursor of a SQLAlchemy connection, inside that connection's transaction (begun if none is).
A server compiles them before it forks its workers (`store.PREPARED`).

A driver error comes out as SQLAlchemy's own exception, with a dropped connection marked
invalid, so the 503 page and the connection pool behave as for any other statement.
"""

from __future__ import annotations

import contextlib
import weakref
from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.expression import Executable, Select


@dataclass(frozen=True)
class _Compiled:
    sql: str
    positional: bool
    # Each parameter in the order the driver takes it (positional paramstyles), or once each
    # (named ones), with the conversion SQLAlchemy applies to it for this database, if any.
    order: tuple[tuple[str, Callable[[Any], Any] | None], ...]

    def parameters(self, values: Mapping[str, Any]) -> list[Any] | dict[str, Any]:
        if self.positional:
            return [values[name] if convert is None else convert(values[name]) for name, convert in self.order]
        return {name: values[name] if convert is None else convert(values[name]) for name, convert in self.order}


class Prepared:
    """A Core statement whose parameters are all explicit bindparams, compiled once per
    dialect and run on the DBAPI cursor."""

    def __init__(self, statement: Executable):
        self.statement = statement
        self._compiled: weakref.WeakKeyDictionary[Dialect, _Compiled] = weakref.WeakKeyDictionary()
        self._converters: weakref.WeakKeyDictionary[Dialect, tuple] = weakref.WeakKeyDictionary()
        if isinstance(statement, Select):
            self.row_type = namedtuple("Row", [column.key for column in statement.selected_columns])  # noqa: PYI024

    def compiled(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            binds = compiled.binds
            defaults = [column.key for column in (*compiled.insert_prefetch, *compiled.update_prefetch)]
            if defaults:
                # SQLAlchemy computes these in Python for each execute; here the caller must.
                raise ValueError(f"give {', '.join(defaults)} a value: a prepared statement fills in no default")
            for name, bind in binds.items():
                if bind.expanding or bind.callable is not None or name != bind.key:
                    raise ValueError(f"parameter {name!r} must be a plain bindparam for a prepared statement")
            names = compiled.positiontup or () if compiled.positional else binds
            order = tuple((name, binds[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in names)
            found = self._compiled[dialect] = _Compiled(compiled.string, compiled.positional, order)
        return found

    def run(self, connection: Connection, values: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> int:
        """Run with one set of values, or with each of a list of them; return the row count."""
        with self._cursor(connection, values) as cursor:
            return cursor.rowcount

    def rows(self, connection: Connection, values: Mapping[str, Any]) -> list[tuple]:
        """Run a select; each row is a named tuple of its columns, converted to Python values
        as SQLAlchemy would (JSON decoded, booleans as bool, and so on)."""
        with self._cursor(connection, values) as cursor:
            fetched = cursor.fetchall()
            description = cursor.description
        converters = self._converters.get(connection.dialect)
        if converters is None:
            columns = list(self.statement.selected_columns)
            converters = tuple(
                column.type.dialect_impl(connection.dialect).result_processor(connection.dialect, described[1])
                for column, described in zip(columns, description)
            )
            self._converters[connection.dialect] = converters
        make = self.row_type._make
        if not any(converters):
            return [make(row) for row in fetched]
        return [
            make([value if convert is None else convert(value) for convert, value in zip(converters, row)])
            for row in fetched
        ]

    @contextlib.contextmanager
    def _cursor(self, connection: Connection, values: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Iterator[Any]:
        dialect = connection.dialect
        compiled = self.compiled(dialect)
        many = not isinstance(values, Mapping)
        parameters = [compiled.parameters(v) for v in values] if many else compiled.parameters(values)
        if not connection.in_transaction():
            # As Connection.execute would: without it, commit() would have nothing to commit.
            connection.begin()
        dbapi_connection = connection.connection.dbapi_connection
        cursor = None
        try:
            cursor = dbapi_connection.cursor()
            if many:
                cursor.executemany(compiled.sql, parameters)
            else:
                cursor.execute(compiled.sql, parameters)
            yield cursor
        except dialect.loaded_dbapi.Error as error:
            disconnected = dialect.is_disconnect(error, dbapi_connection, cursor)
            if disconnected:
                connection.invalidate(error)
            raise DBAPIError.instance(
                compiled.sql, parameters, error, dialect.loaded_dbapi.Error,
                connection_invalidated=disconnected, dialect=dialect,
            ) from error
        finally:
            if cursor is not None:
                with contextlib.suppress(dialect.loaded_dbapi.Error):
                    cursor.close()
