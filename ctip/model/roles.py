"""The roles of the people who use ctip."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """One role per user; what each may do is declared in `ctip.authz.policy`."""

    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    INVESTIGATOR = "investigator"
    INTEL_ANALYST = "intel_analyst"
    TRADE_ANALYST = "trade_analyst"
    VICTIM_SPECIALIST = "victim_specialist"
    FRONTLINE_OFFICER = "frontline_officer"
    OUTREACH = "outreach"
    TIP_SUBMITTER = "tip_submitter"

    @property
    def label(self) -> str:
        """A human label for pages and the CLI."""
        return self.value.replace("_", " ").capitalize()


STAFF_ROLES: tuple[Role, ...] = tuple(r for r in Role if r is not Role.TIP_SUBMITTER)
"""Roles a signed-in user can hold; the tip submitter is the anonymous public."""

ANALYSTS: frozenset[Role] = frozenset(
    {Role.ADMIN, Role.SUPERVISOR, Role.INVESTIGATOR, Role.INTEL_ANALYST, Role.TRADE_ANALYST}
)
"""Everyone whose daily work is analysis: screening, lists, entities, the link graph."""
OVERSIGHT: frozenset[Role] = frozenset({Role.ADMIN, Role.SUPERVISOR})
"""Who answers for others' work: users, the audit log, four-eyes approvals."""
INVESTIGATORS: frozenset[Role] = OVERSIGHT | {Role.INVESTIGATOR, Role.INTEL_ANALYST}
"""Who works trafficking networks: ads, networks, resolution runs and judgements."""
TRADE_OFFICERS: frozenset[Role] = OVERSIGHT | {Role.TRADE_ANALYST}
"""Who screens imports and decides detentions."""
