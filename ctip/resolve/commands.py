"""The `ctip resolve` command and the `ctip clusters ...` group (judgements)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ctip.commands.common import (
    FormatOption,
    OutputFormat,
    RegionOption,
    StrictOption,
    WarningsOption,
    cli_actor,
    fail,
    print_rows,
    progress_bar,
    report_warnings,
    reports_errors,
    store_session,
)
from ctip.model.csvsafe import safe_text
from ctip.model.errors import InvalidInput
from ctip.resolve import pipeline, service
from ctip.resolve.engine import DEFAULT_THRESHOLD, Engine
from ctip.resolve.pipeline import Kind
from ctip.resolve.records import read_csv_report

clusters_app = typer.Typer(help="Resolved clusters and analysts' judgements.", no_args_is_help=True)
console = Console()
STEPS = 5


@contextmanager
def _steps(total: int) -> Iterator[pipeline.Step]:
    """A rich progress bar advanced one step per stage of the resolution."""
    with progress_bar() as progress:
        task = progress.add_task("resolving", total=total)

        def step(description: str) -> None:
            progress.update(task, description=description, advance=1)

        yield step


def _write_clusters(out: Path, assignment: dict[str, str]) -> None:
    with out.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "cluster_id"])
        rows = assignment.items()
        writer.writerows((safe_text(record), safe_text(cluster)) for record, cluster in rows)


def resolve_file(
    records: Annotated[
        Path | None, typer.Argument(dir_okay=False, help="CSV: id and any of name, first_name, ...")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="where to write id,cluster_id")] = None,
    engine: Annotated[Engine, typer.Option(help="duckdb or spark (local mode)")] = Engine.DUCKDB,
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="match probability that links two records")
    ] = DEFAULT_THRESHOLD,
    region: RegionOption = None,
    strict: StrictOption = False,
    warnings: WarningsOption = None,
    store: Annotated[
        bool, typer.Option("--store", help="resolve the store's people and organisations")
    ] = False,
    schema: Annotated[
        Kind,
        typer.Option(
            help="person: names by given name and surname; organisation: whole names, legal "
            "forms out, rare words count most; auto: a name with a legal form (ltd, gmbh, llc) "
            "is an organisation, and people and organisations are never joined"
        ),
    ] = Kind.AUTO,
    link_only: Annotated[
        bool,
        typer.Option(
            "--link-only", help="link only records from different sources (two lists matched)"
        ),
    ] = False,
) -> None:
    """Resolve a plain CSV of records into clusters, or (--store) the entities in the store."""
    if store:
        _resolve_store(engine, threshold)
        return
    if records is None or out is None:
        raise fail("give RECORDS.csv and --out CLUSTERS.csv (or --store)")
    if not records.is_file():
        raise fail(f"{records} is not a readable file")
    with _steps(STEPS) as step:
        step(f"reading {records.name}")
        try:
            with reports_errors("nothing was resolved"):
                text = records.read_text(encoding="utf-8-sig")
                read = read_csv_report(text, records.name, None, region, strict)
        except UnicodeDecodeError:
            raise fail(f"{records.name} is not UTF-8 text", InvalidInput.exit_code) from None
        report_warnings(records.name, read.warnings, warnings)
        rows = read.records
        with reports_errors("nothing was resolved"):
            resolution = pipeline.resolve_records(
                rows, engine, threshold, step=step, kind=schema, link_only=link_only
            )
        step(f"writing {out.name}")
        _write_clusters(out, resolution.assignment)
    clusters = len(set(resolution.assignment.values()))
    console.print(
        f"resolved {len(rows)} records into {clusters} clusters "
        f"({len(resolution.pairs)} links at p >= {threshold}); wrote {out}"
    )


def _resolve_store(engine: Engine, threshold: float) -> None:

    with store_session() as session, _steps(2 * STEPS) as step:
        runs = service.resolve_store(session, cli_actor(), engine, threshold, step)
    if not runs:
        console.print("fewer than two people or organisations in the store: nothing to resolve")
    for run in runs:
        console.print(
            f"run {run.id} ({run.kind}): {run.record_count} records, {run.link_count} links, "
            f"{run.new_cluster_count} new clusters, {run.merge_count} merges"
        )


@clusters_app.command("show")
def clusters_show(
    ref: Annotated[str, typer.Argument(help="a cluster id (even a replaced one) or record id")],
) -> None:
    """A cluster: its records, the links with their evidence, and the judgements on it."""

    with store_session() as session:
        view = service.get_cluster(session, ref)
    if view.cluster_id != ref:
        console.print(f"{ref} -> [bold]{view.cluster_id}[/]")
    _print_records(view)
    _print_links(view)
    for j in view.judgements:
        console.print(
            f"judged {j.decision}: {j.left_ref} / {j.right_ref} "
            f"by {j.actor} at {j.judged_at}: {j.why}"
        )


def _print_records(view: service.ClusterView) -> None:
    columns = ["id", "source", "name", "birth_date", "address", "phone", "email", "id_number"]
    table = Table(*columns, title=f"cluster {view.cluster_id}")
    for record in view.records:
        table.add_row(*(str(record.get(c) or "") for c in columns))
    console.print(table)
    if view.replaced_ids:
        console.print(f"absorbed ids: {', '.join(view.replaced_ids)}")


def _print_links(view: service.ClusterView) -> None:
    for link in view.links:
        console.print(
            f"[bold]{link.left_id}[/] ~ [bold]{link.right_id}[/]: "
            f"p={link.match_probability:.4f}, weight {link.match_weight:+.2f}"
        )
        for e in link.evidence:
            if e["match_weight"]:
                console.print(
                    f"    {e['comparison']:<11} {e['match_weight']:+7.2f}  {e['level']} "
                    f"({e['left']} / {e['right']})",
                    highlight=False,
                )


@clusters_app.command("judge")
def clusters_judge(
    left: str,
    right: str,
    why: Annotated[str, typer.Option(help="the reason, for whoever reviews this later")],
    same: Annotated[
        bool | None, typer.Option("--same/--different", help="the same person or organisation?")
    ] = None,
) -> None:
    """Record that two records or clusters are (--same) or are not (--different) one entity."""

    if same is None:
        raise fail("say --same or --different")
    with store_session() as session:
        outcome = service.judge(session, cli_actor(), left, right, same, why)
    console.print(f"judgement {outcome.judgement_id} ({outcome.decision}): {outcome.effect}")


@clusters_app.command("history")
def clusters_history(ref: str, output: FormatOption = OutputFormat.TABLE) -> None:
    """Everything that happened to a cluster and to the ids it absorbed."""

    with store_session() as session:
        events = service.history(session, ref)
    rows = [(e.at, e.cluster_id, e.event, json.dumps(e.detail), e.actor) for e in events]
    print_rows(output, ("at", "cluster", "event", "detail", "by"), rows)
