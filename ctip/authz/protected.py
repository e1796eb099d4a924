"""Reads of protected fields (a victim's identity): checked by the policy and always logged.

An area that holds protected fields calls `open_compartment` before returning them. The read
is audited whether it is allowed or refused, so a supervisor can see who looked, and who tried.
The row is written in the caller's transaction: a caller that refuses must answer the refusal
and commit (not roll back), or the record of the attempt is lost with the rollback.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.authz.policy import Action, Principal, Resource, can


class CompartmentClosed(PermissionError):
    """The principal may not read these protected fields."""


def open_compartment(
    session: Session,
    principal: Principal,
    resource: Resource,
    fields: Sequence[str],
    action: Action = Action.VICTIM_IDENTITY_READ,
) -> None:
    """Allow and log the read of `fields` of `resource`, or log the refusal and raise."""
    allowed = can(principal, action, resource)
    audit.record(
        session,
        principal.username,
        "protected.read" if allowed else "protected.read.denied",
        f"{resource.kind}:{resource.id}",
        {"fields": sorted(fields), "role": principal.role.value},
    )
    if not allowed:
        raise CompartmentClosed(f"{principal.username} may not read {resource.kind} identity")
