"""What the API, the pages and the CLI ask of the protection area, in one place, so all three
give the same answer: a victim as the asker may see them, the victims list, the relief a
person may see (8 U.S.C. 1367 records withheld outside the protection team), HTCDS export.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from ctip.authz.policy import Principal, can
from ctip.authz.protected import CompartmentClosed
from ctip.model.clock import SYSTEM_CLOCK, Clock
from ctip.model.csvsafe import safe_text
from ctip.model.errors import NotFound
from ctip.model.roles import Role
from ctip.protection import htcds, relief, victims
from ctip.protection.access import ProtectionAction
from ctip.protection.relief import Kind, ReliefState
from ctip.protection.tables import AssignmentRow, VictimCaseRow, VictimRow
from ctip.protection.victims import Identity, VictimView
from ctip.store.paging import Listing, ListingField, PageQuery

WITHHELD_1367 = "withheld: 8 U.S.C. 1367 protects T and U applicants' information"


@dataclass(frozen=True)
class VictimPage:
    """A victim for one reader: the pseudonymous view, the identity when the compartment
    opens to them (the read audited), the relief they may see and what was withheld."""

    view: VictimView
    identity: Identity | None
    reliefs: tuple[ReliefState, ...]
    withheld: str = ""


def visible_relief(
    principal: Principal, states: list[ReliefState]
) -> tuple[list[ReliefState], str]:
    """The relief a reader may see: everything for the protection team; Continued Presence
    only for investigators (law enforcement asks for it); T and U never outside the team."""
    if can(principal, ProtectionAction.RELIEF_READ):
        return states, ""
    if not can(principal, ProtectionAction.RELIEF_WRITE):
        return [], WITHHELD_1367 if any(s.protected_1367 for s in states) else ""
    shown = [s for s in states if not s.protected_1367]
    return shown, WITHHELD_1367 if len(shown) < len(states) else ""


def victim_page(
    session: Session, principal: Principal, pseudonym: str, clock: Clock = SYSTEM_CLOCK
) -> VictimPage:
    """A victim as `principal` may see them; the identity only for the assigned specialist or
    a recorded break-glass (and then audited)."""
    row = victims.victim_row(session, pseudonym)
    if sees_only_case_victims(principal) and not victims.cases_of(session, row.id):
        raise NotFound(f"no victim {pseudonym[:20]!r}")
    states = relief.states(session, [row.id], clock)
    view = victims.view_of(session, row, any(s.protected_1367 for s in states))
    identity = victims.identity_if_allowed(session, principal, row, clock)
    shown, withheld = visible_relief(principal, states)
    return VictimPage(view, identity, tuple(shown), withheld)


def relief_for(
    session: Session, principal: Principal, relief_id: str, clock: Clock = SYSTEM_CLOCK
) -> ReliefState:
    """A relief if `principal` may see it (1367 records only to the protection team)."""
    state = relief.state(session, relief_id, clock)
    shown, _ = visible_relief(principal, [state])
    if not shown:
        raise CompartmentClosed(WITHHELD_1367)
    return state


def mine_clause(username: str) -> Any:
    """Victims assigned to `username`."""
    return VictimRow.id.in_(
        select(AssignmentRow.victim_id).where(AssignmentRow.username == username)
    )


def sees_only_case_victims(principal: Principal) -> bool:
    """Investigators see the victims of cases (by pseudonym), not every victim."""
    return principal.role is Role.INVESTIGATOR


def victim_listing(
    mine: str | None = None,
    fy: int | None = None,
    case: str | None = None,
    linked_only: bool = False,
) -> Listing[VictimRow]:
    """Victims, pseudonymous, paged in SQL (one specialist's if `mine`; one FY if `fy`; those
    linked to one case if `case`, to any case if `linked_only`)."""
    statement = select(VictimRow)
    if linked_only:
        statement = statement.where(VictimRow.id.in_(select(VictimCaseRow.victim_id)))
    if case is not None:
        linked = select(VictimCaseRow.victim_id).where(VictimCaseRow.case_id == case)
        statement = statement.where(VictimRow.id.in_(linked))
    if mine is not None:
        statement = statement.where(mine_clause(mine))
    if fy is not None:
        statement = statement.where(VictimRow.fiscal_year == fy)
    fields = {
        "victim": ListingField(
            VictimRow.pseudonym,
            searched=True,
            order=(VictimRow.pseudonym_year, VictimRow.pseudonym_seq),
        ),
        "identified": ListingField(VictimRow.identified_on),
        "fy": ListingField(
            cast(VictimRow.fiscal_year, String), match="equals", order=VictimRow.fiscal_year
        ),
        "status": ListingField(VictimRow.trafficking_status, match="equals"),
        "exploitation": ListingField(VictimRow.exploitation, match="contains"),
    }
    return Listing(statement, fields, lambda r: r[0], (VictimRow.id,))


HTCDS_COLUMNS = (
    "vic_Pseudonym",
    "vic_DateIdentified",
    htcds.TRAFFICKING_STATUS,
    htcds.TYPE_OF_EXPLOITATION,
    htcds.METHOD_OF_RECRUITMENT,
    htcds.METHODS_OF_CONTROL,
    htcds.RELATIONSHIP_TO_TRAFFICKER,
    htcds.AGE_WHEN_TRAFFICKED,
    "ctip_Cases",
    "ctip_Protected1367",
)
"""The HTCDS export: the standard's field ids (multi-select values joined by ';'), never an
identity field; ctip's own columns carry the `ctip_` prefix."""


