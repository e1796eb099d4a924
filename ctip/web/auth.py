"""Who is signed in to the workbench, and the CSRF token that guards its forms.

The session cookie (signed by SessionMiddleware) holds only a random session id and the
CSRF token; the session itself is a row (`ctip.authz.sessions`) looked up on every request.
So signing out, disabling a user or changing their password or role ends the session on
the server, and a copied cookie is refused from then on.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from ctip.authz.policy import Principal, can
from ctip.authz.sessions import Lifetime, SessionKind, principal_for_secret, revoke_secret, start
from ctip.config import Settings
from ctip.store.db import Database

SESSION_KEY = "sid"
CSRF_KEY = "csrf"
CSRF_FIELD = "csrf_token"
FORM_EXPIRED = "This form has expired. Please try again."
"""What a form posted without the session's token is told (an old tab, another site)."""


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


WebSession = Annotated[Session, Depends(db_session, scope="function")]


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


def web_lifetime(request: Request) -> Lifetime:
    """How long a workbench session lives: the settings' absolute and idle limits."""
    settings: Settings = request.app.state.settings
    return Lifetime(settings.session_max_age_seconds, settings.session_idle_seconds)


def sign_in(request: Request, session: Session, principal: Principal) -> None:
    """Start a fresh server-side session for the user, with a new CSRF token."""
    request.session.clear()
    secret, _ = start(session, principal, SessionKind.WEB, web_lifetime(request))
    request.session[SESSION_KEY] = secret
    csrf_token(request)


def sign_out(request: Request, session: Session) -> None:
    """End the session on the server (so a copy of the cookie is dead too) and forget it."""
    secret = request.session.get(SESSION_KEY)
    if isinstance(secret, str) and secret:
        revoke_secret(session, secret, "signed out")
    request.session.clear()


def current_principal(request: Request, session: Session) -> Principal | None:
    """The enabled user of a live session, or None."""
    secret = request.session.get(SESSION_KEY)
    if not isinstance(secret, str) or not secret:
        return None
    principal = principal_for_secret(session, secret, SessionKind.WEB, web_lifetime(request))
    if principal is None:
        request.session.pop(SESSION_KEY, None)
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
