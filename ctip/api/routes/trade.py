"""API routes of the trade area."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/trade", tags=["trade"])
