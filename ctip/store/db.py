"""Engines, sessions and schema migration for SQLite and PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ctip.model.errors import CtipError
from ctip.store import area_migrations

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite writer waits for another's transaction (an import's write) to end.

SQLite has one writer at a time; the others queue in its busy handler. 30 s covers the write
phase of a 200k-statement import on a slow disk; past it the wait ends as `StoreBusy`."""
RETRY_AFTER_SECONDS = 5
BUSY_MESSAGES = ("database is locked", "database table is locked", "database is busy")
FOUNDATION_VERSIONS = MIGRATIONS_DIR / "versions"


def utc_now() -> str:
    """The current time as the ISO 8601 UTC text every table stores."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever driver the URL names."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername != "postgresql+psycopg":
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


class StoreBusy(CtipError):
    """Another writer held the embedded store longer than a writer waits (an import writing
    200k statements): nothing of this request was written, and the same request can be sent
    again. Answered 503 with `Retry-After` by the API and one line with exit code 6 by the
    CLI, never a 500 or a traceback."""

    http_status, exit_code, code = 503, 6, "store_busy"
    retry_after = RETRY_AFTER_SECONDS

    def __init__(self, message: str = "", details: list[Any] | None = None) -> None:
        super().__init__(
            message
            or "the store is busy with another write (an import); nothing was written: "
            f"try again in {RETRY_AFTER_SECONDS} seconds",
            details,
        )


def is_busy(error: BaseException) -> bool:
    """Whether a database error is SQLite's "locked" (a writer waited out its busy timeout)."""
    if not isinstance(error, OperationalError):
        return False
    text = str(error.orig if error.orig is not None else error).lower()
    return any(message in text for message in BUSY_MESSAGES)


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL so readers never wait for the writer, foreign keys on, durable-enough syncs, and
    a busy timeout so writers queue for the one write lock instead of failing at once."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for the URL; creates the SQLite file's folder when needed."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(url: str) -> Config:
    """An Alembic configuration: the foundation's migrations and every installed area's.

    Alembic is imported here, not at start: only migrating needs it (it costs a third of a
    second on every `ctip` command otherwise)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    locations = (FOUNDATION_VERSIONS, *area_migrations.area_versions)
    config.set_main_option("version_locations", os.pathsep.join(str(p) for p in locations))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade_to_head(url: str) -> None:
    """Bring the database at `url` to the newest migration of every area.

    Each area's migrations branch from the foundation and meet only through entity ids
    (no foreign keys across areas), so "heads" applies every branch.
    """
    from alembic import command

    command.upgrade(alembic_config(url), "heads")


class Database:
    """An engine and its session factory; one per process and database URL."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        """Whether this is the embedded SQLite store."""
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on any error.

        A SQLite write that waited out the busy timeout (in the block or at the commit)
        leaves as `StoreBusy`, after the rollback, so every caller tells its user "try
        again" instead of failing with `database is locked`.
        """
        try:
            with self._sessions() as session, session.begin():
                yield session
        except OperationalError as error:
            if is_busy(error):
                raise StoreBusy() from error
            raise

    def upgrade(self) -> None:
        """Apply every pending migration."""
        upgrade_to_head(self.url)

    def dispose(self) -> None:
        """Close all pooled connections."""
        self.engine.dispose()
