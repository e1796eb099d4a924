"""The `ctip` command: one sub-command group per area, each calling the same services as the API."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ctip.api.app import create_app
from ctip.areas import REGISTRY, Registry
from ctip.authz import audit, users
from ctip.commands.common import (
    CtipGroup,
    FormatOption,
    OutputFormat,
    cli_actor,
    console,
    errors,
    fail,
    load_settings,
    open_database,
    print_rows,
    progress_bar,
    store_session,
)
from ctip.config import Environment, Settings
from ctip.demo import world
from ctip.ingest.ftm_import import import_ftm_bytes
from ctip.matching import warm
from ctip.model.errors import NotFound
from ctip.store import entities as store


def build_app(registry: Registry) -> typer.Typer:
    """The `ctip` command: the platform's groups and every area's commands."""
    registry.install()
    root = typer.Typer(
        cls=CtipGroup, help="ctip: counter-human-trafficking platform.", no_args_is_help=True
    )
    root.add_typer(entities_app, name="entities")
    root.add_typer(users_app, name="users")
    root.add_typer(audit_app, name="audit")
    root.add_typer(db_app, name="db")
    root.command()(serve)
    root.command()(demo)
    for name, group in registry.command_groups():
        root.add_typer(group, name=name)
    for name, command in registry.commands():
        root.command(name)(command)
    return root


HostOption = Annotated[
    str | None, typer.Option(help=f"default: CTIP_HOST ({Settings.model_fields['host'].default})")
]
PortOption = Annotated[
    int | None, typer.Option(help=f"default: CTIP_PORT ({Settings.model_fields['port'].default})")
]
entities_app = typer.Typer(help="Entities in the FollowTheMoney model.", no_args_is_help=True)
users_app = typer.Typer(help="Users and roles.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
db_app = typer.Typer(help="The database schema.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    with open_database() as database:
        console.print(f"database at head: {database.engine.url.render_as_string()}")


@entities_app.command("import")
def entities_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    source: Annotated[str, typer.Option(help="the source the statements are credited to")],
) -> None:
    """Import FtM JSON lines: validated whole, written all or nothing, idempotent."""
    data = file.read_bytes()
    with store_session("nothing was imported") as session, progress_bar() as progress:
        task = progress.add_task(f"importing {file.name}", total=None)
        outcome = import_ftm_bytes(
            session, data, file.name, source, cli_actor(), lambda n: progress.advance(task, n)
        )
    if outcome.already_imported:
        console.print(f"{file.name} was already imported from {source}: nothing changed")
        return
    console.print(
        f"imported {outcome.entities} entities from {file.name} as {source}: "
        f"{outcome.statements_new} new statements, {outcome.statements_seen_again} seen again"
    )


@entities_app.command("export")
def entities_export(
    out: Annotated[
        Path | None, typer.Option(help="file to write; standard output if absent")
    ] = None,
    source: Annotated[str | None, typer.Option(help="only this source's statements")] = None,
) -> None:
    """Write entities as FtM JSON lines (for Aleph, yente, nomenklatura)."""
    with store_session() as session:
        ids = store.export_ids(session, source)
        resource = f"source:{source}" if source else "entities:all"
        audit.record_read(session, cli_actor(), "entities.export", resource, len(ids))
        stream = out.open("w", encoding="utf-8") if out else sys.stdout
        count = 0
        try:
            for entity in store.export_entities(session, source, ids=ids):
                stream.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
        finally:
            if out:
                stream.close()
    errors.print(f"exported {count} entities")


@entities_app.command("search")
def entities_search(
    name: str,
    limit: Annotated[int, typer.Option(min=1, max=store.MAX_LIMIT)] = 25,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Find entities by name, in any case, accent or script."""
    with store_session() as session:
        _print_summaries(store.search_by_name(session, name, limit), output)


