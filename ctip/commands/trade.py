"""The `ctip trade` commands: entry screening, supplier tiers, detentions (+ lists)."""

from __future__ import annotations

import typer

from ctip.commands import trade_lists

app = typer.Typer(help="Forced labour in supply chains.", no_args_is_help=True)
app.add_typer(trade_lists.app, name="lists")
app.command("parse-listing")(trade_lists.parse_listing)
