"""Jobs: the long work a request handed off (an import), with its progress and outcome.

A person sees their own jobs; supervisors and admins (who answer for others' work) see
everyone's. Another person's job is 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from ctip.api.deps import DbSession, require
from ctip.api.schemas import error_responses
from ctip.authz.policy import Action, Principal
from ctip.model.errors import NotFound
from ctip.model.roles import OVERSIGHT
from ctip.store import jobs
from ctip.store.jobs import JobView

router = APIRouter(prefix="/jobs", tags=["jobs"])
SignedIn = Annotated[Principal, Depends(require(Action.SELF_READ))]


def sees_all_jobs(principal: Principal) -> bool:
    """Supervisors and admins follow everyone's jobs; others only their own."""
    return principal.role in OVERSIGHT


def job_for(session: DbSession, principal: Principal, job_id: int) -> JobView:
    """The job if the principal may follow it; NotFound (404) otherwise."""
    job = jobs.get_job(session, job_id)
    if job.actor != principal.username and not sees_all_jobs(principal):
        raise NotFound(f"no job {job_id}")
    return job


@router.get("")
def my_jobs(
    principal: SignedIn,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[JobView]:
    """The caller's newest jobs (everyone's for supervisors and admins)."""
    actor = None if sees_all_jobs(principal) else principal.username
    return jobs.jobs_of(session, actor, limit)


@router.get("/{job_id}", responses=error_responses(404))
def job(principal: SignedIn, session: DbSession, job_id: int) -> JobView:
    """One job: state (queued, running, done, failed, interrupted), rows done so far, the
    result when done, the message and the first rejected rows when failed."""
    return job_for(session, principal, job_id)
