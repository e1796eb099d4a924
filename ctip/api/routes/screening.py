"""API routes of the screening area."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="", tags=["screening"])
