"""Signing in and out for the API: bearer tokens, and the caller's own sessions and tokens."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials

from ctip.api.deps import AppSettings, DbSession, bearer_scheme, require
from ctip.api.errors import json_error
from ctip.api.schemas import PrincipalOut, TokenOut, TokenRequest, error_responses
from ctip.authz import sessions
from ctip.authz.policy import Action, Principal
from ctip.authz.throttle import client_throttle
from ctip.authz.users import authenticate, end_own_session, issue_token, record_sign_out

router = APIRouter(prefix="/auth", tags=["auth"])
SignedIn = Annotated[Principal, Depends(require(Action.SELF_READ))]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]
REFUSED_SIGN_IN = "wrong username or password, the user is disabled, or too many tries"
CLIENT_THROTTLED = "too many failed sign-ins from this address; try again later"


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/token", response_model=TokenOut, responses=error_responses(401, 429))
def create_token(
    request: Request, body: TokenRequest, session: DbSession, settings: AppSettings
) -> Any:
    """Exchange a username and password for a bearer token.

    A client address that keeps failing is refused first (429, not counted against the
    username), so nobody can keep another user locked out; refusals are answered, not raised,
    so the attempt's audit row commits.
    """
    clients, address = client_throttle(request.app.state), _client_address(request)
    wait = clients.retry_after(address)
    if wait:
        refusal = json_error(429, CLIENT_THROTTLED)
        refusal.headers["Retry-After"] = str(wait)
        return refusal
    principal = authenticate(session, body.username, body.password, channel="api")
    if principal is None:
        clients.note_failure(address)
        return json_error(401, REFUSED_SIGN_IN)
    token, expires_at = issue_token(session, principal, settings.api_token_ttl_seconds)
    return TokenOut(access_token=token, expires_at=expires_at)


@router.post("/logout", status_code=204, responses=error_responses(401))
def logout(principal: SignedIn, session: DbSession, credentials: Credentials) -> Response:
    """Revoke the bearer token this request carries (its copies stop working too)."""
    if credentials is not None:
        sessions.revoke_secret(session, credentials.credentials, "signed out")
    record_sign_out(session, principal, channel="api")
    return Response(status_code=204)


@router.get("/me")
def whoami(principal: SignedIn) -> PrincipalOut:
    """The signed-in user and role."""
    return PrincipalOut(username=principal.username, role=principal.role.value)


@router.get("/sessions")
def my_sessions(principal: SignedIn, session: DbSession) -> list[sessions.SessionView]:
    """The caller's open workbench sessions and API tokens (never their secrets)."""
    assert principal.user_id is not None  # SELF_READ is never granted to the anonymous public
    return sessions.live_sessions(session, principal.user_id)


@router.delete("/sessions/{session_id}", status_code=204, responses=error_responses(404))
def end_my_session(principal: SignedIn, session: DbSession, session_id: int) -> Response:
    """End one of the caller's own sessions or tokens (another user's is 404)."""
    end_own_session(session, principal, session_id)
    return Response(status_code=204)
