"""Public tips: taking them in, letting the reporter add to them, and the decisions on them.

A tip is what the reporter chose to tell (where they are, the suspected activity, the
narrative, persons, places, phones, e-mails, vehicles, an optional contact) and nothing about
how it arrived. The reporter gets an acknowledgement code, kept here only as its SHA-256,
with which they can add information later. A forced-labour allegation is a tip about
`forced labor in goods` with the company, the goods, the country, the ILO indicators and the
titles of the supporting documents; it goes to the trade analysts' queue instead of the
intel analysts'.

A tip is accepted into a case (the case id, as text: cases are another area), referred to
another agency, or closed with a reason: events of the tip's stream in the shared ledger;
its status is the latest decision, computed, never stored.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from followthemoney.types import registry
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.intake.packs import ilo_indicators
from ctip.intake.tables import TipAdditionRow, TipKeyRow, TipRow
from ctip.matching.normalize import identifier_lookup_key, name_tokens
from ctip.model.clock import SYSTEM_CLOCK, Clock, iso_utc
from ctip.model.errors import InvalidInput, NotFound
from ctip.store import ledger
from ctip.store.tables import LedgerEventRow

ACTIVITIES: Final = (
    "sex trafficking",
    "labor trafficking",
    "forced labor in goods",
    "child exploitation",
    "other",
)
FORCED_LABOUR: Final = "forced labor in goods"
LOCATIONS: Final = ("inside_us", "outside_us")
CHANNELS: Final = ("web", "api", "screening")
STREAM_KIND: Final = "intake_tip"
DECISIONS: Final = ("accepted", "referred", "closed")
NEW: Final = "new"
STATUSES: Final = (NEW, *DECISIONS)
ANONYMOUS_ACTOR: Final = "anonymous"

MAX_NARRATIVE: Final = 10_000
MAX_ITEMS: Final = 20
MAX_ITEM: Final = 300
MAX_CONTACT: Final = 500
MAX_REASON: Final = 2000
CASE_ID: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,59}$")
ACK_ALPHABET: Final = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
"""No 0/O, 1/I/L or U: a code read over the phone is not misheard."""
NOT_COUNTRIES: Final = frozenset({"zz", "eu"})
"""FtM's pseudo-codes (global, the European Union): not where goods are made."""
ACK_GROUPS: Final = 4
ACK_GROUP_SIZE: Final = 4


@dataclass(frozen=True)
class TipInput:
    """What a reporter sends (the HSI tip form's fields, and an allegation's)."""

    reporter_location: str
    activity: str
    narrative: str
    persons: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    vehicles: tuple[str, ...] = ()
    contact: str = ""
    company: str = ""
    goods: str = ""
    country: str = ""
    ilo_indicators: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()


@dataclass(frozen=True)
class Receipt:
    """The tip's id (for staff) and the acknowledgement code (for the reporter, shown once)."""

    tip_id: str
    acknowledgement: str


@dataclass(frozen=True)
class Tip:
    """A stored tip with its status (the latest decision in the ledger, or new)."""

    id: str
    received_at: str
    received_on: str
    channel: str
    reporter_location: str
    activity: str
    narrative: str
    persons: tuple[str, ...]
    places: tuple[str, ...]
    phones: tuple[str, ...]
    emails: tuple[str, ...]
    vehicles: tuple[str, ...]
    contact: str
    company: str
    goods: str
    country: str
    ilo_indicators: tuple[str, ...]
    documents: tuple[str, ...]
    screening_id: str
    status: str = NEW
    additions: tuple[TipAdditionRow, ...] = field(default=())
    shared: int = 0
    """How many other tips give one of its phones, e-mails or names (in a queue listing)."""

    @property
    def is_allegation(self) -> bool:
        """Whether the tip is a forced-labour allegation (the trade analysts' queue)."""
        return self.activity == FORCED_LABOUR

    @property
    def summary(self) -> str:
        """The narrative's first line, cut for a table cell."""
        first = self.narrative.strip().splitlines()[0] if self.narrative.strip() else ""
        return first if len(first) <= 120 else first[:117] + "..."


def _problem(name: str, reason: str) -> dict[str, str]:
    return {"field": name, "reason": reason}


def _checked_items(name: str, items: Sequence[str], problems: list[dict[str, str]]) -> None:
    if len(items) > MAX_ITEMS:
        problems.append(_problem(name, f"at most {MAX_ITEMS} values"))
    if any(len(item) > MAX_ITEM for item in items):
        problems.append(_problem(name, f"each value at most {MAX_ITEM} characters"))


