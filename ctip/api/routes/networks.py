"""API routes of the networks area."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/networks", tags=["networks"])
