"""The `ctip protection` commands: victims, relief and the deadlines queue.

The CLI acts as the local administrator: it may read a victim's identity (`victims show
--identity`), and that read is audited like any other. Commands other tools rely on print the
new record's id alone on their last line; `deadlines --format json` prints JSON only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from ctip.commands.common import (
    FormatOption,
    OutputFormat,
    cli_actor,
    print_rows,
    store_session,
)
from ctip.protection import imports, queue, relief, service, victims
from ctip.protection.victims import Context, Identity

app = typer.Typer(
    help="Victims (identity in a compartment), immigration relief, deadlines.", no_args_is_help=True
)
victims_app = typer.Typer(help="Victims: pseudonyms, assignments, referrals.", no_args_is_help=True)
relief_app = typer.Typer(
    help="Continued Presence, T and U visas: each step in the ledger.", no_args_is_help=True
)
app.add_typer(victims_app, name="victims")
app.add_typer(relief_app, name="relief")
console = Console()
Many = Annotated[list[str] | None, typer.Option()]
OnDate = Annotated[str | None, typer.Option("--on", help="when it happened, YYYY-MM-DD (today)")]
Reason = Annotated[str, typer.Option("--reason", help="why (kept in the ledger)")]


@victims_app.command("add")
def victims_add(
    name: Annotated[str, typer.Option("--name", help="the victim's name (sealed, never printed)")],
    assign: Annotated[list[str], typer.Option("--assign", help="a victim specialist's username")],
    birth_date: Annotated[str, typer.Option("--birth-date", help="YYYY-MM-DD")] = "",
    case: Annotated[list[str] | None, typer.Option("--case", help="a case id (repeatable)")] = None,
    nationality: str = "",
    contact: str = "",
    address: str = "",
    language: Many = None,
    document: Many = None,
    status: Annotated[
        str, typer.Option(help="HTCDS vic_TraffickingStatus")
    ] = "ActualVictimOfTrafficking",
    exploitation: Annotated[
        list[str] | None, typer.Option(help="HTCDS vic_TypeOfExploitation")
    ] = None,
    recruitment: Annotated[
        list[str] | None, typer.Option(help="HTCDS vic_MethodOfRecruitment")
    ] = None,
    control: Annotated[list[str] | None, typer.Option(help="HTCDS vic_MethodsOfControl")] = None,
    relationship: Annotated[str, typer.Option(help="HTCDS vic_RelationshipToTrafficker")] = "",
    age: Annotated[int | None, typer.Option(help="HTCDS vic_AgeWhenTrafficked")] = None,
    need: Many = None,
    identified_on: Annotated[str | None, typer.Option(help="YYYY-MM-DD (today)")] = None,
) -> None:
    """Record a victim; the identity is sealed, and the pseudonym alone is printed."""
    identity = Identity(
        names=(name,),
        birth_date=birth_date,
        nationality=nationality,
        contact=contact,
        address=address,
        languages=tuple(language or ()),
        documents=tuple(document or ()),
    )
    context = Context(
        trafficking_status=status,
        exploitation=tuple(exploitation or ()),
        recruitment=tuple(recruitment or ()),
        control=tuple(control or ()),
        relationship=relationship,
        age_when_trafficked=age,
        needs=tuple(need or ()),
    )
    with store_session() as session:
        pseudonym = victims.add_victim(
            session, cli_actor(), identity, context, list(assign), list(case or []), identified_on
        )
    print(pseudonym)


@victims_app.command("show")
def victims_show(
    victim: str,
    identity: Annotated[
        bool, typer.Option("--identity", help="also open the compartment (audited)")
    ] = False,
) -> None:
    """A victim by pseudonym: context, cases, specialists, referrals, relief, break-glass log."""
    with store_session() as session:
        row = victims.victim_row(session, victim)
        states = relief.states(session, [row.id])
        view = victims.view_of(session, row, any(s.protected_1367 for s in states))
        opened = victims.read_identity_locally(session, cli_actor(), row) if identity else None
    _print_view(view, states, opened)


def _print_view(
    view: victims.VictimView, states: list[relief.ReliefState], identity: Identity | None
) -> None:
    c = view.context
    lines = [
        f"victim {view.pseudonym} identified {view.identified_on} (FY{view.fiscal_year})"
        + ("  [8 U.S.C. 1367]" if view.protected_1367 else ""),
        f"status: {c.trafficking_status}",
        f"exploitation: {', '.join(c.exploitation) or '-'}",
        f"recruitment: {', '.join(c.recruitment) or '-'}",
        f"control: {', '.join(c.control) or '-'}",
        f"relationship to trafficker: {c.relationship or '-'}; age when trafficked: "
        f"{c.age_when_trafficked if c.age_when_trafficked is not None else '-'}",
        f"needs: {', '.join(c.needs) or '-'}",
        f"cases: {', '.join(view.cases) or '-'}",
        f"specialists: {', '.join(view.specialists)}",
    ]
    lines += [
        f"referral {r.id}: {r.service} ({r.provider or '-'}) {r.status} since {r.referred_on}"
        for r in view.referrals
    ]
    lines += [f"relief {s.id}: {s.kind.value} {s.status}" for s in states]
    lines += [f"break-glass by {o.username} at {o.opened_at}: {o.reason}" for o in view.openings]
    if identity is not None:
        lines.append("identity (read audited):")
        lines += [f"  {k}: {v}" for k, v in identity.as_json().items() if v]
    for line in lines:
        console.print(escape(line), highlight=False)


@victims_app.command("assign")
def victims_assign(
    victim: str,
    username: str,
    remove: Annotated[bool, typer.Option("--remove", help="take the specialist off")] = False,
) -> None:
    """Assign a victim specialist to a victim (or remove one)."""
    with store_session() as session:
        victims.assign(session, cli_actor(), victim, username, remove)
    console.print(f"{'removed' if remove else 'assigned'} {escape(username)} on {escape(victim)}")


@victims_app.command("link")
def victims_link(victim: str, case: str) -> None:
    """Link a victim to a case by the id `ctip cases open` printed."""
    with store_session() as session:
        victims.link_case(session, cli_actor(), victim, case)
    console.print(f"linked {escape(victim)} to {escape(case)}")


@victims_app.command("refer")
def victims_refer(
    victim: str,
    service_name: Annotated[str, typer.Option("--service", help=", ".join(victims.SERVICES))],
    provider: str = "",
    status: str = "referred",
    on: OnDate = None,
) -> None:
    """Record a service referral; prints its number."""
    with store_session() as session:
        number = victims.refer(session, cli_actor(), victim, service_name, status, provider, on)
    print(number)


@victims_app.command("list")
def victims_list(
    specialist: Annotated[str | None, typer.Option(help="only this specialist's victims")] = None,
    fy: Annotated[int | None, typer.Option(help="only victims identified in this FY")] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Victims by pseudonym (no identity), oldest first."""
    from_query = service.victim_listing(specialist, fy)
    with store_session() as session:
        rows = [
            (
                r.pseudonym,
                r.identified_on,
                r.trafficking_status,
                ";".join(json.loads(r.exploitation)),
            )
            for r in from_query.every(session, service.default_query())
        ]
    print_rows(output, ("victim", "identified", "status", "exploitation"), rows)