def normalised(tip: TipInput) -> TipInput:
    """The tip with its activity in the list's spelling and its values trimmed."""

    def clean(items: Iterable[str]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i.strip() for i in items if i and i.strip()))

    return TipInput(
        reporter_location=tip.reporter_location.strip().lower(),
        activity=" ".join(tip.activity.split()).lower(),
        narrative=tip.narrative.strip(),
        persons=clean(tip.persons),
        places=clean(tip.places),
        phones=clean(tip.phones),
        emails=clean(tip.emails),
        vehicles=clean(tip.vehicles),
        contact=tip.contact.strip(),
        company=tip.company.strip(),
        goods=tip.goods.strip(),
        country=_country(tip.country),
        ilo_indicators=clean(tip.ilo_indicators),
        documents=clean(tip.documents),
    )


def validate(tip: TipInput) -> TipInput:
    """The tip cleaned, or InvalidInput naming every field that is wrong and why."""
    tip = normalised(tip)
    problems: list[dict[str, str]] = []
    if tip.reporter_location not in LOCATIONS:
        problems.append(_problem("reporter_location", f"one of {', '.join(LOCATIONS)}"))
    if tip.activity not in ACTIVITIES:
        problems.append(_problem("activity", f"one of {', '.join(ACTIVITIES)}"))
    if not tip.narrative:
        problems.append(_problem("narrative", "tell what you saw or know"))
    elif len(tip.narrative) > MAX_NARRATIVE:
        problems.append(_problem("narrative", f"at most {MAX_NARRATIVE} characters"))
    for name in ("persons", "places", "phones", "emails", "vehicles", "documents"):
        _checked_items(name, getattr(tip, name), problems)
    if len(tip.contact) > MAX_CONTACT:
        problems.append(_problem("contact", f"at most {MAX_CONTACT} characters"))
    problems.extend(_allegation_problems(tip))
    if problems:
        raise InvalidInput("the tip cannot be taken as sent", problems)
    return tip


def _country(text: str) -> str:
    """A country code read by FtM's registry (a name such as "China" becomes cn)."""
    text = text.strip()
    return (registry.country.clean(text) or text.lower()) if text else ""


def _allegation_problems(tip: TipInput) -> list[dict[str, str]]:
    problems = []
    for name in ("company", "goods"):
        if len(getattr(tip, name)) > MAX_ITEM:
            problems.append(_problem(name, f"at most {MAX_ITEM} characters"))
    if tip.country and (len(tip.country) != 2 or tip.country in NOT_COUNTRIES):
        problems.append(_problem("country", "a two-letter country code (ISO 3166), e.g. CN"))
    known = {q.code for q in ilo_indicators()}
    unknown = [code for code in tip.ilo_indicators if code not in known]
    if unknown:
        problems.append(_problem("ilo_indicators", f"ILO indicator numbers 1 to 11, not {unknown}"))
    return problems


def new_acknowledgement() -> str:
    """A code the reporter keeps (80 bits of chance, in groups: K7QM-2XHD-9FRT-WP3A)."""
    chars = "".join(secrets.choice(ACK_ALPHABET) for _ in range(ACK_GROUPS * ACK_GROUP_SIZE))
    groups = [chars[i : i + ACK_GROUP_SIZE] for i in range(0, len(chars), ACK_GROUP_SIZE)]
    return "-".join(groups)


def ack_digest(acknowledgement: str) -> str:
    """The stored form of a code: SHA-256 of its letters, any case, dashes and spaces ignored."""
    letters = "".join(c for c in acknowledgement.upper() if c.isalnum())
    return hashlib.sha256(letters.encode()).hexdigest()


def new_tip_id() -> str:
    """A tip id staff quote (not the reporter's code, which is never shown to staff)."""
    return "TIP-" + "".join(secrets.choice(ACK_ALPHABET) for _ in range(10))


def tip_values(tip: TipInput, tip_id: str, channel: str, clock: Clock) -> dict[str, Any]:
    """The row of a validated tip (for one insert or a bulk one)."""
    now = clock.now()
    return {
        "id": tip_id,
        "received_at": iso_utc(now),
        "received_on": now.date().isoformat(),
        "channel": channel,
        "reporter_location": tip.reporter_location,
        "activity": tip.activity,
        "narrative": tip.narrative,
        "persons": _json(tip.persons),
        "places": _json(tip.places),
        "phones": _json(tip.phones),
        "emails": _json(tip.emails),
        "vehicles": _json(tip.vehicles),
        "contact": tip.contact,
        "company": tip.company,
        "goods": tip.goods,
        "country": tip.country,
        "ilo_indicators": _json(tip.ilo_indicators),
        "documents": _json(tip.documents),
        "screening_id": "",
    }


