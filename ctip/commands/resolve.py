"""The `ctip resolve` command and the `ctip clusters ...` group (judgements)."""

from __future__ import annotations

import typer

clusters_app = typer.Typer(help="Resolved clusters and analysts' judgements.", no_args_is_help=True)


def resolve_file(records: str) -> None:
    """Resolve a plain CSV of records into clusters."""
    raise typer.Exit(2)
