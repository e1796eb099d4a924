"""User administration: list, add, disable, enable, change role."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from ctip.api.deps import DbSession, require
from ctip.api.schemas import RoleChange, UserCreate, error_responses
from ctip.authz import users
from ctip.authz.policy import Action, Principal

router = APIRouter(prefix="/users", tags=["users"])
Viewer = Annotated[Principal, Depends(require(Action.USER_READ))]
Manager = Annotated[Principal, Depends(require(Action.USER_MANAGE))]
REFUSALS = error_responses(404, 409, 422)


@router.get("")
def list_users(_: Viewer, session: DbSession) -> list[users.UserView]:
    """Every user with role and state."""
    return users.list_users(session)


@router.post("", status_code=201, responses=REFUSALS)
def add_user(principal: Manager, session: DbSession, body: UserCreate) -> users.UserView:
    """Create a user."""
    return users.add_user(
        session, principal.username, body.username, body.password, body.role, body.display_name
    )


@router.post("/{username}/disable", responses=REFUSALS)
def disable(principal: Manager, session: DbSession, username: str) -> users.UserView:
    """Disable a user: sign-in and tokens stop working at once."""
    return users.set_disabled(session, principal.username, username, True)


@router.post("/{username}/enable", responses=REFUSALS)
def enable(principal: Manager, session: DbSession, username: str) -> users.UserView:
    """Enable a disabled user again."""
    return users.set_disabled(session, principal.username, username, False)


@router.put("/{username}/role", responses=REFUSALS)
def set_role(
    principal: Manager, session: DbSession, username: str, body: RoleChange
) -> users.UserView:
    """Give a user another role."""
    return users.set_role(session, principal.username, username, body.role)


@router.post("/{username}/revoke", responses=REFUSALS)
def revoke_sessions(principal: Manager, session: DbSession, username: str) -> dict[str, int]:
    """End every workbench session and API token of a user at once (a lost laptop)."""
    return {"ended": users.revoke_sessions(session, principal.username, username)}
