"""The `ctip screen` command: plain names against any loaded list."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ctip.authz import audit
from ctip.commands.common import (
    FormatOption,
    OutputFormat,
    RegionOption,
    StrictOption,
    WarningsOption,
    cli_actor,
    default_region,
    errors,
    open_database,
    print_rows,
    report_warnings,
    reports_errors,
)
from ctip.lists import store
from ctip.lists.formats import HIT_COLUMNS, find_list, hit_record, hits_csv, hits_json
from ctip.lists.governance import entries_in_effect
from ctip.lists.readers import QUERY_COLUMNS, read_query_file
from ctip.matching.scoring import DEFAULT_THRESHOLD
from ctip.matching.screening import Hit, screen_names
from ctip.matching.types import ListEntry, MatchQuery

console = Console(stderr=True)


def screen(
    queries: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, metavar="QUERIES.csv")
    ],
    list_name: Annotated[
        str, typer.Option("--list", help="the loaded list to screen against (any case)")
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", dir_okay=False, help="where to write the hits; default: stdout"),
    ] = None,
    output: FormatOption = OutputFormat.CSV,
    threshold: Annotated[
        float, typer.Option(min=0.01, max=1.0, help="score from which a hit is a match")
    ] = DEFAULT_THRESHOLD,
    edition: Annotated[
        str | None,
        typer.Option(
            help="list edition; default: the one in effect (approved, for an official list)"
        ),
    ] = None,
    region: RegionOption = None,
    strict: StrictOption = False,
    warnings: WarningsOption = None,
) -> None:
    """Screen a CSV of names against a loaded list; write every match and near miss.

    The hits have the columns query_id, query_name, list, edition, entity_id (the list's own
    id), listed_name, matched_alias, score, match (true/false) and explanation.
    """
    with reports_errors("nothing was screened"):
        read = read_query_file(queries.read_bytes(), queries.name, default_region(region), strict)
    report_warnings(queries.name, read.warnings, warnings)
    with open_database() as database, reports_errors(), database.session() as session:
        chosen = find_list((s.list_name for s in store.list_summaries(session)), list_name)
        entries = entries_in_effect(session, chosen, edition)
        hits = _screen_with_progress(read.queries, entries, threshold)
        audit.record(
            session,
            cli_actor(),
            "screen.run",
            f"list:{chosen}",
            {"queries": len(read.queries), "hits": len(hits), "threshold": threshold},
        )
    _write(hits, {q.query_id: q.name for q in read.queries}, output, out)
    matches = sum(1 for hit in hits if hit.is_match)
    where = f"; written to {out}" if out is not None else ""
    console.print(
        f"screened {len(read.queries)} names against {chosen} ({len(entries)} entries): "
        f"{matches} match(es), {len(hits) - matches} near miss(es){where}",
        highlight=False,
    )


screen.__doc__ = f"{screen.__doc__}\n\n    {QUERY_COLUMNS.help_text()}"


def _write(hits: list[Hit], names: dict[str, str], output: OutputFormat, out: Path | None) -> None:
    """The hits in the chosen format, to the file or to standard output."""
    if output is OutputFormat.TABLE and out is None:
        rows = [tuple(hit_record(hit, names).values()) for hit in hits]
        print_rows(output, HIT_COLUMNS, rows)
        return
    text = hits_json(hits, names) if output is OutputFormat.JSON else hits_csv(hits, names)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


def _screen_with_progress(
    parsed: list[MatchQuery], entries: list[ListEntry], threshold: float
) -> list[Hit]:
    """Run the screening under a progress bar on stderr."""

    columns = (
        TextColumn("screening"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=errors, transient=True) as progress:
        task = progress.add_task("screening", total=len(parsed))
        return screen_names(parsed, entries, threshold, lambda n: progress.advance(task, n))
