"""The `ctip resolve` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="resolve", no_args_is_help=True)
