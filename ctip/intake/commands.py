"""`ctip intake ...`: the analyst's tip queue, a tip with its connections, triage decisions;
the allegation queue; and a listing of screenings (oversight).

    ctip intake tips list [--status new] [--format table|csv|json]
    ctip intake tips show TIP
    ctip intake tips triage TIP --accept CASE_ID | --refer AGENCY | --close  --why "..."
    ctip intake allegations list | show TIP
    ctip intake screenings list [--officer NAME]
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from ctip.authz import audit
from ctip.commands.common import (
    FormatOption,
    OutputFormat,
    cli_actor,
    fail,
    print_rows,
    store_session,
)
from ctip.intake import allegations, queues, tips, triage
from ctip.store.entities import NOTHING_HIDDEN
from ctip.store.paging import PageQuery

app = typer.Typer(
    help="Tips, forced-labour allegations and encounter screenings.", no_args_is_help=True
)
tips_app = typer.Typer(help="The tip queue and triage.", no_args_is_help=True)
allegations_app = typer.Typer(help="Forced-labour allegations.", no_args_is_help=True)
screenings_app = typer.Typer(help="Encounter screenings.", no_args_is_help=True)
app.add_typer(tips_app, name="tips")
app.add_typer(allegations_app, name="allegations")
app.add_typer(screenings_app, name="screenings")

StatusOption = Annotated[
    str, typer.Option("--status", help="new, accepted, referred or closed (all when left out)")
]
LimitOption = Annotated[int, typer.Option("--limit", min=1, max=100_000, help="at most this many")]
TipArgument = Annotated[str, typer.Argument(help="the tip id, e.g. TIP-7KQ2M9XH3D")]
TIP_COLUMNS = ("tip", "received_at", "status", "activity", "channel", "location", "narrative")
ALLEGATION_COLUMNS = ("tip", "received_at", "status", "company", "goods", "country", "ilo")


def _tips(queue: str, status: str, limit: int) -> list[tips.Tip]:
    if status and status not in tips.STATUSES:
        raise fail(f"--status must be one of {', '.join(tips.STATUSES)}", 2)
    query = PageQuery(
        per_page=limit, sort="received", descending=True, filters=(("status", status),)
    )
    with store_session() as session:
        return queues.tip_listing(queue).page(session, query).rows


@tips_app.command("list")
def list_tips(
    status: StatusOption = "", limit: LimitOption = 1000, output: FormatOption = OutputFormat.TABLE
) -> None:
    """The tip queue, newest first."""
    rows = [
        (t.id, t.received_at, t.status, t.activity, t.channel, t.reporter_location, t.summary)
        for t in _tips(queues.TIPS, status, limit)
    ]
    print_rows(output, TIP_COLUMNS, rows, title="Tips")


def _show(tip_id: str, queue: str) -> None:
    with store_session() as session:
        tip = tips.get_tip(session, tip_id)
        if tip.is_allegation != (queue == queues.ALLEGATIONS):
            raise fail(f"{tip_id} is not in the {queue} queue", 3)
        audit.record(session, cli_actor(), "intake_tip.read", f"{tips.STREAM_KIND}:{tip_id}")
        # the terminal is the database's own operator, as for `ctip entities`: nothing hidden
        if tip.is_allegation:
            explanation = allegations.review(session, tip, NOTHING_HIDDEN).explanation
        else:
            explanation = triage.tip_links(session, tip, NOTHING_HIDDEN).explanation
        history = tips.history(session, tip_id)
    typer.echo(
        f"{tip.id}  {tip.status}  {tip.activity}  received {tip.received_at} ({tip.channel})"
    )
    typer.echo(tip.narrative)
    for label, values in (("persons", tip.persons), ("phones", tip.phones), ("emails", tip.emails)):
        if values:
            typer.echo(f"{label}: {'; '.join(values)}")
    if tip.is_allegation:
        typer.echo(f"company: {tip.company}  goods: {tip.goods}  country: {tip.country.upper()}")
    typer.echo(f"\n{explanation.outcome}: {explanation.text()}")
    for event in history:
        extra = json.dumps(event.payload, ensure_ascii=False) if event.payload else ""
        typer.echo(f"{event.at} {event.actor} {event.kind}: {event.reason} {extra}".rstrip())


@tips_app.command("show")
def show_tip(tip_id: TipArgument) -> None:
    """A tip, the tips and store records it connects to (explained), its decisions."""
    _show(tip_id, queues.TIPS)


def _decision(accept: str, refer: str, close: bool, why: str) -> tips.Decision:
    chosen = [
        name for name, given in (("accept", accept), ("refer", refer), ("close", close)) if given
    ]
    if len(chosen) != 1:
        raise fail("give exactly one of --accept CASE_ID, --refer AGENCY or --close", 2)
    if accept:
        return tips.Decision("accepted", why, case_id=accept)
    if refer:
        return tips.Decision("referred", why, referred_to=refer)
    return tips.Decision("closed", why)


def _triage(tip_id: str, choice: tips.Decision, queue: str) -> None:
    with store_session("nothing was recorded") as session:
        tip = tips.get_tip(session, tip_id)
        if tip.is_allegation != (queue == queues.ALLEGATIONS):
            raise fail(f"{tip_id} is not in the {queue} queue", 3)
        event = tips.decide(session, tip_id, cli_actor(), choice)
    typer.echo(f"{tip_id} {event.kind} (event {event.seq})")


Accept = Annotated[str, typer.Option("--accept", help="accept into this case (its id)")]
Refer = Annotated[str, typer.Option("--refer", help="refer to this agency or office")]
Close = Annotated[bool, typer.Option("--close", help="close the tip")]
Why = Annotated[str, typer.Option("--why", help="the reason (kept in the ledger)")]


@tips_app.command("triage")
def triage_tip(
    tip_id: TipArgument, why: Why, accept: Accept = "", refer: Refer = "", close: Close = False
) -> None:
    """Accept a tip into a case, refer it or close it, with a reason."""
    _triage(tip_id, _decision(accept, refer, close, why), queues.TIPS)


@allegations_app.command("list")
def list_allegations(
    status: StatusOption = "", limit: LimitOption = 1000, output: FormatOption = OutputFormat.TABLE
) -> None:
    """Forced-labour allegations, newest first."""
    rows = [
        (
            t.id,
            t.received_at,
            t.status,
            t.company,
            t.goods,
            t.country.upper(),
            ",".join(t.ilo_indicators),
        )
        for t in _tips(queues.ALLEGATIONS, status, limit)
    ]
    print_rows(output, ALLEGATION_COLUMNS, rows, title="Forced-labour allegations")


@allegations_app.command("show")
def show_allegation(tip_id: TipArgument) -> None:
    """An allegation with its company matched against the lists in effect."""
    _show(tip_id, queues.ALLEGATIONS)


@allegations_app.command("triage")
def triage_allegation(
    tip_id: TipArgument, why: Why, accept: Accept = "", refer: Refer = "", close: Close = False
) -> None:
    """Accept an allegation into a case, refer it or close it, with a reason."""
    _triage(tip_id, _decision(accept, refer, close, why), queues.ALLEGATIONS)


Officer = Annotated[str, typer.Option("--officer", help="only this officer's screenings")]


@screenings_app.command("list")
def list_screenings(
    officer: Officer = "", limit: LimitOption = 1000, output: FormatOption = OutputFormat.TABLE
) -> None:
    """Encounter screenings, newest first (names given with consent are never printed)."""
    query = PageQuery(per_page=limit, sort="on", descending=True)
    with store_session() as session:
        found = queues.screening_listing(officer or None).page(session, query).rows
    columns = (
        "screening",
        "officer",
        "encountered_on",
        "place",
        "port",
        "score",
        "outcome",
        "referral",
    )
    rows = [
        (s.id, s.officer, s.encountered_on, s.place, s.port, s.score, s.outcome, s.referral)
        for s in found
    ]
    print_rows(output, columns, rows, title="Encounter screenings")
