"""The `ctip screen` command: plain names against any loaded list."""

from __future__ import annotations

import typer


def screen(queries: str) -> None:
    """Screen a CSV of names against a loaded list."""
    raise typer.Exit(2)
