"""The `ctip networks` commands: load ads, build networks, list and show them, make test ads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ctip.commands.common import (
    FormatOption,
    OutputFormat,
    StrictOption,
    WarningsOption,
    cli_actor,
    print_rows,
    progress_bar,
    report_warnings,
    reports_errors,
    store_session,
)
from ctip.ingest.values import reject_if_strict
from ctip.model.errors import NotFound
from ctip.networks import profile, service
from ctip.networks.ads import FIELDS, REQUIRED, parse_ads_report
from ctip.networks.synthetic import generate

app = typer.Typer(help="Online ads and the networks behind them.", no_args_is_help=True)
ads_app = typer.Typer(help="Online ads.", no_args_is_help=True)
app.add_typer(ads_app, name="ads")
console = Console()


@ads_app.command("load")
def ads_load(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    strict: StrictOption = False,
    warnings: WarningsOption = None,
) -> None:
    """Load ads from JSON lines or CSV: every row validated, all or nothing, idempotent."""

    data = file.read_bytes()
    with reports_errors("nothing was loaded"):
        _ads, warned = parse_ads_report(data, file.name)
        reject_if_strict(file.name, warned, strict)
    report_warnings(file.name, warned, warnings)
    with store_session("nothing was loaded") as session, progress_bar() as progress:
        task = progress.add_task(f"loading {file.name}", total=None)
        outcome = service.load_ads(
            session, data, file.name, cli_actor(), lambda n: progress.advance(task, n)
        )
    if outcome.already_imported:
        console.print(f"{file.name} was already loaded: nothing changed")
        return
    console.print(
        f"loaded {outcome.ads_new} new ads from {file.name} "
        f"({outcome.ads_seen_again} already stored, unchanged)"
    )


ads_load.__doc__ = (
    f"{ads_load.__doc__}\n\n    Fields: required {', '.join(REQUIRED)}; optional "
    f"{', '.join(f for f in FIELDS if f not in REQUIRED)} (phones, emails, image_hashes "
    "separated by ';' or '|')."
)


@ads_app.command("generate")
def ads_generate(
    out: Annotated[Path, typer.Option(help="JSON-lines file to write")],
    ads: Annotated[int, typer.Option(min=1, max=10_000_000)] = 500,
    networks: Annotated[int, typer.Option(min=0)] = 4,
    seed: int = 2021,
    truth: Annotated[Path | None, typer.Option(help="CSV of ad key and true poster")] = None,
) -> None:
    """Write synthetic ads with planted networks (for training and tests; nothing real)."""
    world = generate(ads, networks, seed)
    with out.open("w", encoding="utf-8") as stream:
        for row in world.ads:
            stream.write(json.dumps(row, ensure_ascii=False) + "\n")
    if truth is not None:
        lines = ["ad,poster"] + [f"{key},{label}" for key, label in world.truth.items()]
        truth.write_text("\n".join(lines) + "\n", encoding="utf-8")
    console.print(f"wrote {len(world.ads)} synthetic ads ({networks} planted networks) to {out}")


@app.command("build")
def build() -> None:
    """Link every ad by shared identifiers and reused text; store the networks (stable ids)."""

    with store_session() as session, progress_bar() as progress:
        progress.add_task("linking ads and building networks", total=None)
        outcome = service.build_networks(session, cli_actor())
    console.print(
        f"build {outcome.build_id}: {outcome.ads} ads, {outcome.links} links, "
        f"{outcome.networks} networks ({outcome.kept_ids} kept their id, {outcome.new_ids} new, "
        f"{outcome.merged} merged into others, {outcome.dissolved} dissolved)"
    )


@app.command("list")
def list_networks(
    limit: Annotated[int, typer.Option(min=1, max=profile.MAX_LIMIT)] = 50,
    phone: Annotated[str | None, typer.Option(help="only networks holding this phone")] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Networks, most ads first."""

    with store_session() as session:
        if phone:
            found = profile.networks_with(session, "phone", phone)
        else:
            found = profile.list_networks(session, limit)
    columns = ("id", "ads", "first posted", "last posted", "top indicator score", "status")
    rows = [
        (
            n.id,
            n.ad_count,
            n.first_posted[:10],
            n.last_posted[:10],
            round(n.max_indicator_score, 2),
            n.status,
        )
        for n in found
    ]
    print_rows(output, columns, rows)
    if output is OutputFormat.TABLE:
        console.print(f"{len(found)} network(s)")


@app.command("show")
def show(network_id: str) -> None:
    """One network: its circuit, identifiers, indicators and the evidence for each link."""

    with store_session() as session:
        found = profile.network_profile(session, network_id)
    if found is None:
        raise NotFound(f"no network {network_id!r}")
    s = found.summary
    console.print(
        f"[bold]{s.id}[/] {s.status}: {s.ad_count} ads, {s.first_posted} - {s.last_posted}"
    )
    if s.replaced_by:
        console.print(f"merged into {s.replaced_by}")
    _table(
        "circuit",
        ("city", "from", "to", "ads"),
        [(c.city, c.first_day, c.last_day, c.ads) for c in found.circuit],
    )
    _table(
        "identifiers",
        ("kind", "value", "ads"),
        [(i.kind, i.value, i.ads) for i in found.identifiers],
    )
    _table(
        "indicators",
        ("indicator", "title", "ads"),
        [(i.rule_id, i.title, i.ads) for i in found.indicators],
    )
    _table(
        "links",
        ("ad", "ad", "evidence", "value", "text likeness"),
        [
            (k.ad_a, k.ad_b, k.kind, k.value, "" if k.similarity is None else f"{k.similarity:.2f}")
            for k in found.links
        ],
    )


def _table(title: str, columns: tuple[str, ...], rows: list[tuple[object, ...]]) -> None:
    table = Table(*columns, title=title)
    for row in rows:
        table.add_row(*(str(v) for v in row))
    console.print(table)
