"""The `ctip trade` commands: entry screening, supplier tiers, detentions (+ lists).

Thin adapters over `ctip.trade` services (the API and the pages call the same ones).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ctip.commands.common import (
    Cell,
    FormatOption,
    OutputFormat,
    StrictOption,
    WarningsOption,
    cli_actor,
    errors,
    fail,
    print_rows,
    report_warnings,
    reports_errors,
    store_session,
)
from ctip.ingest.values import reject_if_strict
from ctip.trade import detentions, entries, service, tiers
from ctip.trade import list_commands as trade_lists

app = typer.Typer(help="Forced labour in supply chains.", no_args_is_help=True)
app.add_typer(trade_lists.app, name="lists")
app.command("parse-listing")(trade_lists.parse_listing)
entries_app = typer.Typer(help="Import entry lines.", no_args_is_help=True)
suppliers_app = typer.Typer(
    help="Supplier declarations (supply-chain tiers).", no_args_is_help=True
)
detentions_app = typer.Typer(help="Detentions and their ledger.", no_args_is_help=True)
app.add_typer(entries_app, name="entries")
app.add_typer(suppliers_app, name="suppliers")
app.add_typer(detentions_app, name="detentions")
console = Console()
ReadableFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]
Reason = Annotated[str, typer.Option("--reason", help="why (kept in the ledger)")]
OnDate = Annotated[str | None, typer.Option("--on", help="when it happened, YYYY-MM-DD (today)")]


@contextmanager
def _progress(description: str, total: int) -> Iterator[Callable[[int], None]]:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=errors, transient=True) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n: progress.advance(task, n)


def _print_load(file: Path, already_loaded: bool, stored: str) -> None:
    """What loading a file did: what it `stored`, or nothing when its bytes were loaded before."""
    if already_loaded:
        console.print(f"{file.name} was already loaded: nothing changed")
    else:
        console.print(f"loaded {file.name}: {stored}")


def _read_entries(
    data: bytes, file: Path, strict: bool, warnings: Path | None
) -> entries.EntryFile:
    """The file's entry lines, read once; values that could not be read are reported (and
    refuse the file with `strict`)."""
    with reports_errors("nothing was stored"):
        read = entries.read_entry_file(data, file.name, strict)
    report_warnings(file.name, read.warnings, warnings)
    return read


@entries_app.command("load")
def entries_load(
    file: ReadableFile, strict: StrictOption = False, warnings: WarningsOption = None
) -> None:
    """Load entry lines from CSV, all or nothing, idempotent. A value that cannot be read (a
    date, a country, an amount) is kept as written, not used as evidence, and warned about;
    a row that is no line (its id, a party, its field count) refuses the file."""
    data = file.read_bytes()
    read = _read_entries(data, file, strict, warnings)
    with store_session() as session:
        outcome = entries.load_entry_lines(session, data, file.name, cli_actor(), read)
    _print_load(file, outcome.already_loaded, f"{outcome.lines} lines, {outcome.lines_new} new")


entries_load.__doc__ = f"{entries_load.__doc__}\n\n    {entries.ENTRY_COLUMNS.help_text()}"


@app.command("screen")
def screen(
    file: ReadableFile,
    out: Annotated[Path | None, typer.Option(help="decisions CSV to write")] = None,
    engine: Annotated[str, typer.Option(help="local or spark")] = "local",
    record: Annotated[bool, typer.Option(help="store the lines and decisions")] = True,
    chosen: Annotated[
        list[str] | None,
        typer.Option("--list", help="a list to read besides the approved official lists"),
    ] = None,
    strict: StrictOption = False,
    warnings: WarningsOption = None,
) -> None:
    """Screen entry lines against the approved official lists (and any --list chosen), the
    XUAR, the goods lists and the tiers."""

    if engine not in service.ENGINES:
        raise fail(f"engine {engine!r}: choose one of {', '.join(service.ENGINES)}")
    data = file.read_bytes()
    read = _read_entries(data, file, strict, warnings)
    lines = read.lines
    with store_session() as session:
        if record:
            entries.load_entry_lines(session, data, file.name, cli_actor(), read)
        screener = service.build_screener(session, chosen=chosen or ())
        with _progress(f"screening {file.name} ({engine})", len(lines)) as advance:
            decisions = service.screen_lines(lines, screener, engine, advance)
        if record:
            service.record_screenings(session, decisions, cli_actor(), engine, screener.editions)
    text = service.decisions_csv(decisions)
    if out is not None:
        out.write_text(text, encoding="utf-8")
    counts = {
        d: sum(1 for x in decisions if x.decision == d) for d in ("detain", "review", "release")
    }
    summary = ", ".join(f"{n} {d}" for d, n in counts.items())
    console.print(f"screened {len(decisions)} lines on {engine}: {summary}")
    if out is None:
        for decision in decisions:
            if decision.decision != "release":
                head = f"{decision.key} {decision.decision} {decision.score:.2f}"
                console.print(f"{head}: {escape(decision.explanation())}")


@suppliers_app.command("load")
def suppliers_load(
    file: ReadableFile, strict: StrictOption = False, warnings: WarningsOption = None
) -> None:
    """Load supplier declarations (CSV or FtM JSON lines with UnknownLink edges)."""
    data = file.read_bytes()
    if not tiers.is_ftm_file(data, file.name):
        with reports_errors("nothing was stored"):
            _links, warned = tiers.read_supplier_report(data, file.name)
            reject_if_strict(file.name, warned, strict)
        report_warnings(file.name, warned, warnings)
    with store_session() as session:
        outcome = tiers.load_suppliers(session, data, file.name, cli_actor())
    stored = f"{outcome.links} declarations, {outcome.links_new} new"
    _print_load(file, outcome.already_loaded, stored)


@app.command("trace")
def trace(entity: str) -> None:
    """Show the supplier tiers upstream of ENTITY and the nearest listed or XUAR supplier."""
    with store_session() as session:
        screener = service.build_screener(session)
        graph = tiers.supply_graph(tiers.stored_links(session))
        result = tiers.trace(graph, entity, screener)
    if result.suggestions:
        close = ", ".join(escape(name) for name in result.suggestions)
        console.print(f"no declared party is called {escape(entity)!r}; did you mean {close}?")
        return
    if not result.tiers:
        console.print(f"no supplier declarations upstream of {escape(entity)!r}")
        return
    if result.entity != entity:
        console.print(f"tracing {escape(result.entity)} (the declared party closest to the name)")
    table = Table("tier", "buyer", "supplier", "material", "country", "flag")
    for row in result.tiers:
        table.add_row(
            str(row.tier), row.buyer, row.supplier, row.material, row.country, row.flag or ""
        )
    console.print(table)
    if result.nearest is None:
        console.print("no listed or XUAR supplier upstream")
    else:
        near = result.nearest
        console.print(
            f"nearest flagged: tier {near.tier} {escape(near.supplier)}: {escape(near.flag or '')}"
        )


def _print_state(state: detentions.DetentionState) -> None:
    line = f"{state.entry_number}/{state.line_number}"
    console.print(f"[bold]{state.id}[/] line {line}: {state.status}, ${state.value_usd}")
    for event in state.events:
        detail = ", ".join(f"{k}={v}" for k, v in event.detail.items())
        head = f"  {event.occurred_on} {event.kind:<14} {event.actor}"
        console.print(f"{head}: {escape(event.reason)} {escape(detail)}")
    for clock in state.clocks:
        head = f"  clock {clock.deadline.label}: due {clock.due} ({clock.state})"
        console.print(f"{head} - {clock.deadline.citation}")


@detentions_app.command("open")
def detentions_open(entry_number: str, line_number: int, reason: Reason, on: OnDate = None) -> None:
    """Detain a flagged entry line."""
    with store_session() as session:
        state = detentions.open_detention(
            session, entry_number, line_number, cli_actor(), reason, on
        )
    _print_state(state)


@detentions_app.command("record")
def detentions_record(
    detention_id: str,
    kind: Annotated[
        str,
        typer.Argument(help="notice_sent, presented, submission, document, protest_filed, note"),
    ],
    reason: Reason,
    on: OnDate = None,
    title: Annotated[str, typer.Option(help="a document's title")] = "",
    dated: Annotated[str, typer.Option(help="the date the document bears")] = "",
) -> None:
    """Append a step to a detention's ledger."""
    detail = {"title": title, "dated": dated}
    with store_session() as session:
        state = detentions.record_step(session, detention_id, kind, cli_actor(), reason, on, detail)
    _print_state(state)


