"""Reads of protected fields (a victim's identity): checked by the policy and always logged.

An area that holds protected fields calls `open_compartment` before returning them. The read
is audited whether it is allowed or refused, with the reason it was allowed (the assigned
specialist, a recorded break-glass, the local administrator), so a supervisor can see who
looked, why, and who tried. The audit row names fields, never their values.
The row is written in the caller's transaction: a caller that refuses must answer the refusal
and commit (not roll back), or the record of the attempt is lost with the rollback.

Break-glass: a supervisor who is not assigned may open one compartment only by writing why
(`break_glass`); the opening is audited with the reason, and the area keeps it so the
assigned specialist sees it. A read without such a record never opens the compartment,
whatever the reader's role.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.authz.policy import Action, Principal, Resource, can
from ctip.model.errors import Forbidden, InvalidInput

ASSIGNED = "assigned specialist"
BREAK_GLASS = "break-glass"
LOCAL_ADMIN = "local administrator (CLI)"
MIN_REASON_CHARS = 20
"""A break-glass reason shorter than this says nothing a reviewer could check."""
MAX_REASON_CHARS = 2000


class CompartmentClosed(Forbidden):
    """The principal may not read these protected fields."""


def read_reason(principal: Principal, resource: Resource) -> str:
    """Why the compartment opens to `principal` (what the audit row records)."""
    if resource.assigned is not None and principal.username in resource.assigned:
        return ASSIGNED
    if principal.username in resource.broken_glass:
        return BREAK_GLASS
    return "not assigned"


def open_compartment(
    session: Session,
    principal: Principal,
    resource: Resource,
    fields: Sequence[str],
    action: Action = Action.VICTIM_IDENTITY_READ,
    reason: str | None = None,
) -> None:
    """Allow and log the read of `fields` of `resource`, or log the refusal and raise."""
    allowed = can(principal, action, resource)
    verb = "read" if action is Action.VICTIM_IDENTITY_READ else "write"
    audit.record(
        session,
        principal.username,
        f"protected.{verb}" if allowed else f"protected.{verb}.denied",
        f"{resource.kind}:{resource.id}",
        {
            "fields": sorted(fields),
            "role": principal.role.value,
            "reason": reason or read_reason(principal, resource),
        },
    )
    if not allowed:
        raise CompartmentClosed(f"{principal.username} may not {verb} {resource.kind} identity")


def open_as_local_admin(
    session: Session, actor: str, resource: Resource, fields: Sequence[str], verb: str = "read"
) -> None:
    """Log a read (or write) by the administrator at the server's terminal (the CLI), who
    holds the database and its key anyway: allowed, and audited like any other."""
    audit.record(
        session,
        actor,
        f"protected.{verb}",
        f"{resource.kind}:{resource.id}",
        {"fields": sorted(fields), "role": "local-admin", "reason": LOCAL_ADMIN},
    )


def checked_reason(reason: str) -> str:
    """A break-glass reason worth keeping: written out, not a placeholder."""
    text = " ".join(reason.split())
    if len(text) < MIN_REASON_CHARS:
        raise InvalidInput(
            f"break-glass needs a written reason of at least {MIN_REASON_CHARS} characters"
        )
    if len(text) > MAX_REASON_CHARS:
        raise InvalidInput(f"break-glass reason: at most {MAX_REASON_CHARS} characters")
    return text


def break_glass(session: Session, principal: Principal, resource: Resource, reason: str) -> str:
    """Record a supervisor's opening of a compartment they are not assigned to.

    Refused (and the attempt logged) for any role but the break-glass roles; the reason is
    required and kept in the audit row. Returns the reason as recorded. The caller keeps the
    opening (so the read that follows finds it in `Resource.broken_glass`) and shows it to
    the assigned specialists.
    """
    text = checked_reason(reason)
    allowed = can(principal, Action.VICTIM_BREAK_GLASS)
    audit.record(
        session,
        principal.username,
        "protected.break_glass" if allowed else "protected.break_glass.denied",
        f"{resource.kind}:{resource.id}",
        {"role": principal.role.value, "reason": text},
    )
    if not allowed:
        raise CompartmentClosed(f"role {principal.role.value} may not break the glass")
    return text
