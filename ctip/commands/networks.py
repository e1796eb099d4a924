"""The `ctip networks` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="networks", no_args_is_help=True)
