"""The relational tables of the store.

Entities are not rows: they are FollowTheMoney statements (one value of one property of one
entity from one source), so every value traces to where it came from. The look-up tables
(`entity_name_tokens`, `entity_identifiers`, `entity_refs`) are derived from statements at
import time and only speed up searches.
"""

from __future__ import annotations

from types import ModuleType

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Timestamps are stored as ISO 8601 UTC text ("2026-11-27T20:30:01.123456Z"): the same bytes on
# SQLite and PostgreSQL, which keeps the audit hash chain and FtM first/last seen exact.
TIMESTAMP = String(32)

BASE_PROP = "id"
"""The property of the one statement per entity and source that says the entity exists."""


class Base(DeclarativeBase):
    """Declarative base carrying the shared naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class FileImportRow(Base):
    """One file any loader stored (FtM entities, entry lines, ads, a list edition...).

    The one file table of every loader: `(kind, scope, content_sha256)` is unique, so the same
    bytes loaded again under the same kind and scope are a no-op, while the same bytes under
    another scope (another FtM source, another list) are a new import. `counts` is the JSON
    object of the loader's own counts (lines, new lines, statements...), kept for the re-run.
    """

    __tablename__ = "file_imports"
    __table_args__ = (UniqueConstraint("kind", "scope", "content_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    scope: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(500))
    content_sha256: Mapped[str] = mapped_column(String(64))
    counts: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[str] = mapped_column(TIMESTAMP)
    imported_by: Mapped[str] = mapped_column(String(100))


class StatementRow(Base):
    """One FtM statement: a property value of an entity as a source stated it."""

    __tablename__ = "statements"
    __table_args__ = (
        Index("ix_statements_entity_id", "entity_id"),
        Index("ix_statements_source", "source"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(255))
    schema: Mapped[str] = mapped_column(String(50))
    prop: Mapped[str] = mapped_column(String(100))
    prop_type: Mapped[str] = mapped_column(String(30))
    value: Mapped[str] = mapped_column(Text)
    original_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    lang: Mapped[str | None] = mapped_column(String(10), nullable=True)
    source: Mapped[str] = mapped_column(String(100))
    first_seen: Mapped[str] = mapped_column(TIMESTAMP)
    last_seen: Mapped[str] = mapped_column(TIMESTAMP)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("file_imports.id"), nullable=True)


class EntityNameToken(Base):
    """A transliterated, lower-cased token of one of an entity's names."""

    __tablename__ = "entity_name_tokens"
    __table_args__ = (Index("ix_entity_name_tokens_token", "token"),)

    entity_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    token: Mapped[str] = mapped_column(String(100), primary_key=True)


class EntityIdentifier(Base):
    """A normalised identifier (E.164 phone, e-mail, account, registration) of an entity."""

    __tablename__ = "entity_identifiers"
    __table_args__ = (Index("ix_entity_identifiers_key", "key"),)

    entity_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)


class EntityRef(Base):
    """An entity-typed property: `from_id.prop` points at `to_id` (the FtM edges)."""

    __tablename__ = "entity_refs"
    __table_args__ = (Index("ix_entity_refs_to_id", "to_id"),)

    from_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    prop: Mapped[str] = mapped_column(String(100), primary_key=True)
    to_id: Mapped[str] = mapped_column(String(255), primary_key=True)


class User(Base):
    """A person who signs in to ctip, with exactly one role."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(30))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[str] = mapped_column(TIMESTAMP)


class UserSession(Base):
    """A web session or an API bearer token of one user, kept server-side so it can end.

    The cookie or the token holds only a random secret; only its SHA-256 is stored, so a copy
    of this table signs nobody in. A session ends when it is revoked (sign-out, a disabled
    user, a new password or role, its owner or an admin), idle too long, or past its end.
    """

    __tablename__ = "user_sessions"
    __table_args__ = (Index("ix_user_sessions_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[str] = mapped_column(TIMESTAMP)
    last_seen_at: Mapped[str] = mapped_column(TIMESTAMP)
    expires_at: Mapped[str] = mapped_column(TIMESTAMP)
    idle_expires_at: Mapped[str | None] = mapped_column(TIMESTAMP, nullable=True)
    revoked_at: Mapped[str | None] = mapped_column(TIMESTAMP, nullable=True)
    revoked_reason: Mapped[str | None] = mapped_column(String(100), nullable=True)


class SignInThrottle(Base):
    """Password tries of one username, counted atomically, and the short lock after too many.

    Keyed by the username as typed (known or not), so guessing at unknown names is throttled
    alike and reveals nothing.
    """

    __tablename__ = "sign_in_throttle"

    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[str] = mapped_column(TIMESTAMP)
    locked_until: Mapped[str | None] = mapped_column(TIMESTAMP, nullable=True)
    refused: Mapped[int] = mapped_column(Integer, default=0)


class AuditEvent(Base):
    """One row of the audit log, chained to the previous row by its hash."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_resource_action", "resource", "action"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(TIMESTAMP)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(100))
    resource: Mapped[str] = mapped_column(String(500))
    detail: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    scheme: Mapped[int] = mapped_column(Integer, server_default="1")
    """How `hash` was made: 1 plain SHA-256 (rows before keyed hashing), 2 HMAC-SHA256."""


class AuditHead(Base):
    """The single row holding the last sequence number and hash; locked on append."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class LedgerEventRow(Base):
    """One event of an append-only ledger (a detention's steps, a pair's judgements): who,
    when, what, why and its payload. `seq` numbers the events of one stream from 1; the
    unique constraint means two appends can never take the same number."""

    __tablename__ = "ledger_events"
    __table_args__ = (UniqueConstraint("stream_kind", "stream_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    stream_kind: Mapped[str] = mapped_column(String(40))
    stream_id: Mapped[str] = mapped_column(String(520))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[str] = mapped_column(TIMESTAMP)
    reason: Mapped[str] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)


def tables_in(module: ModuleType) -> tuple[type[Base], ...]:
    """The models a tables module defines, for an area's descriptor (imported ones excluded)."""
    return tuple(
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, Base)
        and value is not Base
        and value.__module__ == module.__name__
    )
