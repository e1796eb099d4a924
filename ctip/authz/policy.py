"""The one policy function that decides every access: `can(principal, action, resource)`.

Grants are declared as data (role -> actions). Resource-level rules (a victim's identity
compartment, readable only by the specialists assigned to that victim) are checked on top.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ctip.model.roles import Role


class Action(StrEnum):
    """Everything a person can ask ctip to do."""

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
    LIST_READ = "list:read"
    LIST_WRITE = "list:write"
    SCREEN_RUN = "screen:run"
    TRADE_READ = "trade:read"
    TRADE_WRITE = "trade:write"
    TRADE_DECIDE = "trade:decide"
    AD_READ = "ads:read"
    AD_WRITE = "ads:write"
    NETWORK_READ = "network:read"
    NETWORK_BUILD = "network:build"
    GRAPH_READ = "graph:read"
    RESOLVE_READ = "resolve:read"
    RESOLVE_RUN = "resolve:run"
    RESOLVE_JUDGE = "resolve:judge"


PUBLIC_ACTIONS = frozenset({Action.HEALTH, Action.SIGN_IN})
"""Allowed to anyone, signed in or not."""

SIGNED_IN = frozenset({Action.SELF_READ})
ENTITY_ANALYSIS = frozenset({Action.ENTITY_READ, Action.ENTITY_WRITE, Action.ENTITY_EXPORT})
SCREENING = frozenset({Action.LIST_READ, Action.LIST_WRITE, Action.SCREEN_RUN})
"""Loading watchlists and screening names against them: every analyst's daily work."""
TRADE_WORK = frozenset({Action.TRADE_READ, Action.TRADE_WRITE})
TRADE_ALL = TRADE_WORK | {Action.TRADE_DECIDE}
"""Deciding a detention (release, exclusion, seizure) is the trade analyst's and supervisor's."""
NETWORK_WORK = frozenset(
    {
        Action.AD_READ,
        Action.AD_WRITE,
        Action.NETWORK_READ,
        Action.NETWORK_BUILD,
        Action.GRAPH_READ,
        Action.RESOLVE_READ,
        Action.RESOLVE_RUN,
        Action.RESOLVE_JUDGE,
    }
)
"""Ads, networks, the link graph and entity resolution: investigators' and intel analysts'."""
OVERSIGHT = frozenset({Action.USER_READ, Action.AUDIT_READ, Action.AUDIT_VERIFY})
ANALYSIS = ENTITY_ANALYSIS | SCREENING

GRANTS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: SIGNED_IN | ANALYSIS | TRADE_ALL | NETWORK_WORK | OVERSIGHT | {Action.USER_MANAGE},
    Role.SUPERVISOR: SIGNED_IN | ANALYSIS | TRADE_ALL | NETWORK_WORK | OVERSIGHT,
    Role.INVESTIGATOR: SIGNED_IN | ANALYSIS | NETWORK_WORK | {Action.TRADE_READ},
    Role.INTEL_ANALYST: SIGNED_IN | ANALYSIS | NETWORK_WORK | {Action.TRADE_READ},
    Role.TRADE_ANALYST: SIGNED_IN | ANALYSIS | TRADE_ALL | {Action.GRAPH_READ, Action.RESOLVE_READ},
    Role.VICTIM_SPECIALIST: SIGNED_IN | {Action.ENTITY_READ, Action.VICTIM_IDENTITY_READ},
    Role.FRONTLINE_OFFICER: SIGNED_IN,
    Role.OUTREACH: SIGNED_IN,
    Role.TIP_SUBMITTER: frozenset(),
}


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
    """What is asked for; `assigned` names who may open a compartment (None: no compartment)."""

    kind: str
    id: str = ""
    assigned: frozenset[str] | None = field(default=None)


def can(principal: Principal, action: Action, resource: Resource | None = None) -> bool:
    """Whether `principal` may perform `action` on `resource`."""
    if action in PUBLIC_ACTIONS:
        return True
    if action not in GRANTS[principal.role]:
        return False
    return _compartment_allows(principal, resource)


def _compartment_allows(principal: Principal, resource: Resource | None) -> bool:
    """A compartmented resource opens only to the people assigned to it."""
    if resource is None or resource.assigned is None:
        return True
    return principal.username in resource.assigned


def allowed_roles(action: Action) -> frozenset[Role]:
    """The roles that may perform `action` when no compartment applies."""
    return frozenset(r for r in Role if can(Principal(r.value, r, user_id=0), action))