def _json(items: Sequence[str]) -> str:
    return json.dumps(list(items), ensure_ascii=False)


def tip_keys(tip_id: str, tip: TipInput) -> list[dict[str, str]]:
    """The normalised phones, e-mails and person names a tip is deduplicated by."""
    found: dict[tuple[str, str], str] = {}
    for kind, values in (("phone", tip.phones), ("email", tip.emails)):
        for value in values:
            key = identifier_lookup_key(kind, value)
            if key:
                found.setdefault((kind, key[:320]), value[:320])
    for name in tip.persons:
        tokens = name_tokens(name)
        if len(tokens) >= 2:
            found.setdefault(("name", " ".join(tokens)[:320]), name[:320])
    return [{"tip_id": tip_id, "kind": k, "key": key, "value": v} for (k, key), v in found.items()]


def submit_tip(
    session: Session,
    tip: TipInput,
    channel: str,
    *,
    actor: str = ANONYMOUS_ACTOR,
    screening_id: str = "",
    clock: Clock = SYSTEM_CLOCK,
    tip_id: str | None = None,
    acknowledgement: str | None = None,
) -> Receipt:
    """Store a tip and its keys; audited with the tip's id and activity only (nothing about
    the reporter: no address, no user agent).

    `tip_id` and `acknowledgement` are made here unless given (a fixture that must know them)."""
    tip = validate(tip)
    tip_id = tip_id or new_tip_id()
    acknowledgement = acknowledgement or new_acknowledgement()
    values = tip_values(tip, tip_id, channel, clock)
    values.update(ack_sha256=ack_digest(acknowledgement), screening_id=screening_id)
    session.add(TipRow(**values))
    session.add_all(TipKeyRow(**k) for k in tip_keys(tip_id, tip))
    detail = {"channel": channel, "activity": tip.activity}
    audit.record(session, actor, "intake_tip.received", f"{STREAM_KIND}:{tip_id}", detail)
    return Receipt(tip_id, acknowledgement)


