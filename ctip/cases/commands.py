"""The `ctip cases` commands: open, show, list, member, subject, link, arrest, charge,
outcome, refer, close, reopen, notices, figures.

Thin adapters over the `ctip.cases` services (the API and the pages call the same ones).
The CLI acts as the local administrator: it reads every case in full, and every read and
write is audited under the terminal's user. `cases open` prints the new case's number
alone on its last line, for scripts and other tools.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from ctip.authz.policy import Principal
from ctip.cases import arrests, evidence, metrics, service, subjects, views
from ctip.cases.arrests import ArrestView
from ctip.cases.subjects import Notice
from ctip.commands.common import (
    Cell,
    FormatOption,
    OutputFormat,
    cli_actor,
    print_rows,
    store_session,
)
from ctip.model.roles import Role
from ctip.store.paging import MAX_PER_PAGE, PageQuery

app = typer.Typer(help="Investigations: cases, subjects, arrests, evidence.", no_args_is_help=True)
console = Console()
CaseNumber = Annotated[str, typer.Argument(help="the case number, e.g. HSI-2021-00042")]
OnDate = Annotated[str | None, typer.Option("--on", help="when it happened, YYYY-MM-DD (today)")]
Reason = Annotated[str, typer.Option("--reason", help="why (kept in the case's ledger)")]
LIST_COLUMNS = ("case", "title", "type", "office", "lead", "opened", "fy", "status")


def _principal() -> Principal:
    """The terminal's user, acting as the local administrator."""
    return Principal(cli_actor(), Role.ADMIN, user_id=0)


@app.command("open")
def open_case(
    title: Annotated[str, typer.Option("--title", help="what the case is about")],
    type_: Annotated[
        str,
        typer.Option("--type", help="sex_trafficking, labour_trafficking, forced_labour or other"),
    ],
    opened: Annotated[str | None, typer.Option("--opened", help="YYYY-MM-DD (today)")] = None,
    office: Annotated[str, typer.Option("--office", help="e.g. 'HSI Houston' (HSI)")] = "",
    lead: Annotated[str, typer.Option("--lead", help="the lead's username")] = "",
) -> None:
    """Open a case; prints its number alone on the last line."""
    with store_session() as session:
        row = service.open_case(session, _principal(), title, type_, opened, office, lead)
        number, fy, office_, lead_ = row.number, row.fiscal_year, row.office, row.lead
    console.print(f"opened FY{fy} case, {escape(office_)}, lead {escape(lead_)}")
    print(number)


@app.command("show")
def show(number: CaseNumber) -> None:
    """A case in full: facts, team, subjects, arrests, evidence, timeline, notices."""
    with store_session() as session:
        view = views.read_case(session, _principal(), number)
    if isinstance(view, views.CaseGlimpse):  # the CLI oversees, so this does not happen
        console.print(f"{view.number} {view.office} lead {view.lead}")
        return
    _print_case(view)


def _print_case(view: views.CaseView) -> None:
    status = view.status
    closed = f" on {status.closed_on} ({status.disposition})" if status.closed_on else ""
    console.print(f"[bold]{view.number}[/] {escape(view.title)}")
    console.print(
        f"  {view.case_type}, {escape(view.office)}, opened {view.opened_on} (FY{view.fiscal_year})"
    )
    console.print(
        f"  status {status.status.value}{escape(closed)}; lead {view.lead}; "
        f"team {', '.join(view.team)}"
    )
    for s in view.subjects:
        console.print(f"  subject {s.kind} {escape(s.label)} {escape(f'[{s.role}]')} {s.key}")
    for a in view.arrests:
        _print_arrest(a)
    for e in view.evidence:
        console.print(f"  evidence {e.kind} {escape(e.record_id)}: {escape(e.why)} ({e.added_by})")
    for n in view.notices:
        _print_notice(n)
    for event in view.timeline:
        console.print(f"  {event.on} {event.kind:<17} {event.actor}: {escape(event.reason)}")


