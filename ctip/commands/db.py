"""`ctip db upgrade`: the database schema, migrated to head (the areas' migrations included)."""

from __future__ import annotations

import typer

from ctip.commands.common import console, open_database

app = typer.Typer(help="The database schema.", no_args_is_help=True)


@app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    with open_database() as database:
        console.print(f"database at head: {database.engine.url.render_as_string()}")