@detentions_app.command("decide")
def detentions_decide(
    detention_id: str,
    outcome: Annotated[str, typer.Argument(help="released, excluded or seized")],
    reason: Reason,
    on: OnDate = None,
    correction: Annotated[bool, typer.Option(help="correct an earlier decision")] = False,
) -> None:
    """Decide a detention: release, exclusion or seizure."""
    with store_session() as session:
        state = detentions.decide(
            session, detention_id, outcome, cli_actor(), reason, on, correction
        )
    _print_state(state)


@detentions_app.command("show")
def detentions_show(detention_id: str) -> None:
    """One detention: its ledger and its clocks."""
    with store_session() as session:
        _print_state(detentions.detention_state(session, detention_id))


@detentions_app.command("list")
def detentions_list(
    all_: Annotated[bool, typer.Option("--all", help="closed ones too")] = False,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """The detention queue, the clock running out first at the top."""
    with store_session() as session:
        states = detentions.list_detentions(session, open_only=not all_)
    columns = ("detention", "line", "status", "next deadline", "due", "value (USD)")
    print_rows(output, columns, [_queue_row(state) for state in states])


def _queue_row(state: detentions.DetentionState) -> tuple[Cell, ...]:
    due = state.next_due
    return (
        state.id,
        f"{state.entry_number}/{state.line_number}",
        state.status,
        due.deadline.label if due else "",
        due.due if due else "",
        state.value_usd,
    )


@detentions_app.command("figures")
def detentions_figures(
    year: Annotated[int | None, typer.Option(help="one fiscal year")] = None,
) -> None:
    """Detained, released, excluded and seized per fiscal year (1 Oct - 30 Sep), with values."""
    with store_session() as session:
        rows = detentions.figures(detentions.list_detentions(session, date.today()))
    table = Table(
        "FY", "detained", "released", "excluded", "seized", "value detained", "value seized"
    )
    for row in rows:
        if year is None or row.fiscal_year == year:
            table.add_row(*_figure_cells(row))
    console.print(table)


def _figure_cells(row: detentions.YearFigures) -> list[Any]:
    return [
        f"FY{row.fiscal_year}",
        str(row.detained),
        str(row.released),
        str(row.excluded),
        str(row.seized),
        f"{row.value_detained:,.2f}",
        f"{row.value_seized:,.2f}",
    ]


suppliers_load.__doc__ = f"{suppliers_load.__doc__}\n\n    CSV {tiers.SUPPLIER_COLUMNS.help_text()}"
screen.__doc__ = f"{screen.__doc__}\n\n    Entry lines: {entries.ENTRY_COLUMNS.help_text()}"
