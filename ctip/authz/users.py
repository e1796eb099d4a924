"""Users, passwords (argon2), API bearer tokens and sign-in, each write audited.

Sessions and tokens live in `ctip.authz.sessions`; disabling a user, a new password or a new
role ends all of them at once. Password guessing is limited by `ctip.authz.throttle`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import case, select
from sqlalchemy.orm import Session

from ctip.authz import audit, throttle
from ctip.authz.policy import Principal
from ctip.authz.sessions import (
    Lifetime,
    SessionKind,
    principal_for_secret,
    revoke_all,
    revoke_one,
    start,
)
from ctip.model.errors import Conflict, InvalidInput, NotFound
from ctip.model.roles import STAFF_ROLES, Role
from ctip.store.db import utc_now
from ctip.store.paging import Listing, ListingField
from ctip.store.tables import User

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
MIN_PASSWORD_LENGTH = 10
MAX_FAILED_SIGN_INS = throttle.MAX_TRIES
_hasher = PasswordHasher()
# Verified against when the username is unknown, so timing does not reveal which users exist.
_DUMMY_HASH = _hasher.hash("ctip-no-such-user-password")


class UserError(InvalidInput):
    """A user operation that cannot be done, with a reason fit to show the person."""


class UserNotFound(NotFound, UserError):
    """No user has that username (404; still a `UserError` for callers that catch those)."""


class UserExists(Conflict, UserError):
    """The username is taken (409)."""


@dataclass(frozen=True)
class UserView:
    """A user as listed to administrators (never the password hash)."""

    username: str
    display_name: str
    role: Role
    disabled: bool
    created_at: str


def _view(user: User) -> UserView:
    return UserView(
        user.username, user.display_name, Role(user.role), user.disabled, user.created_at
    )


def _staff_role(role: str) -> Role:
    """Parse a role a signed-in user may hold."""
    try:
        parsed = Role(role)
    except ValueError:
        raise UserError(f"unknown role {role!r}; one of {', '.join(STAFF_ROLES)}") from None
    if parsed not in STAFF_ROLES:
        raise UserError(f"role {role!r} is for the anonymous public, not for a user")
    return parsed


def _get(session: Session, username: str) -> User:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise UserNotFound(f"no user {username!r}")
    return user


def add_user(
    session: Session, actor: str, username: str, password: str, role: str, display_name: str = ""
) -> UserView:
    """Create a user; the username must be new and the password long enough."""
    if not USERNAME_PATTERN.match(username):
        raise UserError("username: 2-63 characters, lower-case letters, digits, '.', '_' or '-'")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    parsed = _staff_role(role)
    if session.execute(select(User.id).where(User.username == username)).first():
        raise UserExists(f"user {username!r} already exists")
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=_hasher.hash(password),
        role=parsed.value,
        disabled=False,
        created_at=utc_now(),
    )
    session.add(user)
    audit.record(session, actor, "user.add", f"user:{username}", {"role": parsed.value})
    return _view(user)


def list_users(session: Session) -> list[UserView]:
    """Every user, by username."""
    users = session.execute(select(User).order_by(User.username)).scalars()
    return [_view(u) for u in users]


def user_listing() -> Listing[UserView]:
    """Every user for the workbench's table, paged and sorted in SQL, by username."""
    state = case((User.disabled.is_(True), "disabled"), else_="active")
    fields = {
        "username": ListingField(User.username, searched=True),
        "name": ListingField(User.display_name, searched=True),
        "role": ListingField(User.role, match="equals"),
        "state": ListingField(state, match="equals"),
        "created": ListingField(User.created_at),
    }
    return Listing(select(User), fields, lambda row: _view(row[0]), (User.username,))


def set_disabled(session: Session, actor: str, username: str, disabled: bool) -> UserView:
    """Disable (or re-enable) a user; a disabled user's sessions and tokens end at once.

    They are revoked, not only refused, so re-enabling the user does not bring them back.
    """
    user = _get(session, username)
    user.disabled = disabled
    ended = revoke_all(session, user.id, "user disabled") if disabled else 0
    action = "user.disable" if disabled else "user.enable"
    detail = {"sessions_ended": ended} if disabled else None
    audit.record(session, actor, action, f"user:{username}", detail)
    return _view(user)


