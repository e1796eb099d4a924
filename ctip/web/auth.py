"""Who is signed in to the workbench, and the CSRF token that guards its forms.

The session cookie (signed by SessionMiddleware) holds only the username and the CSRF
token. The user is looked up again on every request, so disabling a user or changing a
role takes effect on their next click.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from ctip.authz.policy import Principal, can
from ctip.authz.users import principal_for_username
from ctip.store.db import Database

USER_KEY = "username"
CSRF_KEY = "csrf"
CSRF_FIELD = "csrf_token"


class SignInRequired(Exception):
    """Nobody (or a user since disabled) is signed in: send them to the sign-in page."""


class PageForbidden(Exception):
    """The signed-in user's role may not use this page."""

    def __init__(self, principal: Principal, action: StrEnum) -> None:
        super().__init__(f"role {principal.role.value} may not {action.value}")
        self.principal = principal
        self.action = action


def db_session(request: Request) -> Iterator[Session]:
    """One transaction per page: committed when the page is done, rolled back on error."""
    database: Database = request.app.state.database
    with database.session() as session:
        yield session


WebSession = Annotated[Session, Depends(db_session)]


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use; every form posts it back."""
    token = request.session.get(CSRF_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return token


def csrf_ok(request: Request, submitted: str) -> bool:
    """Whether a posted token is this session's (compared in constant time)."""
    expected = request.session.get(CSRF_KEY)
    if not isinstance(expected, str) or not expected or not submitted:
        return False
    return secrets.compare_digest(expected.encode(), submitted.encode())


def sign_in(request: Request, principal: Principal) -> None:
    """Start a fresh session for the user, with a new CSRF token."""
    request.session.clear()
    request.session[USER_KEY] = principal.username
    csrf_token(request)


def sign_out(request: Request) -> None:
    """Forget the session entirely."""
    request.session.clear()


def current_principal(request: Request, session: Session) -> Principal | None:
    """The enabled user named by the session, or None."""
    username = request.session.get(USER_KEY)
    if not isinstance(username, str):
        return None
    principal = principal_for_username(session, username)
    if principal is None:
        request.session.pop(USER_KEY, None)
    return principal


def signed_in(request: Request, session: WebSession) -> Principal:
    """A dependency: the signed-in user, or a trip to the sign-in page."""
    principal = current_principal(request, session)
    if principal is None:
        raise SignInRequired()
    return principal


SignedIn = Annotated[Principal, Depends(signed_in)]


def page_for(action: StrEnum) -> Callable[[SignedIn], Principal]:
    """A dependency admitting only users whose role the policy allows `action`."""

    def dependency(principal: SignedIn) -> Principal:
        if not can(principal, action):
            raise PageForbidden(principal, action)
        return principal

    return dependency
