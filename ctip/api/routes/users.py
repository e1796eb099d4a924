"""User administration: list, add, disable, enable, change role."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from ctip.api.deps import DbSession, require
from ctip.api.schemas import RoleChange, UserCreate, UserOut, error_responses
from ctip.authz import users
from ctip.authz.policy import Action, Principal

router = APIRouter(prefix="/users", tags=["users"])
Viewer = Annotated[Principal, Depends(require(Action.USER_READ))]
Manager = Annotated[Principal, Depends(require(Action.USER_MANAGE))]
REFUSALS = error_responses(400, 404)


def _out(view: users.UserView) -> UserOut:
    return UserOut(
        username=view.username,
        display_name=view.display_name,
        role=view.role.value,
        disabled=view.disabled,
        created_at=view.created_at,
    )


@router.get("")
def list_users(_: Viewer, session: DbSession) -> list[UserOut]:
    """Every user with role and state."""
    return [_out(v) for v in users.list_users(session)]


@router.post("", status_code=201, responses=REFUSALS)
def add_user(principal: Manager, session: DbSession, body: UserCreate) -> UserOut:
    """Create a user."""
    view = users.add_user(
        session, principal.username, body.username, body.password, body.role, body.display_name
    )
    return _out(view)


@router.post("/{username}/disable", responses=REFUSALS)
def disable(principal: Manager, session: DbSession, username: str) -> UserOut:
    """Disable a user: sign-in and tokens stop working at once."""
    return _out(users.set_disabled(session, principal.username, username, True))


@router.post("/{username}/enable", responses=REFUSALS)
def enable(principal: Manager, session: DbSession, username: str) -> UserOut:
    """Enable a disabled user again."""
    return _out(users.set_disabled(session, principal.username, username, False))


@router.put("/{username}/role", responses=REFUSALS)
def set_role(principal: Manager, session: DbSession, username: str, body: RoleChange) -> UserOut:
    """Give a user another role."""
    return _out(users.set_role(session, principal.username, username, body.role))