def set_role(session: Session, actor: str, username: str, role: str) -> UserView:
    """Give a user another role."""
    user = _get(session, username)
    parsed = _staff_role(role)
    previous, user.role = user.role, parsed.value
    ended = revoke_all(session, user.id, "role changed")
    detail = {"from": previous, "to": parsed.value, "sessions_ended": ended}
    audit.record(session, actor, "user.set_role", f"user:{username}", detail)
    return _view(user)


def set_password(session: Session, actor: str, username: str, password: str) -> UserView:
    """Give a user a new password; every session and token of theirs ends (a stolen one too)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    user = _get(session, username)
    user.password_hash = _hasher.hash(password)
    ended = revoke_all(session, user.id, "password changed")
    audit.record(session, actor, "user.set_password", f"user:{username}", {"sessions_ended": ended})
    return _view(user)


def end_own_session(session: Session, principal: Principal, session_id: int) -> None:
    """A user ends one of their own sessions or tokens (a browser left signed in elsewhere)."""
    if principal.user_id is None:
        raise UserError("only a signed-in user has sessions")
    revoke_one(session, principal.user_id, session_id, "revoked by its owner")
    resource = f"user:{principal.username}"
    audit.record(session, principal.username, "session.revoke", resource, {"id": session_id})


def revoke_sessions(session: Session, actor: str, username: str) -> int:
    """End every session and token of a user (an admin's remedy for a lost laptop)."""
    user = _get(session, username)
    ended = revoke_all(session, user.id, f"revoked by {actor}")
    audit.record(session, actor, "user.revoke_sessions", f"user:{username}", {"ended": ended})
    return ended


def authenticate(session: Session, username: str, password: str, channel: str) -> Principal | None:
    """Check a password; each checked attempt is audited, refusals while locked only counted.

    A try is taken atomically before the password is checked, so a username gets exactly
    `MAX_FAILED_SIGN_INS` checks however many arrive in parallel; then it is refused, even
    with the right password, for a short lock (`throttle.LOCK`), audited once as `login.locked`.
    The counter commits in transactions of its own, so call this before `session` writes
    anything (on SQLite a session holding the write lock would make the counter wait on it).
    """
    if not throttle.reserve_try(session, username):
        return None
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    ok = _password_matches(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not ok or user.disabled:
        reason = "disabled" if user is not None and ok else "bad credentials"
        _record_failure(session, username, channel, reason)
        return None
    refused = throttle.clear(session, username)
    detail: dict[str, object] = {"channel": channel}
    if refused:
        detail["refused_since_last_sign_in"] = refused
    audit.record(session, username, "login", f"user:{username}", detail)
    return Principal(user.username, Role(user.role), user.id)


def _record_failure(session: Session, username: str, channel: str, reason: str) -> None:
    locked = throttle.lock_if_spent(session, username)  # before the audit rows: see above
    detail = {"channel": channel, "reason": reason}
    audit.record(session, username, "login.failed", f"user:{username}", detail)
    if locked:
        minutes = int(throttle.LOCK.total_seconds() // 60)
        lock = {"channel": channel, "tries": MAX_FAILED_SIGN_INS, "minutes": minutes}
        audit.record(session, username, "login.locked", f"user:{username}", lock)


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def issue_token(session: Session, principal: Principal, ttl_seconds: int) -> tuple[str, str]:
    """A new random bearer token for a signed-in user; returns (token, expires_at)."""
    if principal.user_id is None:
        raise UserError("only a signed-in user can hold a token")
    token, row = start(session, principal, SessionKind.API, Lifetime(ttl_seconds))
    return token, row.expires_at


def principal_for_token(session: Session, token: str) -> Principal | None:
    """The user a bearer token belongs to, if it is unrevoked, unexpired and the user enabled."""
    return principal_for_secret(session, token, SessionKind.API, Lifetime(0))


def principal_for_username(session: Session, username: str) -> Principal | None:
    """The enabled user behind a web session's username."""
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or user.disabled:
        return None
    return Principal(user.username, Role(user.role), user.id)


def record_sign_out(session: Session, principal: Principal, channel: str) -> None:
    """Log that a user ended their session."""
    audit.record(
        session, principal.username, "logout", f"user:{principal.username}", {"channel": channel}
    )
