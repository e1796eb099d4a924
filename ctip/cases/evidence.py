"""Evidence links: a case points at what other areas hold, by kind and record id.

The cases area never imports another area: a link keeps the record's kind and id as text
(an ad network's id, a flagged account, a typology finding, a detention, an entry line, a
resolved cluster, a tip) with who added it and why. An entity link is checked against the
shared entity store, the one thing every area shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctip.authz.need_to_know import hidden_sources
from ctip.authz.policy import Principal
from ctip.cases.service import (
    EventKind,
    InvalidCase,
    append,
    check_text,
    require_need_to_know,
)
from ctip.cases.tables import EvidenceLinkRow
from ctip.model.clock import SYSTEM_CLOCK, Clock, iso_utc
from ctip.store import entities

MAX_RECORD_ID = 255


class EvidenceKind(StrEnum):
    """The records of other areas a case can point at."""

    AD_NETWORK = "ad_network"
    FLAGGED_ACCOUNT = "flagged_account"
    TYPOLOGY_FINDING = "typology_finding"
    DETENTION = "detention"
    ENTRY_LINE = "entry_line"
    CLUSTER = "cluster"
    TIP = "tip"
    SCREENING = "screening"
    ENTITY = "entity"


PAGES = {
    EvidenceKind.AD_NETWORK: "/networks/{}",
    EvidenceKind.FLAGGED_ACCOUNT: "/finance/accounts/{}",
    EvidenceKind.TYPOLOGY_FINDING: "/finance/patterns/{}",
    EvidenceKind.DETENTION: "/trade/detentions/{}",
    EvidenceKind.ENTRY_LINE: "/trade/lines/{}",
    EvidenceKind.CLUSTER: "/resolve/clusters/{}",
    EvidenceKind.TIP: "/intake/tips/{}",
    EvidenceKind.SCREENING: "/intake/screenings/{}",
    EvidenceKind.ENTITY: "/entities/{}",
}
"""Where each kind of record is read in the workbench (its own area decides who may)."""


@dataclass(frozen=True)
class EvidenceLink:
    """A link as the case page shows it."""

    id: int
    kind: str
    record_id: str
    why: str
    added_by: str
    added_at: str

    @property
    def path(self) -> str:
        """The record's workbench page (an entry line's id is `ENTRY/LINE`)."""
        template = PAGES.get(EvidenceKind(self.kind), "")
        return template.format(quote(self.record_id, safe="/")) if template else ""


def evidence_kind(value: str) -> EvidenceKind:
    """An evidence kind from its name."""
    try:
        return EvidenceKind(value.strip().lower().replace("-", "_"))
    except ValueError:
        known = ", ".join(k.value for k in EvidenceKind)
        reason = f"{value[:30]!r}: one of {known}"
        raise InvalidCase(f"kind {reason}", [{"field": "kind", "reason": reason}]) from None


def link(
    session: Session,
    principal: Principal,
    number: str,
    kind: str,
    record_id: str,
    why: str,
    clock: Clock = SYSTEM_CLOCK,
) -> EvidenceLink:
    """Link a record of another area to the case, saying why; a link is made once."""
    row = require_need_to_know(session, principal, number)
    chosen = evidence_kind(kind)
    record = check_text(record_id, "record_id", MAX_RECORD_ID)
    reason = check_text(why, "why")
    hidden = hidden_sources(principal)  # an entity they may not see is as good as none
    if chosen is EvidenceKind.ENTITY and entities.get_entity(session, record, hidden) is None:
        message = f"no entity {record[:80]!r} in the store"
        raise InvalidCase(message, [{"field": "record_id", "reason": message}])
    existing = select(EvidenceLinkRow).where(
        EvidenceLinkRow.case_number == row.number,
        EvidenceLinkRow.kind == chosen.value,
        EvidenceLinkRow.record_id == record,
    )
    linked = session.execute(existing).scalar_one_or_none()
    if linked is not None:  # linked before (a retry): the link as it is, nothing new
        return _link(linked)
    evidence = EvidenceLinkRow(
        case_number=row.number,
        kind=chosen.value,
        record_id=record,
        why=reason,
        added_at=iso_utc(clock.now()),
        added_by=principal.username,
    )
    session.add(evidence)
    session.flush()
    detail = {"kind": chosen.value, "record_id": record}
    today = clock.today()
    append(
        session,
        row.number,
        EventKind.EVIDENCE_LINKED,
        principal.username,
        reason,
        detail,
        today,
        clock,
    )
    return _link(evidence)


def links(session: Session, number: str) -> list[EvidenceLink]:
    """A case's evidence links in the order added."""
    query = select(EvidenceLinkRow).where(EvidenceLinkRow.case_number == number)
    return [_link(r) for r in session.execute(query.order_by(EvidenceLinkRow.id)).scalars()]


def _link(row: EvidenceLinkRow) -> EvidenceLink:
    return EvidenceLink(row.id, row.kind, row.record_id, row.why, row.added_by, row.added_at)
