"""The one policy function that decides every access: `can(principal, action, resource)`.

Grants are declared as data: the platform's own here (role -> actions), each area's in its
descriptor (action -> roles), handed to this module by the area registry. Resource-level
rules (a victim's identity compartment, readable only by the specialists assigned to that
victim) are checked on top.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from ctip.model.roles import Role


class Action(StrEnum):
    """What a person can ask of the platform itself; each area declares its own actions."""

    HEALTH = "health:read"
    SIGN_IN = "session:create"
    SELF_READ = "self:read"
    ENTITY_READ = "entity:read"
    ENTITY_WRITE = "entity:write"
    ENTITY_EXPORT = "entity:export"
    USER_READ = "user:read"
    USER_MANAGE = "user:manage"
    AUDIT_READ = "audit:read"
    AUDIT_VERIFY = "audit:verify"
    VICTIM_IDENTITY_READ = "victim_identity:read"
    VICTIM_IDENTITY_WRITE = "victim_identity:write"
    VICTIM_BREAK_GLASS = "victim_identity:break_glass"


PUBLIC_ACTIONS = frozenset({Action.HEALTH, Action.SIGN_IN})
"""Allowed to anyone, signed in or not."""

SIGNED_IN = frozenset({Action.SELF_READ})
ENTITY_ANALYSIS = frozenset({Action.ENTITY_READ, Action.ENTITY_WRITE, Action.ENTITY_EXPORT})
OVERSIGHT = frozenset({Action.USER_READ, Action.AUDIT_READ, Action.AUDIT_VERIFY})

GRANTS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: SIGNED_IN | ENTITY_ANALYSIS | OVERSIGHT | {Action.USER_MANAGE},
    Role.SUPERVISOR: SIGNED_IN
    | ENTITY_ANALYSIS
    | OVERSIGHT
    | {Action.VICTIM_IDENTITY_READ, Action.VICTIM_BREAK_GLASS},
    Role.INVESTIGATOR: SIGNED_IN | ENTITY_ANALYSIS,
    Role.INTEL_ANALYST: SIGNED_IN | ENTITY_ANALYSIS,
    Role.TRADE_ANALYST: SIGNED_IN | ENTITY_ANALYSIS,
    Role.VICTIM_SPECIALIST: SIGNED_IN
    | {Action.ENTITY_READ, Action.VICTIM_IDENTITY_READ, Action.VICTIM_IDENTITY_WRITE},
    Role.FRONTLINE_OFFICER: SIGNED_IN,
    Role.OUTREACH: SIGNED_IN,
    Role.TIP_SUBMITTER: frozenset(),
}
"""The platform's own grants, by role; areas' grants are declared by the areas.

A supervisor holds the victim identity grant only to use it through a recorded break-glass
(`Resource.broken_glass`); the compartment stays shut to them otherwise."""

BREAK_GLASS_ROLES = frozenset({Role.SUPERVISOR})
"""Who may open a compartment they are not assigned to, with a written reason, audited."""

_area_grants: dict[str, frozenset[Role]] = {}
"""Action value -> roles, as the areas in the registry declared them (`declare_grants`)."""


def declare_grants(grants: Mapping[StrEnum, frozenset[Role]]) -> None:
    """Add an area's actions and the roles granted each (the registry calls this).

    An action may be declared again with the same roles (a second app in one process); an
    action that is never declared is refused to everyone.
    """
    for action, roles in grants.items():
        known = _area_grants.get(action.value)
        if known is not None and known != roles:
            raise ValueError(f"action {action.value!r} declared twice with other roles")
        _area_grants[action.value] = frozenset(roles)


def withdraw_grants(actions: Iterable[StrEnum]) -> None:
    """Forget actions declared earlier (a throwaway area in a test)."""
    for action in actions:
        _area_grants.pop(action.value, None)


@dataclass(frozen=True)
class Principal:
    """Who is asking: a signed-in user or the anonymous public (a tip submitter)."""

    username: str
    role: Role
    user_id: int | None = None

    @property
    def is_anonymous(self) -> bool:
        """Whether nobody is signed in."""
        return self.user_id is None


ANONYMOUS = Principal(username="anonymous", role=Role.TIP_SUBMITTER)


@dataclass(frozen=True)
class Resource:
    """What is asked for; `assigned` names who may open a compartment (None: no compartment).

    `broken_glass` names the supervisors with a recorded, unexpired break-glass opening of
    this compartment (the area keeps those records); nobody else outside `assigned` gets in.
    """

    kind: str
    id: str = ""
    assigned: frozenset[str] | None = field(default=None)
    broken_glass: frozenset[str] = field(default=frozenset())


def can(principal: Principal, action: StrEnum, resource: Resource | None = None) -> bool:
    """Whether `principal` may perform `action` (the platform's or an area's) on `resource`."""
    if action in PUBLIC_ACTIONS:
        return True
    if not _granted(principal.role, action):
        return False
    return _compartment_allows(principal, resource)


def _granted(role: Role, action: StrEnum) -> bool:
    if isinstance(action, Action):
        return action in GRANTS[role]
    return role in _area_grants.get(action.value, frozenset())


def _compartment_allows(principal: Principal, resource: Resource | None) -> bool:
    """A compartmented resource opens only to the people assigned to it, or to a supervisor
    through a recorded break-glass."""
    if resource is None or resource.assigned is None:
        return True
    if principal.username in resource.assigned:
        return True
    return principal.role in BREAK_GLASS_ROLES and principal.username in resource.broken_glass


def allowed_roles(action: StrEnum) -> frozenset[Role]:
    """The roles that may perform `action` when no compartment applies."""
    return frozenset(r for r in Role if can(Principal(r.value, r, user_id=0), action))
