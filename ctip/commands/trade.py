"""The `ctip trade` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="trade", no_args_is_help=True)
