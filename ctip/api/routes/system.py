"""Liveness: is the service up and is its database reachable."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from ctip import __version__
from ctip.api.deps import DbSession

router = APIRouter(tags=["system"])


@router.get("/health")
def health(session: DbSession) -> dict[str, str]:
    """Public: the version and whether the database answers."""
    session.execute(text("select 1"))
    return {"status": "ok", "version": __version__}
