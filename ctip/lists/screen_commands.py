"""The `ctip screen` command: plain names against any loaded list."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ctip.authz import audit
from ctip.commands.common import cli_actor, errors, open_database, reports_errors
from ctip.lists.governance import entries_in_effect
from ctip.matching.scoring import DEFAULT_THRESHOLD
from ctip.matching.screening import Hit, read_queries, screen_names, write_hits
from ctip.matching.types import ListEntry, MatchQuery

console = Console()


def screen(
    queries: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, metavar="QUERIES.csv")
    ],
    list_name: Annotated[str, typer.Option("--list", help="the loaded list to screen against")],
    out: Annotated[Path, typer.Option("--out", help="where to write the hits CSV")],
    threshold: Annotated[
        float, typer.Option(min=0.01, max=1.0, help="score from which a hit is a match")
    ] = DEFAULT_THRESHOLD,
    edition: Annotated[
        str | None,
        typer.Option(
            help="list edition; default: the one in effect (approved, for an official list)"
        ),
    ] = None,
) -> None:
    """Screen a CSV of names (id, name; optional schema, country, birth_date, address)."""

    with reports_errors("nothing was screened"):
        parsed = read_queries(queries.read_bytes(), queries.name)
    with open_database() as database, database.session() as session:
        entries = entries_in_effect(session, list_name, edition)
        hits = _screen_with_progress(parsed, entries, threshold)
        out.write_text(write_hits(hits), encoding="utf-8")
        audit.record(
            session,
            cli_actor(),
            "screen.run",
            f"list:{list_name}",
            {"queries": len(parsed), "hits": len(hits), "threshold": threshold},
        )
    matches = sum(1 for hit in hits if hit.is_match)
    console.print(
        f"screened {len(parsed)} names against {list_name} ({len(entries)} entries): "
        f"{matches} match(es), {len(hits) - matches} near miss(es); written to {out}"
    )


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
