"""Users, passwords (argon2), API bearer tokens and sign-in, each write audited."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.authz.policy import Principal
from ctip.model.errors import Conflict, InvalidInput, NotFound
from ctip.model.roles import STAFF_ROLES, Role
from ctip.store.db import utc_now
from ctip.store.paging import Listing, ListingField
from ctip.store.tables import ApiToken, AuditEvent, User

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
MIN_PASSWORD_LENGTH = 10
MAX_FAILED_SIGN_INS = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
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
    """Disable (or re-enable) a user; a disabled user's tokens stop working at once."""
    user = _get(session, username)
    user.disabled = disabled
    if disabled:  # tokens issued before stay dead even if the user is enabled again
        session.execute(update(ApiToken).where(ApiToken.user_id == user.id).values(revoked=True))
    action = "user.disable" if disabled else "user.enable"
    audit.record(session, actor, action, f"user:{username}")
    return _view(user)


def set_role(session: Session, actor: str, username: str, role: str) -> UserView:
    """Give a user another role."""
    user = _get(session, username)
    parsed = _staff_role(role)
    previous, user.role = user.role, parsed.value
    audit.record(
        session, actor, "user.set_role", f"user:{username}", {"from": previous, "to": parsed.value}
    )
    return _view(user)


def authenticate(session: Session, username: str, password: str, channel: str) -> Principal | None:
    """Check a password; every attempt, good or bad, is audited.

    After `MAX_FAILED_SIGN_INS` failures within `LOCKOUT_WINDOW` a username is refused even
    with the right password until the window has passed, which stops password guessing; the
    refusals are audited as `login.locked` and do not extend the lock.
    """
    if recent_failures(session, username) >= MAX_FAILED_SIGN_INS:
        audit.record(session, username, "login.locked", f"user:{username}", {"channel": channel})
        return None
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    ok = _password_matches(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not ok or user.disabled:
        reason = "disabled" if user is not None and ok else "bad credentials"
        audit.record(
            session,
            username,
            "login.failed",
            f"user:{username}",
            {"channel": channel, "reason": reason},
        )
        return None
    audit.record(session, username, "login", f"user:{username}", {"channel": channel})
    return Principal(user.username, Role(user.role), user.id)


def recent_failures(session: Session, username: str) -> int:
    """Failed sign-ins of a username within the lockout window, read from the audit log."""
    cutoff = (datetime.now(UTC) - LOCKOUT_WINDOW).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    query = select(func.count()).where(
        AuditEvent.resource == f"user:{username}",
        AuditEvent.action == "login.failed",
        AuditEvent.at >= cutoff,
    )
    return int(session.execute(query).scalar_one())


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, principal: Principal, ttl_seconds: int) -> tuple[str, str]:
    """A new random bearer token for a signed-in user; returns (token, expires_at)."""
    if principal.user_id is None:
        raise UserError("only a signed-in user can hold a token")
    token = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(seconds=ttl_seconds)
    expires_at = expires.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    session.add(
        ApiToken(
            token_hash=_token_digest(token),
            user_id=principal.user_id,
            created_at=utc_now(),
            expires_at=expires_at,
            revoked=False,
        )
    )
    return token, expires_at


def principal_for_token(session: Session, token: str) -> Principal | None:
    """The user a bearer token belongs to, if it is valid, unexpired and the user enabled."""
    row = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == _token_digest(token))
    ).first()
    if row is None:
        return None
    api_token, user = row
    if api_token.revoked or user.disabled or api_token.expires_at <= utc_now():
        return None
    return Principal(user.username, Role(user.role), user.id)


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
