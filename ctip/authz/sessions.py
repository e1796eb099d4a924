"""Server-side sessions: web sign-ins and API bearer tokens that end when they should.

A cookie or a bearer token carries only a random secret; the row behind it (found by the
secret's SHA-256) says whose it is, when it ends and whether it was revoked. So signing out,
disabling a user or changing their password or role ends every copy of the cookie or token at
once, and re-enabling a user does not bring old sessions back.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import Row, bindparam, delete, select, update
from sqlalchemy.orm import Session

from ctip.authz.policy import Principal
from ctip.model.errors import InvalidInput, NotFound
from ctip.model.roles import Role
from ctip.store.db import utc_now
from ctip.store.tables import User, UserSession

KEPT_AFTER_END = timedelta(days=30)
"""How long an ended session's row stays listed before the user's next sign-in removes it."""
TOUCH_INTERVAL = timedelta(seconds=60)
"""How stale `last_seen_at` may get before a request writes it again (one write a minute, not
one per click, so browsing does not queue behind an import on SQLite)."""


class SessionKind(StrEnum):
    """Where a session is used: the workbench's cookie or an API bearer token."""

    WEB = "web"
    API = "api"


@dataclass(frozen=True)
class Lifetime:
    """How long a session lives: at most `absolute_seconds`, and `idle_seconds` unused."""

    absolute_seconds: int
    idle_seconds: int | None = None


@dataclass(frozen=True)
class SessionView:
    """A live session as its owner (or an admin) sees it: never the secret."""

    id: int
    kind: str
    created_at: str
    last_seen_at: str
    expires_at: str
    idle_expires_at: str | None


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _later(seconds: int | None, now: datetime) -> str | None:
    return None if seconds is None else _stamp(now + timedelta(seconds=seconds))


def secret_digest(secret: str) -> str:
    """What the table stores of a secret: a copy of the table signs nobody in."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def start(
    session: Session, principal: Principal, kind: SessionKind, lifetime: Lifetime
) -> tuple[str, UserSession]:
    """A new session for a signed-in user; returns the secret (shown once) and its row."""
    if principal.user_id is None:
        raise InvalidInput("only a signed-in user can hold a session or token")
    secret = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    _forget_long_ended(session, principal.user_id, now)
    row = UserSession(
        secret_hash=secret_digest(secret),
        user_id=principal.user_id,
        kind=kind.value,
        created_at=_stamp(now),
        last_seen_at=_stamp(now),
        expires_at=_stamp(now + timedelta(seconds=lifetime.absolute_seconds)),
        idle_expires_at=_later(lifetime.idle_seconds, now),
        revoked_at=None,
        revoked_reason=None,
    )
    session.add(row)
    session.flush()
    return secret, row


def _forget_long_ended(session: Session, user_id: int, now: datetime) -> None:
    """Drop a user's sessions that ended long ago, so the table does not grow for ever."""
    cutoff = _stamp(now - KEPT_AFTER_END)
    session.execute(
        delete(UserSession).where(UserSession.user_id == user_id, UserSession.expires_at < cutoff)
    )


class Deadlines(Protocol):
    """What says whether a session still holds: a stored row or the columns read of it."""

    revoked_at: str | None
    expires_at: str
    idle_expires_at: str | None


def _live(row: Deadlines, now: str) -> bool:
    if row.revoked_at is not None or row.expires_at <= now:
        return False
    return row.idle_expires_at is None or row.idle_expires_at > now


_LOOKUP = (
    select(
        UserSession.id,
        UserSession.revoked_at,
        UserSession.expires_at,
        UserSession.idle_expires_at,
        UserSession.last_seen_at,
        User.id.label("user_id"),
        User.username,
        User.role,
        User.disabled,
    )
    .join(User, User.id == UserSession.user_id)
    .where(UserSession.secret_hash == bindparam("digest"), UserSession.kind == bindparam("kind"))
)
"""The session and user behind a secret, as plain columns: every API request reads it, so
it goes to the connection, past the ORM (24 microseconds alone instead of 68; the ORM's
path was 7.5% of a screening request's samples under load)."""


def principal_for_secret(
    session: Session, secret: str, kind: SessionKind, lifetime: Lifetime
) -> Principal | None:
    """The enabled user behind a live session of `kind`, or None; keeps an idle clock running."""
    if session.new or session.dirty or session.deleted:
        session.flush()  # the lookup reads the store itself, past the ORM
    found = session.connection().execute(
        _LOOKUP, {"digest": secret_digest(secret), "kind": kind.value}
    )
    row = found.first()
    if row is None or row.disabled or not _live(row, utc_now()):
        return None
    _touch(session, row, lifetime)
    return Principal(row.username, Role(row.role), row.user_id)


def _touch(session: Session, row: Row[*tuple[Any, ...]], lifetime: Lifetime) -> None:
    """Move the idle deadline on, at most once per `TOUCH_INTERVAL`."""
    now = datetime.now(UTC)
    if row.last_seen_at > _stamp(now - TOUCH_INTERVAL):
        return
    session.execute(
        update(UserSession)
        .where(UserSession.id == row.id)
        .values(last_seen_at=_stamp(now), idle_expires_at=_later(lifetime.idle_seconds, now))
    )


def revoke_secret(session: Session, secret: str, reason: str) -> bool:
    """End the session a secret belongs to (sign-out); whether a live one was ended."""
    result = session.execute(
        update(UserSession)
        .where(UserSession.secret_hash == secret_digest(secret), UserSession.revoked_at.is_(None))
        .values(revoked_at=utc_now(), revoked_reason=reason)
        .returning(UserSession.id)
    )
    return result.first() is not None


def revoke_all(session: Session, user_id: int, reason: str) -> int:
    """End every session and token of a user at once; how many were still open."""
    result = session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utc_now(), revoked_reason=reason)
        .returning(UserSession.id)
    )
    return len(result.all())


def revoke_one(session: Session, user_id: int, session_id: int, reason: str) -> None:
    """End one of a user's own sessions; another user's session is NotFound, as if absent."""
    result = session.execute(
        update(UserSession)
        .where(
            UserSession.id == session_id,
            UserSession.user_id == user_id,
            UserSession.revoked_at.is_(None),
        )
        .values(revoked_at=utc_now(), revoked_reason=reason)
        .returning(UserSession.id)
    )
    if result.first() is None:
        raise NotFound(f"no open session {session_id} of yours")


def live_sessions(session: Session, user_id: int) -> list[SessionView]:
    """A user's open sessions and tokens, newest first."""
    now = utc_now()
    rows = session.execute(
        select(UserSession)
        .where(
            UserSession.user_id == user_id,
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > now,
        )
        .order_by(UserSession.id.desc())
    ).scalars()
    return [_view(row) for row in rows if _live(row, now)]


def _view(row: UserSession) -> SessionView:
    return SessionView(
        row.id, row.kind, row.created_at, row.last_seen_at, row.expires_at, row.idle_expires_at
    )
