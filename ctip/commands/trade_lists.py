"""The `ctip trade lists ...` commands and `ctip trade parse-listing`."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Forced-labour lists: WROs and Findings, UFLPA, TVPRA.", no_args_is_help=True
)


def parse_listing(text: str) -> None:
    """Print the entities parsed from one CBP WRO/Finding entity string as JSON."""
    raise typer.Exit(2)
