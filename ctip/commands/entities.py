"""`ctip entities ...`: import, export, search and show entities in the FollowTheMoney model
(FtM JSON lines go in and out unchanged, for Aleph, yente and nomenklatura)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ctip.authz import audit
from ctip.commands.common import (
    FormatOption,
    OutputFormat,
    cli_actor,
    console,
    errors,
    print_rows,
    progress_bar,
    store_session,
)
from ctip.ingest.ftm_import import import_ftm_bytes
from ctip.model.errors import NotFound
from ctip.store import entities as store

app = typer.Typer(help="Entities in the FollowTheMoney model.", no_args_is_help=True)


@app.command("import")
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


@app.command("export")
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


@app.command("search")
def entities_search(
    name: str,
    limit: Annotated[int, typer.Option(min=1, max=store.MAX_LIMIT)] = 25,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Find entities by name, in any case, accent or script."""
    with store_session() as session:
        _print_summaries(store.search_by_name(session, name, limit), output)


@app.command("lookup")
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


@app.command("show")
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
