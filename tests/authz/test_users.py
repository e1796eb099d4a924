"""Users: argon2 passwords, roles, disabling, tokens; every write and sign-in audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from ctip.authz import users
from ctip.model.roles import Role
from ctip.store.db import Database
from ctip.store.tables import AuditEvent, User

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


def test_sign_in_good_and_bad_are_audited(db: Database) -> None:
    with db.session() as session:
        assert users.authenticate(session, "ana", PASSWORD, "web") is not None
        assert users.authenticate(session, "ana", "wrong-password", "web") is None
        assert users.authenticate(session, "nobody", PASSWORD, "web") is None
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
    with db.session() as session:
        principal = users.authenticate(session, "ana", PASSWORD, "api")
        assert principal is not None
        token, _ = users.issue_token(session, principal, 3600)
        assert users.principal_for_token(session, token) == principal
        users.set_disabled(session, "admin", "ana", True)
        assert users.principal_for_token(session, token) is None
        assert users.authenticate(session, "ana", PASSWORD, "api") is None


def test_expired_token_is_refused(db: Database) -> None:
    with db.session() as session:
        principal = users.authenticate(session, "ana", PASSWORD, "api")
        assert principal is not None
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


def test_repeated_failures_lock_the_username_for_a_while(db: Database) -> None:
    with db.session() as session:
        for _ in range(users.MAX_FAILED_SIGN_INS):
            assert users.authenticate(session, "ana", "wrong-password", "api") is None
        assert users.authenticate(session, "ana", PASSWORD, "api") is None
        assert users.authenticate(session, "ana", PASSWORD, "api") is None
    assert _actions(db)[-2:] == ["login.locked", "login.locked"]


def test_lock_lifts_when_the_window_has_passed(db: Database) -> None:
    with db.session() as session:
        for _ in range(users.MAX_FAILED_SIGN_INS):
            users.authenticate(session, "ana", "wrong-password", "api")
        session.execute(
            update(AuditEvent)
            .where(AuditEvent.action == "login.failed")
            .values(at="2000-01-01T00:00:00.000000Z")
        )
        assert users.authenticate(session, "ana", PASSWORD, "api") is not None


def test_failures_of_one_user_do_not_lock_another(db: Database) -> None:
    with db.session() as session:
        users.add_user(session, "admin", "bea", PASSWORD, "outreach")
        for _ in range(users.MAX_FAILED_SIGN_INS):
            users.authenticate(session, "ana", "wrong-password", "web")
        assert users.authenticate(session, "bea", PASSWORD, "web") is not None