@victims_app.command("import")
def victims_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """Load victims from CSV in HTCDS 2.0 field names (identity in ctip_ columns, sealed):
    every row checked first, all or nothing, a re-run of the same file changes nothing."""
    with store_session() as session:
        already, made = imports.load_victims(session, file.read_bytes(), file.name, cli_actor())
    if already:
        console.print(f"{escape(file.name)} was already loaded: nothing changed")
        return
    console.print(f"loaded {escape(file.name)}: {len(made)} victims")
    for pseudonym in made:
        print(pseudonym)


@victims_app.command("export")
def victims_export(fy: Annotated[int | None, typer.Option(help="only this FY")] = None) -> None:
    """Every victim as HTCDS 2.0 fields (CSV; never an identity field)."""
    with store_session() as session:
        sys.stdout.write(service.htcds_csv(service.htcds_rows(session, fy)))


@relief_app.command("request")
def relief_request(
    victim: str,
    kind: Annotated[str, typer.Option("--kind", help="continued-presence, t-visa or u-visa")],
    on: OnDate = None,
    agency: str = "",
    officer: str = "",
    case: str = "",
    reason: Reason = "",
) -> None:
    """Open a relief for a victim; prints the relief id alone."""
    with store_session() as session:
        relief_id = relief.request(
            session, cli_actor(), victim, kind, on, agency, officer, case, reason
        )
    print(relief_id)


