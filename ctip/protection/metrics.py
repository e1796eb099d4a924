"""The protection area's fiscal-year figures, computed from victim and relief records every
time they are asked for: victims identified and assisted; Continued Presence requested,
granted and renewed; T and U visas filed, certified (Supplement B signed), given a bona fide
determination and approved, T derivatives (family members) apart.

A step counts in the fiscal year of the day it happened (the `on` of its ledger event), not
the day it was typed in. The reporting area suppresses cells under 11 in breakdowns.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctip.model.area import Metric
from ctip.model.calendar import fiscal_year
from ctip.protection import htcds
from ctip.protection.access import ProtectionAction
from ctip.protection.relief import DECIDED, GRANTED, PREFIX, REQUESTED, STREAM_KIND, Kind, Step
from ctip.protection.tables import VictimRow
from ctip.store.tables import LedgerEventRow

RECORDS = "/protection/victims?fy={year}"


def _identified(fy: int) -> Iterator[object]:
    yield VictimRow.fiscal_year == fy
    yield VictimRow.trafficking_status != htcds.NOT_A_VICTIM
    yield VictimRow.assisted.is_(True)


def victims_identified_assisted(session: Session, fy: int) -> int:
    """Victims identified in the fiscal year and assisted (not those found not to be victims)."""
    query = select(func.count()).select_from(VictimRow).where(*_identified(fy))  # type: ignore[arg-type]
    return int(session.scalar(query) or 0)


def victims_by_exploitation(session: Session, fy: int) -> Mapping[str, int]:
    """The same victims by HTCDS type of exploitation (a victim may count under two)."""
    query = select(VictimRow.exploitation).where(*_identified(fy))  # type: ignore[arg-type]
    counts: Counter[str] = Counter()
    for text in session.scalars(query):
        counts.update(json.loads(text) or ["Unrecorded"])
    return dict(counts)


def _events(session: Session, kind: Kind, event: str) -> Iterator[dict[str, object]]:
    """Payloads of one event kind on the relief streams of one kind of relief."""
    query = select(LedgerEventRow.payload).where(
        LedgerEventRow.stream_kind == STREAM_KIND,
        LedgerEventRow.kind == event,
        LedgerEventRow.stream_id.like(f"{PREFIX[kind]}-%"),
    )
    for text in session.scalars(query):
        yield json.loads(text)


def counting(
    kind: Kind, event: str, keep: Callable[[dict[str, object]], bool] = lambda _p: True
) -> Callable[[Session, int], int]:
    """A figure: events of a kind whose day falls in the fiscal year and that `keep` accepts."""

    def compute(session: Session, fy: int) -> int:
        return sum(
            1 for p in _events(session, kind, event) if fiscal_year(str(p["on"])) == fy and keep(p)
        )

    compute.__doc__ = f"{event} events of {kind} relief in the fiscal year"
    return compute


def _first_grant(p: dict[str, object]) -> bool:
    return p.get("outcome") == GRANTED and not p.get("renewal")


def _renewal(p: dict[str, object]) -> bool:
    return p.get("outcome") == GRANTED and bool(p.get("renewal"))


def _approved(p: dict[str, object]) -> bool:
    return p.get("outcome") == GRANTED


def _family_approved(p: dict[str, object]) -> bool:
    return p.get("outcome") == "approved"


CP, T, U = Kind.CONTINUED_PRESENCE, Kind.T_VISA, Kind.U_VISA
READ = ProtectionAction.RELIEF_READ

METRICS = (
    Metric(
        "victims_identified_assisted",
        "Victims identified and assisted",
        victims_identified_assisted,
        records=RECORDS,
        action=ProtectionAction.READ,
        breakdown=victims_by_exploitation,
    ),
    Metric("continued_presence_requested", "Continued Presence requested", counting(CP, REQUESTED)),
    Metric(
        "continued_presence_granted",
        "Continued Presence granted",
        counting(CP, DECIDED, _first_grant),
    ),
    Metric(
        "continued_presence_renewed", "Continued Presence renewed", counting(CP, DECIDED, _renewal)
    ),
    Metric("t_visas_filed", "T visa applications filed (I-914)", counting(T, Step.FILED)),
    Metric(
        "t_visas_certified",
        "T visa Supplement B declarations signed",
        counting(T, Step.SUPP_B_SIGNED),
    ),
    Metric("t_visas_bfd", "T visa bona fide determinations", counting(T, Step.BFD)),
    Metric(
        "t_visas_approved_victims", "T visas approved for victims", counting(T, DECIDED, _approved)
    ),
    Metric(
        "t_visas_approved_family",
        "T visas approved for family members",
        counting(T, Step.FAMILY_DECIDED, _family_approved),
    ),
    Metric("u_visas_filed", "U visa petitions filed (I-918)", counting(U, Step.FILED)),
    Metric(
        "u_visas_certified",
        "U visa Supplement B certifications signed",
        counting(U, Step.SUPP_B_SIGNED),
    ),
    Metric("u_visas_bfd", "U visa bona fide determinations", counting(U, Step.BFD)),
    Metric("u_visas_approved", "U visas approved", counting(U, DECIDED, _approved)),
)
