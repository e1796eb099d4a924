"""Signing in for the API: a bearer token for a username and password."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from ctip.api.deps import AppSettings, DbSession, require
from ctip.api.errors import json_error
from ctip.api.schemas import PrincipalOut, TokenOut, TokenRequest, error_responses
from ctip.authz.policy import Action, Principal
from ctip.authz.users import authenticate, issue_token

router = APIRouter(prefix="/auth", tags=["auth"])
SignedIn = Annotated[Principal, Depends(require(Action.SELF_READ))]


@router.post("/token", response_model=TokenOut, responses=error_responses(401))
def create_token(body: TokenRequest, session: DbSession, settings: AppSettings) -> Any:
    """Exchange a username and password for a bearer token (every attempt is audited)."""
    principal = authenticate(session, body.username, body.password, channel="api")
    if principal is None:  # answered, not raised, so the audit row of the attempt commits
        message = "wrong username or password, or the user is disabled"
        return json_error(401, message)
    token, expires_at = issue_token(session, principal, settings.api_token_ttl_seconds)
    return TokenOut(access_token=token, expires_at=expires_at)


@router.get("/me")
def whoami(principal: SignedIn) -> PrincipalOut:
    """The signed-in user and role."""
    return PrincipalOut(username=principal.username, role=principal.role.value)
