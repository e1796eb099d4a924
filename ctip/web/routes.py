"""Workbench pages (placeholder until the pages land)."""

from __future__ import annotations

from fastapi import FastAPI


def install_workbench(app: FastAPI) -> None:
    """Mount the workbench's pages and static files on the app."""