def _print_arrest(a: ArrestView) -> None:
    console.print(f"  arrest {a.id} {a.arrested_on} {escape(a.agency)} person {a.person}")
    for c in a.charges:
        steps = ", ".join(f"{o} {d}" for o, d in c.outcomes) or "charged"
        console.print(f"    charge {c.id} {escape(c.statute)}: {steps}")


def _print_notice(n: Notice) -> None:
    shared = "; ".join(n.shared)
    console.print(
        f"  [bold yellow]deconfliction[/] {n.other_case} ({escape(n.office)}, lead {n.lead}) "
        f"shares {escape(shared)}"
    )


@app.command("list")
def list_cases(
    fy: Annotated[int | None, typer.Option("--fy", help="opened in this fiscal year")] = None,
    type_: Annotated[str, typer.Option("--type", help="one case type")] = "",
    status: Annotated[str, typer.Option("--status", help="open, referred or closed")] = "",
    search: Annotated[
        str, typer.Option("--search", help="words in number, title, office, lead")
    ] = "",
    page: Annotated[int, typer.Option("--page", min=1)] = 1,
    per_page: Annotated[int, typer.Option("--per-page", min=1, max=MAX_PER_PAGE)] = 50,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Cases newest first, one page at a time."""
    filters = (("fy", str(fy) if fy else ""), ("case_type", type_), ("status", status))
    query = PageQuery(page, per_page, "", False, search, tuple((k, v) for k, v in filters if v))
    with store_session() as session:
        result = views.case_listing(_principal()).page(session, query)
    rows: list[tuple[Cell, ...]] = [
        (c.number, c.title, c.case_type, c.office, c.lead, c.opened_on, c.fiscal_year, c.status)
        for c in result.rows
    ]
    title = f"cases {result.first}-{result.last} of {result.total}"
    print_rows(output, LIST_COLUMNS, rows, title)


@app.command("member")
def member(number: CaseNumber, username: str, reason: Reason = "") -> None:
    """Put a user on the case's team."""
    with store_session() as session:
        team = service.add_member(session, _principal(), number, username, reason)
    console.print(f"team of {number}: {', '.join(team)}")


@app.command("subject")
def subject(
    number: CaseNumber,
    value: Annotated[
        str, typer.Argument(help="an entity id, phone, e-mail, account or cluster id")
    ],
    kind: Annotated[
        str, typer.Option("--kind", help="entity, phone, email, account, cluster")
    ] = "entity",
    role: Annotated[str, typer.Option("--role", help="e.g. suspected trafficker")] = "",
    reason: Reason = "",
) -> None:
    """Add a subject; prints the other cases it deconflicts with."""
    with store_session() as session:
        added, found = subjects.add_subject(
            session, _principal(), number, kind, value, role, reason
        )
    role = escape(f"[{added.role}]")
    console.print(f"subject {added.id}: {added.kind} {escape(added.label)} {role}")
    for notice in found:
        _print_notice(notice)


@app.command("link")
def link(
    number: CaseNumber,
    kind: Annotated[str, typer.Argument(help=", ".join(k.value for k in evidence.EvidenceKind))],
    record_id: Annotated[str, typer.Argument(help="the record's id in its area")],
    why: Annotated[str, typer.Option("--why", help="why it matters to the case")],
) -> None:
    """Link another area's record to the case."""
    with store_session() as session:
        made = evidence.link(session, _principal(), number, kind, record_id, why)
    console.print(f"linked {made.kind} {escape(made.record_id)} to {number}")


@app.command("arrest")
def arrest(
    number: CaseNumber,
    person: Annotated[str, typer.Option("--person", help="the entity id of a subject")],
    on: OnDate = None,
    agency: Annotated[str, typer.Option("--agency", help="arresting agency (HSI)")] = "",
    statute: Annotated[
        list[str] | None, typer.Option("--statute", help="e.g. 1591 or a state statute (repeat)")
    ] = None,
    reason: Reason = "",
) -> None:
    """Record an arrest of a subject with its charges; prints the arrest id last."""
    with store_session() as session:
        made = arrests.record_arrest(
            session, _principal(), number, person, on, agency, tuple(statute or ()), reason
        )
    _print_arrest(made)
    print(made.id)


@app.command("charge")
def charge(
    arrest_id: str,
    statute: Annotated[str, typer.Option("--statute", help="e.g. 1594 or a state statute")],
    on: OnDate = None,
) -> None:
    """Add a charge to an arrest."""
    with store_session() as session:
        made = arrests.add_charge(session, _principal(), arrest_id, statute, on)
    _print_arrest(made)


@app.command("outcome")
def outcome(
    charge_id: str,
    result: Annotated[str, typer.Argument(help="indicted, convicted or dismissed")],
    on: OnDate = None,
    reason: Reason = "",
) -> None:
    """Record what became of a charge."""
    with store_session() as session:
        made = arrests.record_outcome(session, _principal(), charge_id, result, on, reason)
    _print_arrest(made)


@app.command("refer")
def refer(
    number: CaseNumber,
    to: Annotated[str, typer.Option("--to", help="the agency or office")],
    reason: Annotated[str, typer.Option("--reason", help="why")],
    on: OnDate = None,
) -> None:
    """Refer the case to another agency or office."""
    with store_session() as session:
        state = service.refer(session, _principal(), number, to, reason, on)
    console.print(f"{number}: {state.status.value} to {escape(state.referred_to)}")


@app.command("close")
def close(
    number: CaseNumber,
    disposition: Annotated[str, typer.Option("--disposition", help="e.g. prosecution accepted")],
    on: OnDate = None,
    reason: Reason = "",
) -> None:
    """Close the case with its disposition."""
    with store_session() as session:
        state = service.close(session, _principal(), number, disposition, reason, on)
    console.print(f"{number}: closed on {state.closed_on} ({escape(state.disposition)})")


@app.command("reopen")
def reopen(
    number: CaseNumber, reason: Annotated[str, typer.Option("--reason")], on: OnDate = None
) -> None:
    """Open a closed or referred case again."""
    with store_session() as session:
        state = service.reopen(session, _principal(), number, reason, on)
    console.print(f"{number}: {state.status.value}")


@app.command("notices")
def notices(
    lead: Annotated[str, typer.Option("--lead", help="the lead's username")],
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Deconfliction notices of the cases a user leads."""
    with store_session() as session:
        found = subjects.notices_for_lead(session, lead)
    rows: list[tuple[Cell, ...]] = [
        (number, n.other_case, n.office, n.lead, "; ".join(n.shared))
        for number, items in found
        for n in items
    ]
    print_rows(output, ("case", "other case", "office", "lead", "shared"), rows)


@app.command("figures")
def figures(
    fy: Annotated[int, typer.Option("--fy", help="the fiscal year")],
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """The fiscal-year figures, computed from the case records."""
    with store_session() as session:
        rows: list[tuple[Cell, ...]] = [
            (m.id, m.label, m.compute(session, fy)) for m in metrics.METRICS
        ]
    print_rows(output, ("metric", "label", "value"), rows, f"FY{fy}")


@app.command("deconflict")
def deconflict() -> None:
    """Re-derive every subject's deconfliction keys from the store as it is now.

    A phone added to a person since, or a resolution run that joined two people, can make
    two cases share a subject; both leads of each new pair are told.
    """
    with store_session() as session:
        outcome = subjects.refresh_keys(session, cli_actor())
    console.print(
        f"{outcome.subjects} subjects checked, {outcome.new_keys} new keys, "
        f"{len(outcome.new_pairs)} new pairs of cases told"
    )
    for number, other in outcome.new_pairs:
        console.print(f"  {number} <-> {other}")
