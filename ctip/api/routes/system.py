"""Liveness and readiness: is the service up, is its database reachable, is it warm."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import text

from ctip import __version__
from ctip.api.deps import DbSession
from ctip.matching import warm

router = APIRouter(tags=["system"])
WARMING = 503


@router.get("/health", responses={WARMING: {"description": "the server is still warming up"}})
def health(session: DbSession, response: Response) -> dict[str, str]:
    """Public: the version and whether the database answers; 503 while the server warms up
    (name data and every list's screening index loading), so a load balancer or a client
    waiting for 200 never sends a screening to a cold server."""
    session.execute(text("select 1"))
    if warm.warmth() is warm.Warmth.WARMING:
        response.status_code = WARMING
        return {"status": "warming", "version": __version__}
    return {"status": "ok", "version": __version__}
