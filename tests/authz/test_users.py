"""Users: argon2 passwords, roles, disabling, tokens; every write and sign-in audited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update

from ctip.authz import audit, users
from ctip.authz.policy import Principal
from ctip.model.roles import Role
from ctip.store.db import Database
from ctip.store.tables import AuditEvent, SignInThrottle, User

PASSWORD = "a-long-enough-password"


@pytest.fixture
def db(sqlite_database: Database) -> Database:
    with sqlite_database.session() as session:
        users.add_user(session, "admin", "ana", PASSWORD, "investigator", "Ana Silva")
    return sqlite_database


def _actions(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.execute(select(AuditEvent.action).order_by(AuditEvent.seq)).scalars())


def test_password_is_stored_as_argon2_hash(db: Database) -> None:
    with db.session() as session:
        stored = session.execute(select(User.password_hash)).scalar_one()
    assert stored.startswith("$argon2") and PASSWORD not in stored


def _sign_in(db: Database, username: str, password: str, channel: str = "api") -> Principal | None:
    """One sign-in attempt in a request's own transaction, as the API and the workbench do."""
    with db.session() as session:
        return users.authenticate(session, username, password, channel)


def test_sign_in_good_and_bad_are_audited(db: Database) -> None:
    assert _sign_in(db, "ana", PASSWORD, "web") is not None
    assert _sign_in(db, "ana", "wrong-password", "web") is None
    assert _sign_in(db, "nobody", PASSWORD, "web") is None
    assert _actions(db) == ["user.add", "login", "login.failed", "login.failed"]


@pytest.mark.parametrize(
    ("username", "password", "role", "message"),
    [
        ("ana", PASSWORD, "investigator", "already exists"),
        ("Bad Name", PASSWORD, "investigator", "username"),
        ("bob", "short", "investigator", "at least"),
        ("bob", PASSWORD, "wizard", "unknown role"),
        ("bob", PASSWORD, "tip_submitter", "anonymous public"),
    ],
)
def test_invalid_users_are_refused(
    db: Database, username: str, password: str, role: str, message: str
) -> None:
    with pytest.raises(users.UserError, match=message), db.session() as session:
        users.add_user(session, "admin", username, password, role)


def test_disabled_user_cannot_sign_in_and_loses_tokens(db: Database) -> None:
    principal = _sign_in(db, "ana", PASSWORD)
    assert principal is not None
    with db.session() as session:
        token, _ = users.issue_token(session, principal, 3600)
        assert users.principal_for_token(session, token) == principal
        users.set_disabled(session, "admin", "ana", True)
        assert users.principal_for_token(session, token) is None
    assert _sign_in(db, "ana", PASSWORD) is None


def test_re_enabling_a_user_does_not_bring_old_tokens_back(db: Database) -> None:
    principal = _sign_in(db, "ana", PASSWORD)
    assert principal is not None
    with db.session() as session:
        token, _ = users.issue_token(session, principal, 3600)
        users.set_disabled(session, "admin", "ana", True)
        users.set_disabled(session, "admin", "ana", False)
        assert users.principal_for_token(session, token) is None


@pytest.mark.parametrize("change", ["password", "role", "revoke"])
def test_a_new_password_or_role_or_a_revocation_ends_every_token(db: Database, change: str) -> None:
    principal = _sign_in(db, "ana", PASSWORD)
    assert principal is not None
    with db.session() as session:
        tokens = [users.issue_token(session, principal, 3600)[0] for _ in range(2)]
    with db.session() as session:
        if change == "password":
            users.set_password(session, "admin", "ana", "another-long-password")
        elif change == "role":
            users.set_role(session, "admin", "ana", "outreach")
        else:
            assert users.revoke_sessions(session, "admin", "ana") == 2
        assert [users.principal_for_token(session, t) for t in tokens] == [None, None]
    assert _actions(db)[-1] in {"user.set_password", "user.set_role", "user.revoke_sessions"}


def test_a_new_password_replaces_the_old_one(db: Database) -> None:
    with db.session() as session:
        users.set_password(session, "admin", "ana", "another-long-password")
    assert _sign_in(db, "ana", PASSWORD) is None
    assert _sign_in(db, "ana", "another-long-password") is not None
    with pytest.raises(users.UserError, match="at least"), db.session() as session:
        users.set_password(session, "admin", "ana", "short")


def test_expired_token_is_refused(db: Database) -> None:
    principal = _sign_in(db, "ana", PASSWORD)
    assert principal is not None
    with db.session() as session:
        token, _ = users.issue_token(session, principal, -1)
        assert users.principal_for_token(session, token) is None
        assert users.principal_for_token(session, "not-a-token") is None


def test_set_role_changes_what_the_user_is(db: Database) -> None:
    with db.session() as session:
        view = users.set_role(session, "admin", "ana", "victim_specialist")
        principal = users.principal_for_username(session, "ana")
    assert view.role is Role.VICTIM_SPECIALIST
    assert principal is not None and principal.role is Role.VICTIM_SPECIALIST
    assert _actions(db)[-1] == "user.set_role"


def test_repeated_failures_lock_the_username_once_and_refusals_are_only_counted(
    db: Database,
) -> None:
    for _ in range(users.MAX_FAILED_SIGN_INS):
        assert _sign_in(db, "ana", "wrong-password") is None
    assert _sign_in(db, "ana", PASSWORD) is None
    assert _sign_in(db, "ana", PASSWORD) is None
    actions = _actions(db)
    assert actions.count("login.failed") == users.MAX_FAILED_SIGN_INS
    assert actions[-2:] == ["login.failed", "login.locked"], "one row when the lock starts"
    with db.session() as session:
        row = session.get(SignInThrottle, "ana")
        assert row is not None and (row.tries, row.refused) == (users.MAX_FAILED_SIGN_INS, 2)


def test_lock_lifts_when_its_short_delay_has_passed(db: Database) -> None:
    for _ in range(users.MAX_FAILED_SIGN_INS):
        _sign_in(db, "ana", "wrong-password")
    assert _sign_in(db, "ana", PASSWORD) is None
    with db.session() as session:
        session.execute(update(SignInThrottle).values(locked_until="2000-01-01T00:00:00.000000Z"))
    assert _sign_in(db, "ana", PASSWORD) is not None
    with db.session() as session:
        login = audit.recent_events(session, limit=1)[0]
    assert (login.action, json.loads(login.detail)["refused_since_last_sign_in"]) == ("login", 1)
    for _ in range(users.MAX_FAILED_SIGN_INS - 1):  # the count starts again from zero
        _sign_in(db, "ana", "wrong-password")
    assert _sign_in(db, "ana", PASSWORD) is not None


def test_failures_long_ago_do_not_add_up(db: Database) -> None:
    for _ in range(users.MAX_FAILED_SIGN_INS - 1):
        _sign_in(db, "ana", "wrong-password")
    with db.session() as session:
        session.execute(
            update(SignInThrottle).values(window_started_at="2000-01-01T00:00:00.000000Z")
        )
    for _ in range(users.MAX_FAILED_SIGN_INS - 1):
        _sign_in(db, "ana", "wrong-password")
    assert _sign_in(db, "ana", PASSWORD) is not None


def test_failures_of_one_user_do_not_lock_another(db: Database) -> None:
    with db.session() as session:
        users.add_user(session, "admin", "bea", PASSWORD, "outreach")
    for _ in range(users.MAX_FAILED_SIGN_INS):
        _sign_in(db, "ana", "wrong-password", "web")
    assert _sign_in(db, "bea", PASSWORD, "web") is not None
