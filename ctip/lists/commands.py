"""The `ctip lists` commands: load watchlists as editions, list, show and compare them."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from ctip.commands.common import (
    FormatOption,
    OutputFormat,
    StrictOption,
    WarningsOption,
    cli_actor,
    errors,
    print_rows,
    report_warnings,
    store_session,
)
from ctip.ingest.values import reject_if_strict
from ctip.lists import governance, store
from ctip.lists.formats import FileReader, read_whole
from ctip.lists.readers import WATCHLIST_COLUMNS, PreparedList, prepare_watchlist_file

app = typer.Typer(
    help="Watchlists with editions: load, list, show, diff; approve official editions.",
    no_args_is_help=True,
)
console = Console()
ListArgument = Annotated[str, typer.Argument(metavar="LIST")]
EditionArgument = Annotated[str, typer.Argument(metavar="EDITION")]
Why = Annotated[str, typer.Option("--why", help="why (required; kept in the ledger)")]
ReadableFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]
EditionOption = Annotated[
    str | None, typer.Option(help="edition label, e.g. the publication date; default: today-hash")
]


def load_prepared(
    file: Path,
    list_name: str,
    prepare: Callable[[bytes, str, str], PreparedList],
    edition: str | None,
    kind: str,
    strict: bool = False,
    warnings: Path | None = None,
) -> None:
    """Read, validate and store one list file, read whole (an area's official list), as an
    edition; print what happened and which values were kept as written but not used
    (`strict`: refuse the file instead)."""
    load_file(file, list_name, partial(read_whole, prepare), edition, kind, strict, warnings)


def load_file(
    file: Path,
    list_name: str,
    read: FileReader,
    edition: str | None,
    kind: str,
    strict: bool = False,
    warnings: Path | None = None,
) -> None:
    """`load_prepared` with a reader of the file on disk (a watchlist is read pass by pass,
    so a list of a million entries is never held whole)."""
    with (
        errors.status(f"loading {file.name} into {list_name}") as status,
        store_session("nothing was loaded") as session,
    ):
        store.check_list_name(list_name)
        prepared = read(file, file.name, list_name)
        reject_if_strict(file.name, prepared.warnings, strict)

        def indexing(done: int, total: int) -> None:
            status.update(f"indexing {list_name} for screening: {done:,} of {total:,} entries")

        outcome = store.save_edition(
            session, list_name, prepared, cli_actor(), edition, kind, indexing
        )
    report_warnings(file.name, prepared.warnings, warnings)
    if outcome.already_loaded:
        console.print(
            f"{file.name} is already edition {outcome.edition} of {list_name}: nothing changed"
        )
        return
    console.print(
        f"loaded {list_name} edition {outcome.edition}: "
        f"{outcome.entries} entries, {outcome.rules} goods x place rules"
    )


@app.command("load")
def load(
    file: ReadableFile,
    name: Annotated[
        str, typer.Option("--name", help="the list's name, e.g. team-watchlist (any case)")
    ],
    edition: EditionOption = None,
    strict: StrictOption = False,
    warnings: WarningsOption = None,
) -> None:
    """Load FtM JSON lines or a CSV of a watchlist as a new edition."""

    load_file(file, name.lower(), prepare_watchlist_file, edition, "watchlist", strict, warnings)


load.__doc__ = f"{load.__doc__}\n\n    CSV {WATCHLIST_COLUMNS.help_text()}"


@app.command("list")
def list_lists(output: FormatOption = OutputFormat.TABLE) -> None:
    """Every loaded list with its latest edition."""
    with store_session() as session:
        summaries = store.list_summaries(session)
    columns = ("list", "kind", "latest edition", "entries", "rules", "editions", "loaded")
    rows = [
        (
            s.list_name,
            s.kind,
            s.latest.edition,
            s.latest.entries,
            s.latest.rules,
            s.editions,
            s.latest.loaded_at,
        )
        for s in summaries
    ]
    print_rows(output, columns, rows)


@app.command("show")
def show(
    list_name: Annotated[str, typer.Argument(metavar="LIST")],
    edition: Annotated[str | None, typer.Option(help="default: the latest")] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """The entries of one edition of a list (the latest by default)."""
    with store_session() as session:
        entries = store.list_entries(session, list_name, edition)
        rules = store.goods_rules(session, list_name, edition)
    columns = ("entry", "schema", "name", "aliases", "countries", "subsidiaries")
    rows = [
        (
            e.entry_id,
            e.schema,
            e.name,
            "; ".join(e.aliases),
            ", ".join(e.countries),
            e.includes_subsidiaries,
        )
        for e in entries
    ]
    print_rows(output, columns, rows)
    if output is not OutputFormat.TABLE:
        return
    for rule in rules:
        console.print(
            f"rule: {rule.goods} from {rule.place} ({rule.country}) {', '.join(rule.hts_headings)}"
        )
    console.print(f"{len(entries)} entries, {len(rules)} rules")


@app.command("diff")
def diff(
    list_name: Annotated[str, typer.Argument(metavar="LIST")],
    old: Annotated[str, typer.Argument(help="the older edition")],
    new: Annotated[str, typer.Argument(help="the newer edition")],
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Entries added, removed and changed between two editions of a list."""
    with store_session() as session:
        result = store.diff_editions(session, list_name, old, new)
    if output is not OutputFormat.TABLE:
        print_rows(output, ("change", "entry", "name", "fields"), _diff_rows(result))
        return
    for entry in result.added:
        console.print(f"[green]+ {escape(entry.entry_id)}[/] {escape(entry.name)}")
    for entry in result.removed:
        console.print(f"[red]- {escape(entry.entry_id)}[/] {escape(entry.name)}")
    for change in result.changed:
        fields = "; ".join(f"{k}: {v[0]!r} -> {v[1]!r}" for k, v in change.fields.items())
        console.print(
            f"[yellow]~ {escape(change.entry_id)}[/] {escape(change.name)}: {escape(fields)}"
        )
    console.print(
        f"{list_name} {old} -> {new}: {len(result.added)} added, "
        f"{len(result.removed)} removed, {len(result.changed)} changed"
    )


def _diff_rows(result: store.EditionDiff) -> list[tuple[str, str, str, str]]:
    """Each change as a row: added, removed, or changed with old -> new per field."""
    rows = [("added", e.entry_id, e.name, "") for e in result.added]
    rows += [("removed", e.entry_id, e.name, "") for e in result.removed]
    for change in result.changed:
        fields = "; ".join(f"{k}: {v[0]!r} -> {v[1]!r}" for k, v in change.fields.items())
        rows.append(("changed", change.entry_id, change.name, fields))
    return rows


@app.command("editions")
def edition_reviews(list_name: ListArgument, output: FormatOption = OutputFormat.TABLE) -> None:
    """Every edition of a list with its four-eyes state; '*' marks the one screening reads."""
    with store_session() as session:
        found = governance.reviews(session, list_name)
    columns = ("edition", "status", "in effect", "loaded by", "decided by", "why")
    rows = [
        (r.edition, r.status.value, "*" if r.in_effect else "", r.loaded_by, r.decided_by, r.why)
        for r in found
    ]
    print_rows(output, columns, rows)


@app.command("approve")
def approve(list_name: ListArgument, edition: EditionArgument, why: Why) -> None:
    """Let an edition of an official list take effect for screening (not by its loader)."""
    with store_session("nothing was approved") as session:
        governance.approve(session, list_name, edition, cli_actor(), why)
    console.print(f"approved {list_name} edition {edition}: screening reads it from now on")


@app.command("reject")
def reject(list_name: ListArgument, edition: EditionArgument, why: Why) -> None:
    """Keep an edition of an official list out of screening (not by its loader)."""
    with store_session("nothing was rejected") as session:
        governance.reject(session, list_name, edition, cli_actor(), why)
    console.print(f"rejected {list_name} edition {edition}: screening never reads it")


@app.command("mark-official")
def mark_official(list_name: ListArgument, why: Why) -> None:
    """Make a list official: its new editions then need approval before screening reads them."""
    with store_session("nothing was changed") as session:
        governance.mark_official(session, list_name, cli_actor(), why)
    console.print(f"{list_name} is an official list: new editions need four-eyes approval")
