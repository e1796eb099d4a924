"""The audit log: recent events and a check of the keyed hash chain."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from ctip.api.deps import DbSession, require
from ctip.api.schemas import AuditEventOut, ChainReportOut
from ctip.authz import audit
from ctip.authz.policy import Action, Principal

router = APIRouter(prefix="/audit", tags=["audit"])
Reader = Annotated[Principal, Depends(require(Action.AUDIT_READ))]
Verifier = Annotated[Principal, Depends(require(Action.AUDIT_VERIFY))]


@router.get("/events")
def events(
    _: Reader,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> list[AuditEventOut]:
    """The newest events first."""
    rows = audit.recent_events(session, limit, offset)
    return [
        AuditEventOut(
            seq=r.seq,
            at=r.at,
            actor=r.actor,
            action=r.action,
            resource=r.resource,
            detail=r.detail,
            hash=r.hash,
        )
        for r in rows
    ]


@router.get("/verify")
def verify(
    principal: Verifier,
    session: DbSession,
    full: Annotated[
        bool, Query(description="false: only the rows after the last verified checkpoint")
    ] = True,
) -> ChainReportOut:
    """Check the keyed chain against the signed checkpoints outside the database and name the
    first row that was changed, inserted or deleted, or the rows cut from the end. Walks
    every row unless `full=false`; the verification is recorded in the log, and an intact
    chain is checkpointed."""
    report = audit.run_verification(session, principal.username, full=full)
    return ChainReportOut(
        ok=report.ok,
        rows_checked=report.rows_checked,
        first_bad_seq=report.first_bad_seq,
        problem=report.problem,
    )
