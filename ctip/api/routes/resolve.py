"""API routes of the resolve area."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/resolve", tags=["resolve"])
