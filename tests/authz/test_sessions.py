"""Sessions: only a digest of the secret is stored, the idle clock moves, old rows go."""

from __future__ import annotations

from sqlalchemy import func, select, update

from ctip.authz import sessions, users
from ctip.authz.policy import Principal
from ctip.authz.sessions import Lifetime, SessionKind
from ctip.store.db import Database
from ctip.store.tables import UserSession

LONG_AGO = "2000-01-01T00:00:00.000000Z"


def _principal(db: Database) -> Principal:
    with db.session() as session:
        users.add_user(session, "admin", "ana", "a-long-enough-password", "investigator")
        principal = users.principal_for_username(session, "ana")
    assert principal is not None
    return principal


def test_only_a_digest_of_the_secret_is_stored(sqlite_database: Database) -> None:
    principal = _principal(sqlite_database)
    with sqlite_database.session() as session:
        secret, row = sessions.start(session, principal, SessionKind.WEB, Lifetime(60, 30))
        assert row.secret_hash == sessions.secret_digest(secret) != secret
        found = sessions.principal_for_secret(session, secret, SessionKind.WEB, Lifetime(60, 30))
        assert found == principal
        other_kind = sessions.principal_for_secret(session, secret, SessionKind.API, Lifetime(60))
        assert other_kind is None, "a web session id is not a bearer token"


def test_use_moves_the_idle_deadline_on(sqlite_database: Database) -> None:
    principal = _principal(sqlite_database)
    lifetime = Lifetime(3600, 600)
    with sqlite_database.session() as session:
        secret, row = sessions.start(session, principal, SessionKind.WEB, lifetime)
        stale = "2026-01-01T00:00:00.000000Z"
        row.last_seen_at = stale
        row.idle_expires_at = "9999-01-01T00:00:00.000000Z"  # still open, about to move back
        assert sessions.principal_for_secret(session, secret, SessionKind.WEB, lifetime)
        assert row.last_seen_at > stale
        assert row.idle_expires_at is not None and row.idle_expires_at < "9999"


def test_a_new_sign_in_forgets_sessions_that_ended_long_ago(sqlite_database: Database) -> None:
    principal = _principal(sqlite_database)
    with sqlite_database.session() as session:
        sessions.start(session, principal, SessionKind.API, Lifetime(60))
        session.execute(update(UserSession).values(expires_at=LONG_AGO))
        sessions.start(session, principal, SessionKind.API, Lifetime(60))
        count = session.execute(select(func.count()).select_from(UserSession)).scalar_one()
    assert count == 1
