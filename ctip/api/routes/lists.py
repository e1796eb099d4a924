"""API routes of watchlists and forced-labour lists."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/lists", tags=["lists"])
