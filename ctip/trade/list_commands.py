"""The `ctip trade lists ...` commands and `ctip trade parse-listing`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from ctip.commands.common import fail
from ctip.ingest.errors import FileRejected
from ctip.lists.commands import EditionOption, ReadableFile, load_prepared
from ctip.trade.lists import TVPRA_LIST, UFLPA_LIST, WRO_LIST
from ctip.trade.lists.orders import prepare_orders
from ctip.trade.lists.tvpra import prepare_tvpra, read_tvpra, tvpra_diff
from ctip.trade.lists.uflpa import prepare_uflpa, sample_bytes
from ctip.trade.lists.wro import parse_listing as parse_entity_string

app = typer.Typer(
    help="Forced-labour lists: WROs and Findings, UFLPA, TVPRA.", no_args_is_help=True
)
console = Console()
ListName = Annotated[str, typer.Option("--name", help="the list to load into")]


@app.command("load-wro")
def load_wro(file: ReadableFile, name: ListName = WRO_LIST, edition: EditionOption = None) -> None:
    """Load CBP's WRO/Findings table (CSV or XLSX: date, country, entity, merchandise, ...)."""
    load_prepared(file, name, prepare_orders, edition, "wro")


@app.command("load-uflpa")
def load_uflpa(
    file: Annotated[
        Path | None, typer.Argument(exists=True, dir_okay=False, help="the official CSV")
    ] = None,
    sample: Annotated[bool, typer.Option(help="load the excerpt shipped with ctip")] = False,
    name: ListName = UFLPA_LIST,
    edition: EditionOption = None,
) -> None:
    """Load the UFLPA Entity List (CSV: name, aliases, address, country, date_added, section)."""

    if (file is None) == (not sample):
        raise fail("give the official CSV file, or --sample for the shipped excerpt")
    if file is None:
        _load_sample(name, edition)
        return
    load_prepared(file, name, prepare_uflpa, edition, "uflpa")


def _load_sample(name: str, edition: str | None) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "uflpa_sample.csv"
        path.write_bytes(sample_bytes())
        load_prepared(path, name, prepare_uflpa, edition, "uflpa")


@app.command("load-tvpra")
def load_tvpra(
    file: ReadableFile, name: ListName = TVPRA_LIST, edition: EditionOption = None
) -> None:
    """Load a DOL TVPRA goods list CSV (the 2023 snapshot or the 2016 official shape)."""
    load_prepared(
        file, name, lambda data, fname, _list: prepare_tvpra(data, fname), edition, "tvpra"
    )


@app.command("tvpra-diff")
def tvpra_diff_command(old: ReadableFile, new: ReadableFile) -> None:
    """Goods x country added and removed, and labour-type changes, between two TVPRA files."""

    try:
        result = tvpra_diff(
            read_tvpra(old.read_bytes(), old.name), read_tvpra(new.read_bytes(), new.name)
        )
    except FileRejected as error:
        for row_error in error.errors:
            console.print(f"{escape(error.file_name)}: {escape(str(row_error))}", highlight=False)
        raise fail(f"{error.file_name}: {error.total_errors} bad row(s)") from None
    for x in result.added:
        console.print(
            f"[green]+ {escape(x.good)} / {escape(x.country_name)}[/] {', '.join(x.labour)}"
        )
    for x in result.removed:
        console.print(
            f"[red]- {escape(x.good)} / {escape(x.country_name)}[/] {', '.join(x.labour)}"
        )
    for c in result.changed:
        console.print(
            f"[yellow]~ {escape(c.good)} / {c.country}[/] {', '.join(c.old)} -> {', '.join(c.new)}"
        )
    console.print(
        f"{len(result.added)} added, {len(result.removed)} removed, "
        f"{len(result.changed)} with changed labour types"
    )


def parse_listing(
    text: Annotated[str, typer.Argument(help="one CBP WRO/Finding entity string")],
) -> None:
    """Print the entities parsed from one CBP WRO/Finding entity string as JSON."""
    listing = parse_entity_string(text)
    print(json.dumps([p.to_json() for p in listing.parties], ensure_ascii=False, indent=2))
    for rule in listing.rules:
        typer.echo(
            f"place-wide order (not a name): {rule.goods} from {rule.place} ({rule.country})",
            err=True,
        )
