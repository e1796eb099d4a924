"""The one policy function: grants by role, public actions, and compartments."""

from __future__ import annotations

import pytest

from ctip.authz.policy import ANONYMOUS, GRANTS, Action, Principal, Resource, allowed_roles, can
from ctip.model.roles import Role


def _user(role: Role, name: str = "someone") -> Principal:
    return Principal(name, role, user_id=1)


def test_every_role_has_a_grant_entry() -> None:
    assert set(GRANTS) == set(Role)


def test_public_may_only_do_public_things() -> None:
    assert can(ANONYMOUS, Action.HEALTH)
    assert not any(can(ANONYMOUS, a) for a in Action if a not in (Action.HEALTH, Action.SIGN_IN))


@pytest.mark.parametrize("role", [Role.FRONTLINE_OFFICER, Role.OUTREACH, Role.VICTIM_SPECIALIST])
def test_roles_without_need_cannot_import_entities(role: Role) -> None:
    assert not can(_user(role), Action.ENTITY_WRITE)


def test_only_admin_manages_users() -> None:
    assert allowed_roles(Action.USER_MANAGE) == {Role.ADMIN}


def test_victim_identity_opens_only_to_assigned_specialists() -> None:
    victim = Resource("victim", "v1", assigned=frozenset({"maria"}))
    assert can(_user(Role.VICTIM_SPECIALIST, "maria"), Action.VICTIM_IDENTITY_READ, victim)
    assert not can(_user(Role.VICTIM_SPECIALIST, "tom"), Action.VICTIM_IDENTITY_READ, victim)
    assert not can(_user(Role.ADMIN, "maria"), Action.VICTIM_IDENTITY_READ, victim)