@entities_app.command("lookup")
def entities_lookup(
    value: str,
    kind: Annotated[str | None, typer.Option(help="phone, email, account, registration")] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Find entities by phone (any format), e-mail, account or registration number."""
    with store_session() as session:
        _print_summaries(store.find_by_identifier(session, value, kind), output)


def _print_summaries(results: list[store.EntitySummary], output: OutputFormat) -> None:
    rows = [(s.id, s.schema, s.caption, ", ".join(s.sources)) for s in results]
    print_rows(output, ("id", "schema", "caption", "sources"), rows)
    if output is OutputFormat.TABLE:
        console.print(f"{len(results)} found")


@entities_app.command("show")
def entities_show(entity_id: str) -> None:
    """One entity: every value with its source, and its links."""
    with store_session() as session:
        record = store.get_entity(session, entity_id)
        if record is None:
            raise NotFound(f"no entity {entity_id!r}")
        links = store.entity_links(session, entity_id)
    console.print(f"[bold]{record.proxy.caption}[/] ({record.proxy.schema.name}) {entity_id}")
    table = Table("property", "value", "source", "first seen", "last seen", "original")
    for p in record.provenance:
        table.add_row(p.prop, p.value, p.source, p.first_seen, p.last_seen, p.original_value or "")
    console.print(table)
    for link in links:
        via = f" via {link.via.caption}" if link.via else ""
        console.print(
            f"{link.direction:>8} {link.prop}: {link.other.caption} ({link.other.id}){via}"
        )


@users_app.command("add")
def users_add(
    username: str,
    role: Annotated[str, typer.Option(help="admin, supervisor, investigator, ...")],
    display_name: Annotated[str, typer.Option()] = "",
) -> None:
    """Add a user; the password comes from CTIP_NEW_PASSWORD or a prompt (never an argument)."""
    password = os.environ.get("CTIP_NEW_PASSWORD") or typer.prompt(
        "password", hide_input=True, confirmation_prompt=True
    )
    with store_session() as session:
        view = users.add_user(session, cli_actor(), username, password, role, display_name)
    console.print(f"added {view.username} ({view.role.value})")


@users_app.command("list")
def users_list(output: FormatOption = OutputFormat.TABLE) -> None:
    """Every user with role and state."""
    with store_session() as session:
        views = users.list_users(session)
    rows = [
        (
            v.username,
            v.display_name,
            v.role.value,
            "disabled" if v.disabled else "active",
            v.created_at,
        )
        for v in views
    ]
    print_rows(output, ("username", "name", "role", "state", "created"), rows)


def _change_user(username: str, disabled: bool | None = None, role: str | None = None) -> None:
    with store_session() as session:
        if role is not None:
            view = users.set_role(session, cli_actor(), username, role)
        else:
            view = users.set_disabled(session, cli_actor(), username, bool(disabled))
    state = "disabled" if view.disabled else "active"
    console.print(f"{view.username}: {view.role.value}, {state}")


@users_app.command("disable")
def users_disable(username: str) -> None:
    """Disable a user: sign-in and tokens stop working at once."""
    _change_user(username, disabled=True)


@users_app.command("enable")
def users_enable(username: str) -> None:
    """Enable a disabled user again."""
    _change_user(username, disabled=False)


@users_app.command("set-role")
def users_set_role(username: str, role: str) -> None:
    """Give a user another role."""
    _change_user(username, role=role)


@users_app.command("set-password")
def users_set_password(username: str) -> None:
    """New password (CTIP_NEW_PASSWORD or a prompt); every session and token of the user ends."""
    password = os.environ.get("CTIP_NEW_PASSWORD") or typer.prompt(
        "password", hide_input=True, confirmation_prompt=True
    )
    with store_session() as session:
        users.set_password(session, cli_actor(), username, password)
    console.print(f"{username}: new password; every session and token ended")


@users_app.command("revoke")
def users_revoke(username: str) -> None:
    """End every workbench session and API token of a user at once."""
    with store_session() as session:
        ended = users.revoke_sessions(session, cli_actor(), username)
    console.print(f"{username}: {ended} sessions and tokens ended")


FullOption = Annotated[
    bool,
    typer.Option("--full", help="walk every row, not only those after the last verified one"),
]


@audit_app.command("verify")
def audit_verify(full: FullOption = False) -> None:
    """Check the keyed chain against the signed checkpoints outside the database, from the
    last verified checkpoint on (--full: from the first row); exit 1 and name the first bad
    row if it was tampered with. The verification is recorded in the log, and an intact
    chain is checkpointed so the next one starts there."""
    with store_session() as session:
        report = audit.run_verification(session, cli_actor(), full=full)
    if not report.ok:
        where = f" at row {report.first_bad_seq}" if report.first_bad_seq else ""
        raise fail(
            f"audit log broken{where}: {report.problem} "
            f"({report.rows_checked} rows before it are intact)"
        )
    resumed = (
        f", {report.rows_walked} walked after row {report.from_seq}" if report.from_seq else ""
    )
    console.print(f"audit log intact: {report.rows_checked} rows{resumed}")


def serve(
    host: HostOption = None,
    port: PortOption = None,
) -> None:
    """Serve the API and the workbench."""
    settings = load_settings()
    _serve(settings, host or settings.host, port or settings.port)


def _serve(settings: Settings, host: str, port: int) -> None:
    """Run the server; uvicorn is imported here, not at start, so `ctip --help` stays quick."""
    import uvicorn  # a third-party server only `serve` and `demo` need

    app = create_app(settings)
    warm.start_warming(app.state.database.session)  # health answers 503 "warming" until done
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False)


def demo(
    serve_it: Annotated[
        bool, typer.Option("--serve/--no-serve", help="serve the workbench")
    ] = True,
    host: HostOption = None,
    port: PortOption = None,
) -> None:
    """Build the deterministic demo world, print the logins, and serve the workbench."""
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
        _serve(settings, host, port)


def _print_logins(logins: Iterator[tuple[object, str, str]]) -> None:
    table = Table("role", "username", "password", title="demo logins (development only)")
    for role, username, password in logins:
        table.add_row(str(role), username, password)
    console.print(table)


app = build_app(REGISTRY)

if __name__ == "__main__":
    app()
