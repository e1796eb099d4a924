"""Bulk writes that behave the same on SQLite and PostgreSQL.

An import writes millions of rows, so these skip the ORM's per-row bookkeeping and, on
PostgreSQL, the per-row round trips: SQLite gets the driver's `executemany` over plain
tuples, PostgreSQL one `INSERT ... SELECT FROM unnest(arrays)` per batch, the arrays sent
in binary. The rows written, the conflicts skipped and the errors raised are those of a
plain INSERT of the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from itertools import islice
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import Column, Connection, Integer, String, Table, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ctip.store.tables import Base

T = TypeVar("T")

ON_CONFLICT_DO_NOTHING = " ON CONFLICT DO NOTHING"
# SQLite's page cache while a bulk write runs (KiB); its default is 2 MB.
BULK_CACHE_KIB = 128 * 1024
# PostgreSQL re-samples tables after a write that adds this many rows and a tenth or more.
ANALYZE_MIN_ROWS = 10_000
ANALYZE_GROWTH = 0.1


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of at most `size` items, in order."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def table_of(model: type[Base]) -> Table:
    """The Core table behind a mapped class."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


def existing_keys(
    session: Session, model: type[Base], column: str, keys: Sequence[str]
) -> set[str]:
    """Which of the (text) keys the column already holds, in one query.

    PostgreSQL gets the keys as one binary array (`= ANY`), not as thousands of bound
    parameters that the driver would parse out of a new query text on every batch.
    """
    if not keys:
        return set()
    table = table_of(model)
    if _dialect(session) != "postgresql":
        query = select(table.c[column]).where(table.c[column].in_(keys))
        return set(session.execute(query).scalars())
    quote = session.get_bind().dialect.identifier_preparer
    name = quote.quote(column)
    sql = f"SELECT {name} FROM {quote.format_table(table)} WHERE {name} = ANY(%b::text[])"
    return set(session.connection().exec_driver_sql(sql, (list(keys),)).scalars())


def insert_rows(session: Session, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows that are not there yet; a duplicate key fails as a plain INSERT does."""
    if not rows:
        return
    table = table_of(model)
    if not _fast_insert(session, table, rows, ""):
        session.execute(insert(table), rows)


def insert_ignoring_duplicates(
    session: Session, table: type[Base], rows: Sequence[dict[str, Any]]
) -> None:
    """Insert rows, skipping those whose primary key is already there."""
    if not rows:
        return
    core = table_of(table)
    if _fast_insert(session, core, rows, ON_CONFLICT_DO_NOTHING):
        return
    dialect = _dialect(session)
    if dialect == "postgresql":
        session.execute(pg_insert(core).on_conflict_do_nothing(), rows)
    elif dialect == "sqlite":
        session.execute(sqlite_insert(core).on_conflict_do_nothing(), rows)
    else:
        session.execute(insert(core).prefix_with("IGNORE"), rows)


@contextmanager
def bulk_write_cache(session: Session) -> Iterator[None]:
    """On SQLite, a page cache of at least BULK_CACHE_KIB for the length of a bulk write.

    Rows keyed by a hash land all over their index, so with SQLite's 2 MB default each batch
    reads most index pages back from the file system. Only ever raised, and put back after
    (which frees the pages); a failure to put it back leaves a bigger cache, nothing worse.
    """
    if _dialect(session) != "sqlite":
        yield
        return
    connection = session.connection()
    previous = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
    if _sqlite_cache_kib(connection, previous) >= BULK_CACHE_KIB:
        yield
        return
    connection.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        with suppress(SQLAlchemyError):
            connection.exec_driver_sql(f"PRAGMA cache_size={previous}")


def _sqlite_cache_kib(connection: Connection, cache_size: int) -> int:
    """SQLite's cache_size in KiB: negative values are KiB already, positive ones pages."""
    if cache_size < 0:
        return -cache_size
    page_size = int(connection.exec_driver_sql("PRAGMA page_size").scalar_one())
    return cache_size * page_size // 1024


def refresh_statistics(session: Session, models: Sequence[type[Base]], added: int) -> None:
    """On PostgreSQL, ANALYZE the tables after a write that grew them by a tenth or more.

    Until autovacuum gets round to it (or never, where it is off) the planner guesses row
    counts and picks plans for far bigger results: loading 25 entities after a large import
    took a parallel scan and 10 ms instead of 2 ms. SKIP_LOCKED: never wait for a lock.
    """
    bind = session.get_bind()
    version = bind.dialect.server_version_info or (0,)
    if bind.dialect.name != "postgresql" or version < (12,) or added < ANALYZE_MIN_ROWS:
        return
    names = [bind.dialect.identifier_preparer.format_table(table_of(m)) for m in models]
    connection = session.connection()
    sql = "SELECT reltuples FROM pg_class WHERE oid = %s::regclass"
    rows_before = connection.exec_driver_sql(sql, (names[0],)).scalar_one()
    if added >= ANALYZE_GROWTH * max(float(rows_before), 0.0):
        connection.exec_driver_sql(f"ANALYZE (SKIP_LOCKED) {', '.join(names)}")


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _fast_insert(session: Session, table: Table, rows: Sequence[dict[str, Any]], tail: str) -> bool:
    """Write through the driver when the rows allow it; False leaves it to SQLAlchemy."""
    if not all(map(rows[0].keys().__eq__, map(dict.keys, rows))):
        return False  # rows naming different columns: SQLAlchemy groups them
    columns = [table.c[name] for name in rows[0]]
    dialect = _dialect(session)
    if dialect == "sqlite":
        _sqlite_executemany(session, table, columns, _tuples(rows, columns), tail)
        return True
    if dialect == "postgresql" and all(_pg_array_type(c) for c in columns):
        _pg_unnest_insert(session, table, columns, _tuples(rows, columns), tail)
        return True
    return False


def _tuples(rows: Sequence[dict[str, Any]], columns: list[Column[Any]]) -> list[tuple[Any, ...]]:
    if len(columns) == 1:
        name = columns[0].key
        return [(row[name],) for row in rows]
    pick = itemgetter(*(column.key for column in columns))
    return [pick(row) for row in rows]


def _column_list(session: Session, table: Table, columns: list[Column[Any]]) -> str:
    quote = session.get_bind().dialect.identifier_preparer
    return f"{quote.format_table(table)} ({', '.join(quote.quote(c.name) for c in columns)})"


def _sqlite_executemany(
    session: Session,
    table: Table,
    columns: list[Column[Any]],
    values: list[tuple[Any, ...]],
    tail: str,
) -> None:
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {_column_list(session, table, columns)} VALUES ({marks}){tail}"
    session.connection().exec_driver_sql(sql, values)


def _pg_array_type(column: Column[Any]) -> str | None:
    """The array element type a column travels in; `text` keeps VARCHAR(n) length checks."""
    if isinstance(column.type, String):
        return "text"
    if isinstance(column.type, Integer):
        return "bigint"
    return None


def _pg_unnest_insert(
    session: Session,
    table: Table,
    columns: list[Column[Any]],
    values: list[tuple[Any, ...]],
    tail: str,
) -> None:
    """One statement per batch: each column travels as one array, in binary (`%b`)."""
    arrays = ", ".join(f"%b::{_pg_array_type(c)}[]" for c in columns)
    target = _column_list(session, table, columns)
    sql = f"INSERT INTO {target} SELECT * FROM unnest({arrays}){tail}"
    per_column = tuple(list(column) for column in zip(*values, strict=True))
    session.connection().exec_driver_sql(sql, per_column)
