"""The `ctip trade lists ...` commands and `ctip trade parse-listing`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from ctip.commands.common import StrictOption, WarningsOption, fail
from ctip.ingest.errors import FileRejected
from ctip.lists.commands import EditionOption, ReadableFile, load_prepared
from ctip.lists.readers import PreparedList
from ctip.trade.lists import TVPRA_LIST, UFLPA_LIST, WRO_LIST
from ctip.trade.lists.orders import ORDER_COLUMNS, prepare_orders
from ctip.trade.lists.tvpra import TVPRA_COLUMNS, prepare_tvpra, read_tvpra, tvpra_diff
from ctip.trade.lists.uflpa import UFLPA_COLUMNS, prepare_uflpa, sample_bytes
from ctip.trade.lists.wro import parse_listing as parse_entity_string

app = typer.Typer(
    help="Forced-labour lists: WROs and Findings, UFLPA, TVPRA.", no_args_is_help=True
)
console = Console()
ListName = Annotated[str, typer.Option("--name", help="the list to load into")]


@app.command("load-wro")
def load_wro(
    file: ReadableFile,
    name: ListName = WRO_LIST,
    edition: EditionOption = None,
    strict: StrictOption = False,
    warnings: WarningsOption = None,
) -> None:
    """Load CBP's WRO/Findings table (CSV or XLSX). A date, country, type or status that
    cannot be read is kept as written, not used, and warned about."""
    load_prepared(file, name, prepare_orders, edition, "wro", strict, warnings)


@app.command("load-uflpa")
def load_uflpa(
    file: Annotated[
        Path | None, typer.Argument(exists=True, dir_okay=False, help="the official CSV")
    ] = None,
    sample: Annotated[bool, typer.Option(help="load the excerpt shipped with ctip")] = False,
    name: ListName = UFLPA_LIST,
    edition: EditionOption = None,
    strict: StrictOption = False,
    warnings: WarningsOption = None,
) -> None:
    """Load the UFLPA Entity List (CSV). A date, country or section that cannot be read is
    kept as written, not used, and warned about."""

    if (file is None) == (not sample):
        raise fail("give the official CSV file, or --sample for the shipped excerpt")
    if file is None:
        _load_sample(name, edition)
        return
    load_prepared(file, name, prepare_uflpa, edition, "uflpa", strict, warnings)


def _load_sample(name: str, edition: str | None) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "uflpa_sample.csv"
        path.write_bytes(sample_bytes())
        load_prepared(path, name, prepare_uflpa, edition, "uflpa")


@app.command("load-tvpra")
def load_tvpra(
    file: ReadableFile,
    name: ListName = TVPRA_LIST,
    edition: EditionOption = None,
    strict: StrictOption = False,
    warnings: WarningsOption = None,
) -> None:
    """Load a DOL TVPRA goods list, CSV or XLSX (the 2023 snapshot or the 2016 official
    shape; at least one labour column). A country or labour flag that cannot be read is kept
    as written, not used, and warned about."""
    load_prepared(file, name, _prepare_tvpra, edition, "tvpra", strict, warnings)


def _prepare_tvpra(data: bytes, file_name: str, _list_name: str) -> PreparedList:
    return prepare_tvpra(data, file_name)


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


load_wro.__doc__ = f"{load_wro.__doc__}\n\n    {ORDER_COLUMNS.help_text()}"
load_uflpa.__doc__ = f"{load_uflpa.__doc__}\n\n    {UFLPA_COLUMNS.help_text()}"
load_tvpra.__doc__ = f"{load_tvpra.__doc__}\n\n    {TVPRA_COLUMNS.help_text()}"


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
