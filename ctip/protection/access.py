"""What the protection area lets people do.

Least privilege: victim specialists work victims and their relief; supervisors oversee them
(and may break the glass with a written reason); investigators see the pseudonyms of victims
linked to cases and may request Continued Presence (federal law enforcement requests it).
Nobody else sees that a victim exists. Reading identity is a separate, compartmented action
(`ctip.authz.policy.Action.VICTIM_IDENTITY_READ`), allowed only to the assigned specialists.
"""

from __future__ import annotations

from ctip.model.area import AreaAction
from ctip.model.roles import Role

PROTECTION_TEAM = frozenset({Role.VICTIM_SPECIALIST, Role.SUPERVISOR})
"""Who works victims' relief and sees the 8 U.S.C. 1367 records (never their identity)."""
PSEUDONYM_READERS = PROTECTION_TEAM | {Role.INVESTIGATOR, Role.ADMIN}
"""Who may see that a victim exists, by pseudonym."""


class ProtectionAction(AreaAction):
    """Victims (pseudonymous), their relief, assignments and the break-glass."""

    READ = "protection:read", PSEUDONYM_READERS
    VICTIM_WRITE = "protection:victim_write", PROTECTION_TEAM
    RELIEF_READ = "protection:relief_read", PROTECTION_TEAM
    RELIEF_WRITE = "protection:relief_write", PROTECTION_TEAM | {Role.INVESTIGATOR}
    RELIEF_DECIDE = "protection:relief_decide", PROTECTION_TEAM
    ASSIGN = "protection:assign", frozenset({Role.SUPERVISOR})
    BREAK_GLASS = "protection:break_glass", frozenset({Role.SUPERVISOR})
