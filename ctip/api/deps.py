"""Request dependencies as annotated aliases: the database session and who is asking."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from enum import StrEnum
from functools import cache
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from ctip.api.errors import ApiError
from ctip.authz.policy import ANONYMOUS, Principal, Resource, can
from ctip.authz.users import principal_for_token
from ctip.config import Settings
from ctip.store.db import Database

bearer_scheme = HTTPBearer(auto_error=False, description="a token from POST /api/v1/auth/token")


def get_database(request: Request) -> Database:
    """The app's database."""
    database: Database = request.app.state.database
    return database


def get_settings_dep(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_session(database: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    """One transaction per request: committed on success, rolled back on error."""
    with database.session() as session:
        yield session


DbSession = Annotated[Session, Depends(get_session, scope="function")]
"""The request's transaction, committed when the route function returns and before the
response is sent (`scope="function"`): a 2xx means the write is in the store, and a commit
that fails (the store busy, a constraint) is answered as the error it is, never as a success
already sent. A streamed answer opens its own transaction while it streams."""
AppSettings = Annotated[Settings, Depends(get_settings_dep)]


def get_principal(
    session: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    """The user behind the bearer token, or the anonymous public without one."""
    if credentials is None:
        return ANONYMOUS
    principal = principal_for_token(session, credentials.credentials)
    if principal is None:
        raise ApiError(401, "the token is unknown, expired or revoked")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def authorize(principal: Principal, action: StrEnum, resource: Resource | None = None) -> None:
    """Raise 401 (nobody signed in) or 403 unless the policy allows the action."""
    if can(principal, action, resource):
        return
    if principal.is_anonymous:
        raise ApiError(401, "sign in first: send a bearer token")
    raise ApiError(403, f"role {principal.role.value} may not {action.value}")


_REQUIRED_ACTIONS: dict[Callable[..., Any], StrEnum] = {}
"""Each dependency made by `require`, with the action it checks (read by the access tests)."""


@cache
def require(action: StrEnum) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that admits only principals the policy allows `action`.

    One dependency per action, remembered, so the action a route checks can be read back
    from the route itself (`required_action`) and compared with the declared access table.
    The check reads nothing and waits for nothing, so it runs on the event loop: a plain
    function would cost every request one more trip through the thread pool.
    """

    async def dependency(principal: CurrentPrincipal) -> Principal:
        authorize(principal, action)
        return principal

    _REQUIRED_ACTIONS[dependency] = action
    return dependency


def required_action(dependency: Callable[..., Any] | None) -> StrEnum | None:
    """The action a dependency made by `require` checks, or None for any other callable."""
    if dependency is None:
        return None
    return _REQUIRED_ACTIONS.get(dependency)
