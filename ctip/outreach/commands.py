"""The `ctip outreach` commands: record trainings, presentations, partners and materials, load
them from CSV, and list them. Thin adapters over `ctip.outreach` services."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ctip.commands.common import (
    FormatOption,
    OutputFormat,
    cli_actor,
    console,
    print_rows,
    store_session,
)
from ctip.outreach import imports, listings, records
from ctip.outreach.records import ActivityKind, NewActivity, NewPartner
from ctip.store.paging import PageQuery

app = typer.Typer(help="Trainings, presentations, partners and materials.", no_args_is_help=True)
add_app = typer.Typer(help="Record one training, presentation, partner or material.")
load_app = typer.Typer(help="Load outreach records from CSV (all or nothing, once per file).")
app.add_typer(add_app, name="add", no_args_is_help=True)
app.add_typer(load_app, name="load", no_args_is_help=True)

Title = Annotated[str, typer.Option("--title", help="the course or presentation title")]
On = Annotated[str, typer.Option("--on", help="the day it was held, YYYY-MM-DD")]
Attendees = Annotated[int, typer.Option("--attendees", help="how many attended")]
Audience = Annotated[str, typer.Option("--audience", help="who attended (TSA officers...)")]
Place = Annotated[str, typer.Option("--place", help="city, airport, academy")]
ReadableFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]


def _add_activity(activity: NewActivity) -> None:
    """Store it and print a line for people, then the new id alone on the last line."""
    with store_session() as session:
        stored = records.add_activity(session, activity, cli_actor())
    console.print(
        f"recorded {stored.kind} by {stored.component} on {stored.held_on}: "
        f"{stored.attendees} attendee(s)",
        highlight=False,
    )
    typer.echo(str(stored.id))


@add_app.command("presentation")
def add_presentation(
    title: Title,
    on: On,
    attendees: Attendees,
    component: Annotated[
        str, typer.Option("--component", help="who gave it (default: the Blue Campaign)")
    ] = "",
    audience: Audience = "",
    place: Place = "",
) -> None:
    """Record a presentation (without --component it is the Blue Campaign's)."""
    kind = ActivityKind.PRESENTATION
    _add_activity(NewActivity.checked(kind, title, on, attendees, component, audience, place))


@add_app.command("training")
def add_training(
    title: Title,
    on: On,
    attendees: Attendees,
    component: Annotated[str, typer.Option("--component", help="who delivered it (FLETC...)")],
    audience: Audience = "",
    place: Place = "",
) -> None:
    """Record a training delivered by a component to officers or staff."""
    kind = ActivityKind.TRAINING
    _add_activity(NewActivity.checked(kind, title, on, attendees, component, audience, place))


@add_app.command("partner")
def add_partner(
    name: Annotated[str, typer.Option("--name", help="the organisation")],
    joined: Annotated[str, typer.Option("--joined", help="the day it joined, YYYY-MM-DD")],
    initiative: Annotated[
        str, typer.Option("--initiative", help="default: the Blue Lightning Initiative")
    ] = "",
    sector: Annotated[str, typer.Option("--sector", help="airline, airport...")] = "",
) -> None:
    """Record an organisation joining an initiative; prints the new id on the last line."""
    with store_session() as session:
        partner = NewPartner.checked(name, joined, initiative, sector)
        stored = records.add_partner(session, partner, cli_actor())
    console.print(f"recorded {stored.name} joining {stored.initiative}", highlight=False)
    typer.echo(str(stored.id))


@add_app.command("material")
def add_material(
    title: Title,
    on: On,
    quantity: Annotated[int, typer.Option("--quantity", help="how many were handed out")],
    component: Annotated[str, typer.Option("--component")] = "",
    place: Place = "",
) -> None:
    """Record awareness materials handed out; prints the new id on the last line."""
    with store_session() as session:
        new_id = records.add_material(
            session, title, on, quantity, cli_actor(), component=component, place=place
        )
    typer.echo(str(new_id))


def _print_load(outcome: imports.OutreachLoad) -> None:
    if outcome.already_loaded:
        console.print(f"{outcome.file_name} was already loaded: nothing changed")
    else:
        console.print(f"loaded {outcome.file_name}: {outcome.rows} record(s)", highlight=False)


@load_app.command("activities")
def load_activities(file: ReadableFile) -> None:
    """Trainings and presentations: kind,title,component,audience,date,place,attendees."""
    with store_session() as session:
        outcome = imports.load_activities(session, file.read_bytes(), file.name, cli_actor())
    _print_load(outcome)


@load_app.command("partners")
def load_partners(file: ReadableFile) -> None:
    """Partners: name,initiative,sector,joined."""
    with store_session() as session:
        outcome = imports.load_partners(session, file.read_bytes(), file.name, cli_actor())
    _print_load(outcome)


@app.command("list")
def list_activities(
    fy: Annotated[int | None, typer.Option("--fy", help="one fiscal year only")] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Trainings and presentations, newest first."""
    query = PageQuery(per_page=0, sort="held_on", descending=True)
    with store_session() as session:
        rows = [
            (a.id, a.held_on, a.kind, a.component, a.audience, a.title, a.place, a.attendees)
            for a in listings.activities(fy).every(session, query)
        ]
    columns = ("id", "held_on", "kind", "component", "audience", "title", "place", "attendees")
    print_rows(output, columns, rows, title="Outreach")
