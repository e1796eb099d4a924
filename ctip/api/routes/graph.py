"""API routes of the graph area."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/graph", tags=["graph"])