@relief_app.command("record")
def relief_record(
    relief_id: Annotated[str, typer.Argument(metavar="RELIEF")],
    step: Annotated[str, typer.Option("--step", help=", ".join(s.value for s in relief.Step))],
    on: OnDate = None,
    reason: Reason = "",
    receipt: Annotated[str, typer.Option(help="USCIS receipt number (filed)")] = "",
    by: Annotated[str, typer.Option(help="who requested, signed or declined Supplement B")] = "",
    relationship: Annotated[str, typer.Option(help="family member's relation (family_added)")] = "",
    member: Annotated[str, typer.Option(help="family member's number (family_decided)")] = "",
    outcome: Annotated[str, typer.Option(help="approved or denied (family_decided)")] = "",
) -> None:
    """Append a step to a relief's ledger; prints the new status."""
    detail = {"receipt": receipt, "by": by, "relationship": relationship, "member": member}
    detail["outcome"] = outcome
    with store_session() as session:
        state = relief.record(session, cli_actor(), relief_id, step, on, reason, detail)
    console.print(f"{state.id}: {state.status}")


@relief_app.command("decide")
def relief_decide(
    relief_id: Annotated[str, typer.Argument(metavar="RELIEF")],
    granted: Annotated[bool, typer.Option("--granted/--denied", help="the decision")],
    on: OnDate = None,
    reason: Reason = "",
) -> None:
    """Record the decision (or a Continued Presence renewal's); prints the new status."""
    with store_session() as session:
        state = relief.decide(session, cli_actor(), relief_id, granted, on, reason)
    console.print(f"{state.id}: {state.status}")


@relief_app.command("show")
def relief_show(
    relief_id: Annotated[str, typer.Argument(metavar="RELIEF")],
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """A relief: status, milestones, family members, open clocks and every ledger event."""
    with store_session() as session:
        state = relief.state(session, relief_id)
    if output is OutputFormat.JSON:
        sys.stdout.write(json.dumps(service.relief_json(state), indent=2) + "\n")
        return
    console.print(f"{state.id} {state.kind.value} for {state.victim}: {state.status}")
    print_rows(
        output,
        ("seq", "step", "on", "actor", "reason"),
        [(e.seq, e.kind, str(e.payload.get("on", "")), e.actor, e.reason) for e in state.events],
    )
    for due in state.due:
        flag = "OVERDUE" if due.overdue else f"{due.days_left} days"
        console.print(f"due {due.due} ({flag}): {due.rule.label} [{escape(due.rule.citation)}]")


@app.command("deadlines")
def deadlines(
    specialist: Annotated[str | None, typer.Option(help="only this specialist's victims")] = None,
    days: Annotated[
        int | None, typer.Option("--within", help="only those due within N days (and overdue)")
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Every open relief deadline, overdue included, next due first."""
    with store_session() as session:
        found = queue.within(queue.deadlines(session, specialist), days)
    if output is OutputFormat.JSON:
        sys.stdout.write(json.dumps([d.as_json() for d in found], indent=2) + "\n")
        return
    columns = ("victim", "relief", "kind", "deadline", "due", "days_left", "overdue")
    rows = [(d.victim, d.relief, d.kind, d.deadline, d.due, d.days_left, d.overdue) for d in found]
    print_rows(output, columns, rows)
