"""What every `ctip` command shares: the consoles, a readable failure, the settings, the
database migrated to head, the actor the audit log names, and a progress bar.

Area command modules import these; nothing here imports an area or `ctip.cli`.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

from ctip.config import Settings, get_settings
from ctip.store.db import Database

console = Console()
errors = Console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print an error and return the exit to raise."""
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def load_settings() -> Settings:
    """The settings, or a readable refusal when they are unsafe or invalid."""
    try:
        return get_settings()
    except ValidationError as error:
        messages = "; ".join(str(e["msg"]) for e in error.errors())
        raise fail(f"settings refused: {messages}") from None


def cli_actor() -> str:
    """Who the audit log names for a command run at this terminal."""
    return f"cli:{getpass.getuser()}"


@contextmanager
def open_database() -> Iterator[Database]:
    """The configured database, migrated to head."""
    database = Database(load_settings().database_url)
    database.upgrade()
    try:
        yield database
    finally:
        database.dispose()


@contextmanager
def progress_bar() -> Iterator[Progress]:
    """A transient progress bar on standard error (standard output stays for results)."""
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=errors, transient=True) as progress:
        yield progress