def htcds_rows(session: Session, fy: int | None = None) -> list[dict[str, Any]]:
    """Every victim (of one FY) as HTCDS fields; 1367 records are marked, not left out."""
    query = select(VictimRow).order_by(VictimRow.pseudonym_year, VictimRow.pseudonym_seq)
    if fy is not None:
        query = query.where(VictimRow.fiscal_year == fy)
    protected = relief.protected_victims(session)
    cases: dict[int, list[str]] = {}
    for victim_id, case_id in session.execute(
        select(VictimCaseRow.victim_id, VictimCaseRow.case_id)
    ):
        cases.setdefault(victim_id, []).append(case_id)
    rows = []
    for row in session.scalars(query):
        rows.append(
            {
                "vic_Pseudonym": row.pseudonym,
                "vic_DateIdentified": row.identified_on,
                htcds.TRAFFICKING_STATUS: row.trafficking_status,
                htcds.TYPE_OF_EXPLOITATION: ";".join(json.loads(row.exploitation)),
                htcds.METHOD_OF_RECRUITMENT: ";".join(json.loads(row.recruitment)),
                htcds.METHODS_OF_CONTROL: ";".join(json.loads(row.control)),
                htcds.RELATIONSHIP_TO_TRAFFICKER: row.relationship,
                htcds.AGE_WHEN_TRAFFICKED: row.age_when_trafficked,
                "ctip_Cases": ";".join(sorted(cases.get(row.id, []))),
                "ctip_Protected1367": row.id in protected,
            }
        )
    return rows


def htcds_csv(rows: list[dict[str, Any]]) -> str:
    """The HTCDS export as CSV, every text cell safe from spreadsheet formulas."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HTCDS_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: safe_text(v) if isinstance(v, str) else v for k, v in row.items()})
    return out.getvalue()


def relief_json(state: ReliefState) -> dict[str, Any]:
    """A relief as the API and `relief show --format json` give it."""
    return {
        "id": state.id,
        "victim": state.victim,
        "kind": state.kind.value,
        "status": state.status,
        "requested_on": state.requested_on,
        "agency": state.agency,
        "officer": state.officer,
        "case": state.case,
        "receipt": state.receipt,
        "supplement_b": state.supp_b,
        "protected_1367": state.protected_1367,
        "milestones": state.milestones,
        "family": [
            {
                "member": f.number,
                "relationship": f.relationship,
                "status": f.status,
                "decided_on": f.decided_on,
            }
            for f in state.family.values()
        ],
        "deadlines": [
            {
                "deadline": d.rule.id,
                "label": d.rule.label,
                "due": d.due.isoformat(),
                "days_left": d.days_left,
                "overdue": d.overdue,
                "citation": d.rule.citation,
            }
            for d in state.due
        ],
        "events": [
            {
                "seq": e.seq,
                "kind": e.kind,
                "actor": e.actor,
                "at": e.at,
                "reason": e.reason,
                **e.payload,
            }
            for e in state.events
        ],
    }


KINDS = tuple(k.value for k in Kind)


def default_query() -> PageQuery:
    """Every row, in the listing's default order (the CLI prints the whole list)."""
    return PageQuery(per_page=0)