def add_to_tip(
    session: Session,
    acknowledgement: str,
    narrative: str,
    details: TipInput | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> str:
    """Add what the reporter learnt since, found by the acknowledgement code; the tip's id.

    An unknown code is NotFound with the same words whether or not it ever existed.
    """
    narrative = narrative.strip()
    if not narrative or len(narrative) > MAX_NARRATIVE:
        raise InvalidInput(
            "the addition cannot be taken",
            [_problem("narrative", f"1 to {MAX_NARRATIVE} characters")],
        )
    row = session.execute(
        select(TipRow).where(TipRow.ack_sha256 == ack_digest(acknowledgement))
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("no tip has this acknowledgement code")
    extra = _addition_details(details)
    session.add(
        TipAdditionRow(
            tip_id=row.id,
            added_at=iso_utc(clock.now()),
            narrative=narrative,
            details=json.dumps(extra, ensure_ascii=False),
        )
    )
    if details is not None:
        session.add_all(_new_keys(session, row.id, details))
    audit.record(session, ANONYMOUS_ACTOR, "intake_tip.added", f"{STREAM_KIND}:{row.id}", {})
    return row.id


def _addition_details(details: TipInput | None) -> dict[str, list[str]]:
    if details is None:
        return {}
    clean = normalised(details)
    problems: list[dict[str, str]] = []
    names = ("persons", "places", "phones", "emails", "vehicles")
    for name in names:
        _checked_items(name, getattr(clean, name), problems)
    if problems:
        raise InvalidInput("the addition cannot be taken", problems)
    return {name: list(getattr(clean, name)) for name in names if getattr(clean, name)}


def _new_keys(session: Session, tip_id: str, details: TipInput) -> list[TipKeyRow]:
    known = set(
        session.execute(
            select(TipKeyRow.kind, TipKeyRow.key).where(TipKeyRow.tip_id == tip_id)
        ).all()
    )
    return [
        TipKeyRow(**k)
        for k in tip_keys(tip_id, normalised(details))
        if (k["kind"], k["key"]) not in known
    ]


def _items(text: str) -> tuple[str, ...]:
    try:
        value = json.loads(text or "[]")
    except json.JSONDecodeError:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def tip_of(
    row: TipRow, status: str = NEW, additions: Sequence[TipAdditionRow] = (), shared: int = 0
) -> Tip:
    """A stored row as a tip."""
    return Tip(
        id=row.id,
        received_at=row.received_at,
        received_on=row.received_on,
        channel=row.channel,
        reporter_location=row.reporter_location,
        activity=row.activity,
        narrative=row.narrative,
        persons=_items(row.persons),
        places=_items(row.places),
        phones=_items(row.phones),
        emails=_items(row.emails),
        vehicles=_items(row.vehicles),
        contact=row.contact,
        company=row.company,
        goods=row.goods,
        country=row.country,
        ilo_indicators=_items(row.ilo_indicators),
        documents=_items(row.documents),
        screening_id=row.screening_id,
        status=status,
        additions=tuple(additions),
        shared=shared,
    )


def get_tip(session: Session, tip_id: str) -> Tip:
    """A tip with its status and additions; NotFound for an unknown id."""
    row = session.get(TipRow, tip_id)
    if row is None:
        raise NotFound(f"no tip {tip_id!r}")
    additions = session.execute(
        select(TipAdditionRow).where(TipAdditionRow.tip_id == tip_id).order_by(TipAdditionRow.id)
    ).scalars()
    return tip_of(row, status_of(session, tip_id), list(additions))


def history(session: Session, tip_id: str) -> list[ledger.LedgerEvent]:
    """The decisions on a tip, oldest first."""
    return ledger.events(session, ledger.Stream(STREAM_KIND, tip_id))


def status_of(session: Session, tip_id: str) -> str:
    """The latest decision on a tip, or new."""
    events = [e for e in history(session, tip_id) if e.kind in DECISIONS]
    return events[-1].kind if events else NEW


def latest_decisions() -> Any:
    """A subquery: each decided tip's id and its latest decision (`stream_id`, `kind`)."""
    decided = and_(LedgerEventRow.stream_kind == STREAM_KIND, LedgerEventRow.kind.in_(DECISIONS))
    last = (
        select(LedgerEventRow.stream_id, func.max(LedgerEventRow.seq).label("seq"))
        .where(decided)
        .group_by(LedgerEventRow.stream_id)
        .subquery()
    )
    return (
        select(LedgerEventRow.stream_id, LedgerEventRow.kind)
        .join(
            last,
            and_(LedgerEventRow.stream_id == last.c.stream_id, LedgerEventRow.seq == last.c.seq),
        )
        .where(LedgerEventRow.stream_kind == STREAM_KIND)
        .subquery()
    )


@dataclass(frozen=True)
class Decision:
    """A triage decision as asked for: what, why, and the case or the agency."""

    decision: str
    reason: str
    case_id: str = ""
    referred_to: str = ""


def _decision_problems(choice: Decision) -> list[dict[str, str]]:
    problems = []
    if choice.decision not in DECISIONS:
        problems.append(_problem("decision", f"one of {', '.join(DECISIONS)}"))
    if not choice.reason.strip() or len(choice.reason) > MAX_REASON:
        problems.append(_problem("reason", f"say why, in 1 to {MAX_REASON} characters"))
    if choice.decision == "accepted" and not CASE_ID.match(choice.case_id.strip()):
        problems.append(_problem("case_id", "the case id (letters, digits, . _ : / -)"))
    if choice.decision == "referred" and not 0 < len(choice.referred_to.strip()) <= MAX_ITEM:
        problems.append(_problem("referred_to", "the agency or office the tip goes to"))
    return problems


def decide(
    session: Session, tip_id: str, actor: str, choice: Decision, clock: Clock = SYSTEM_CLOCK
) -> ledger.LedgerEvent:
    """Accept a tip into a case, refer it or close it: one event in the tip's ledger stream.

    A later decision supersedes an earlier one (the earlier stays in the history)."""
    if session.get(TipRow, tip_id) is None:
        raise NotFound(f"no tip {tip_id!r}")
    problems = _decision_problems(choice)
    if problems:
        raise InvalidInput("the decision cannot be recorded", problems)
    payload: dict[str, Any] = {}
    if choice.decision == "accepted":
        payload["case_id"] = choice.case_id.strip()
    if choice.decision == "referred":
        payload["referred_to"] = choice.referred_to.strip()
    return ledger.append(
        session,
        ledger.Stream(STREAM_KIND, tip_id),
        choice.decision,
        actor,
        choice.reason.strip(),
        payload,
        audit=audit.record,
        clock=clock,
    )
