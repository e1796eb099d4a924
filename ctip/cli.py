"""The `ctip` command: one sub-command group per area, each calling the same services as the API.

It starts in a fraction of a second: the root lists every group and command from its
declaration (the platform's below, the areas' in their descriptors) and imports one only when
it runs or shows its own help; `serve` and `demo` import the server and the demo world inside.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from ctip.areas import REGISTRY, Registry
from ctip.commands.group import Declared, console, fail, lazy_root
from ctip.model.area import CommandRef

if TYPE_CHECKING:
    from ctip.config import Settings

PLATFORM_GROUPS: dict[str, CommandRef[typer.Typer]] = {
    "entities": CommandRef("ctip.commands.entities:app", "Entities in the FollowTheMoney model."),
    "users": CommandRef("ctip.commands.users:app", "Users and roles."),
    "audit": CommandRef("ctip.commands.audit:app", "The hash-chained audit log."),
    "db": CommandRef("ctip.commands.db:app", "The database schema."),
}
"""The platform's own groups, listed before the areas' (the order `ctip --help` shows)."""


def build_app(registry: Registry) -> typer.Typer:
    """The `ctip` command: the platform's groups and every area's commands, each imported when
    it is first used."""
    registry.install()
    root = typer.Typer(
        cls=lazy_root(declared_commands(registry)),
        help="ctip: counter-human-trafficking platform.",
        no_args_is_help=True,
    )
    root.command()(serve)
    root.command()(demo)
    return root


def declared_commands(registry: Registry) -> dict[str, Declared]:
    """Name -> declaration of every command after `serve` and `demo`, in typer's own order
    (single commands before groups): the areas' commands, the platform's groups, the areas'
    groups."""
    return {
        **dict(registry.declared_commands()),
        **PLATFORM_GROUPS,
        **dict(registry.declared_command_groups()),
    }


DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8765
"""The settings' defaults as `--help` names them, written out so that `ctip --help` does not
load the settings (pydantic); a test holds them equal to `Settings`."""
HostOption = Annotated[str | None, typer.Option(help=f"default: CTIP_HOST ({DEFAULT_HOST})")]
PortOption = Annotated[int | None, typer.Option(help=f"default: CTIP_PORT ({DEFAULT_PORT})")]


def serve(
    host: HostOption = None,
    port: PortOption = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help="server processes, each warm before it answers (default: CTIP_WORKERS, 1)"
        ),
    ] = None,
) -> None:
    """Serve the API and the workbench."""
    from ctip.commands.common import load_settings  # the settings and the store load here

    settings = load_settings()
    asked = settings.workers if workers is None else workers
    _serve(settings, host or settings.host, port or settings.port, asked)


def _serve(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    """Run the server: one worker warming in the background, or several each warm before it
    answers. The app, its areas and uvicorn are imported there, not at start, so `ctip --help`
    stays quick."""
    from ctip.api.serving import serve as serve_warm

    serve_warm(settings, host, port, workers)


def demo(
    serve_it: Annotated[
        bool, typer.Option("--serve/--no-serve", help="serve the workbench")
    ] = True,
    host: HostOption = None,
    port: PortOption = None,
) -> None:
    """Build the deterministic demo world, print the logins, and serve the workbench."""
    from ctip.commands.common import load_settings, store_session
    from ctip.config import Environment
    from ctip.demo import world  # the demo world (FtM and every area's seed) loads here
    from ctip.store import entities as store

    settings = load_settings()
    if settings.env is Environment.PRODUCTION:
        raise fail("the demo creates users with published passwords; it refuses production")
    with store_session() as session:
        created = world.seed_users(session)
        outcome = world.seed_entities(session)
        parts = [f"{area}: {seed(session)}" for area, seed in REGISTRY.demo_steps()]
        total = store.count_entities(session)
    network = "already there" if outcome.already_imported else "imported"
    console.print(
        f"demo world ready in {settings.database_url}: {total} entities, "
        f"{created} new demo users, demo network {network}"
    )
    for part in parts:
        console.print(f"  {part}")
    _print_logins(world.demo_users())
    host, port = host or settings.host, port or settings.port
    console.print(f"\nopen the workbench at [bold]http://{host}:{port}/[/]")
    if serve_it:
        _serve(settings, host, port, settings.workers)


def _print_logins(logins: Iterator[tuple[object, str, str]]) -> None:
    table = Table("role", "username", "password", title="demo logins (development only)")
    for role, username, password in logins:
        table.add_row(str(role), username, password)
    console.print(table)


app = build_app(REGISTRY)

if __name__ == "__main__":
    app()
