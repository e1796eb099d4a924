"""Victims: a pseudonym and context for everyone who needs them, the identity for the
assigned specialists only.

The identity (names, birth date, nationality, contact, address, languages, identity
documents) is sealed before it reaches the database and opened only through
`ctip.authz.protected`, which audits every read with its reason. Nothing here writes the
identity into an audit row, a ledger event, an error message or a log line: errors name the
field, never the value typed into it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.authz.policy import Action, Principal, Resource, can
from ctip.authz.protected import (
    break_glass,
    open_as_local_admin,
    open_compartment,
)
from ctip.model.calendar import fiscal_year
from ctip.model.clock import SYSTEM_CLOCK, Clock, iso_utc
from ctip.model.errors import Conflict, Forbidden, InvalidInput, NotFound
from ctip.model.roles import Role
from ctip.protection import crypto, htcds
from ctip.protection.tables import (
    AssignmentRow,
    BreakGlassRow,
    ReferralRow,
    VictimCaseRow,
    VictimRow,
)
from ctip.store.db import utc_now
from ctip.store.tables import User

RESOURCE_KIND = "victim"
IDENTITY_FIELDS = (
    "names",
    "birth_date",
    "nationality",
    "contact",
    "address",
    "languages",
    "documents",
)
BREAK_GLASS_MINUTES = 60
"""How long a recorded break-glass keeps the compartment open to its supervisor."""
SERVICES = ("shelter", "medical", "legal", "interpreter", "mental_health", "case_management")
REFERRAL_STATUSES = ("referred", "accepted", "receiving", "completed", "declined")


class ReferralClosed(Forbidden):
    """The person may not move this victim's referrals (not a specialist assigned to it)."""


NEEDS = ("shelter", "medical", "legal", "interpreter", "mental_health", "food", "employment")
MAX_TEXT = 300
CASE_ID_MAX = 40


@dataclass(frozen=True)
class Identity:
    """What identifies the person: only ever sealed at rest."""

    names: tuple[str, ...]
    birth_date: str = ""
    nationality: str = ""
    contact: str = ""
    address: str = ""
    languages: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The identity as the sealed JSON object."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def of(cls, data: dict[str, Any]) -> Identity:
        """From the sealed JSON object."""
        return cls(
            names=tuple(data.get("names", ())),
            birth_date=str(data.get("birth_date", "")),
            nationality=str(data.get("nationality", "")),
            contact=str(data.get("contact", "")),
            address=str(data.get("address", "")),
            languages=tuple(data.get("languages", ())),
            documents=tuple(data.get("documents", ())),
        )


@dataclass(frozen=True)
class Context:
    """The victim's situation in HTCDS terms: identifies nobody, so it sits outside."""

    trafficking_status: str = htcds.ACTUAL_VICTIM
    exploitation: tuple[str, ...] = ()
    recruitment: tuple[str, ...] = ()
    control: tuple[str, ...] = ()
    relationship: str = ""
    age_when_trafficked: int | None = None
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Referral:
    """A service referral and its status."""

    id: int
    service: str
    provider: str
    status: str
    referred_on: str


@dataclass(frozen=True)
class Opening:
    """A recorded break-glass: who, when, why, until when."""

    username: str
    reason: str
    opened_at: str
    expires_at: str


@dataclass(frozen=True)
class VictimView:
    """A victim as any permitted reader sees them: no identity."""

    pseudonym: str
    identified_on: str
    fiscal_year: int
    context: Context
    cases: tuple[str, ...]
    specialists: tuple[str, ...]
    referrals: tuple[Referral, ...] = ()
    openings: tuple[Opening, ...] = ()
    protected_1367: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def checked_date(text: str, name: str, latest: date | None = None) -> str:
    """An ISO date, not after `latest`; the error names the field, never the value."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{name}: not a date (YYYY-MM-DD)") from None
    if latest is not None and day > latest:
        raise InvalidInput(f"{name}: in the future")
    return day.isoformat()


def _text(value: str, name: str, limit: int = MAX_TEXT) -> str:
    text = " ".join(value.split())
    if len(text) > limit or "\x00" in text:
        raise InvalidInput(f"{name}: at most {limit} characters")
    return text


def checked_identity(identity: Identity, today: date) -> Identity:
    """The identity cleaned and checked; refusals name the field only."""
    names = tuple(n for n in (_text(n, "name") for n in identity.names) if n)
    if not names:
        raise InvalidInput("name: required")
    birth = checked_date(identity.birth_date, "birth date", today) if identity.birth_date else ""
    return Identity(
        names=names,
        birth_date=birth,
        nationality=_text(identity.nationality, "nationality", 100),
        contact=_text(identity.contact, "contact"),
        address=_text(identity.address, "address", 1000),
        languages=tuple(x for x in (_text(x, "language", 60) for x in identity.languages) if x),
        documents=tuple(x for x in (_text(x, "document") for x in identity.documents) if x),
    )


def checked_context(context: Context) -> Context:
    """The context in HTCDS value names; anything else is refused with the field named."""
    age = context.age_when_trafficked
    if age is not None and not 0 <= age <= 120:
        raise InvalidInput(f"{htcds.AGE_WHEN_TRAFFICKED}: 0 to 120")
    unknown = [n for n in context.needs if n not in NEEDS]
    if unknown:
        raise InvalidInput(f"needs: {unknown[0][:40]!r} unknown (use {', '.join(NEEDS)})")
    relationship = context.relationship
    return Context(
        trafficking_status=htcds.value(htcds.TRAFFICKING_STATUS, context.trafficking_status),
        exploitation=tuple(htcds.values(htcds.TYPE_OF_EXPLOITATION, context.exploitation)),
        recruitment=tuple(htcds.values(htcds.METHOD_OF_RECRUITMENT, context.recruitment)),
        control=tuple(htcds.values(htcds.METHODS_OF_CONTROL, context.control)),
        relationship=htcds.value(htcds.RELATIONSHIP_TO_TRAFFICKER, relationship)
        if relationship
        else "",
        age_when_trafficked=age,
        needs=tuple(n for n in NEEDS if n in context.needs),
    )


def checked_case_id(case_id: str) -> str:
    """A case id as the cases area prints it (kept as text: areas do not import each other)."""
    text = case_id.strip()
    if not text or len(text) > CASE_ID_MAX or not text.replace("-", "").isalnum():
        raise InvalidInput(f"case: {case_id[:60]!r} is not a case id (like HSI-2021-00042)")
    return text


def specialist(session: Session, username: str) -> str:
    """An enabled victim specialist's username; only they may hold a victim's identity."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or user.disabled:
        raise NotFound(f"no enabled user {username[:100]!r}")
    if user.role != Role.VICTIM_SPECIALIST.value:
        raise InvalidInput(f"{username}: only a victim specialist may be assigned a victim")
    return user.username


def next_pseudonym(session: Session, year: int) -> tuple[str, int]:
    """The next pseudonym of the year (V-2021-0042) and its number."""
    query = select(func.coalesce(func.max(VictimRow.pseudonym_seq), 0))
    seq = int(session.scalar(query.where(VictimRow.pseudonym_year == year)) or 0) + 1
    return pseudonym_of(year, seq), seq


def flush_new(session: Session, what: str) -> None:
    """Write a new numbered record now; a number taken by a concurrent writer is a conflict
    the person can retry (409), not a server error."""
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(f"{what} was taken by another entry at the same moment; try again") from None


def pseudonym_of(year: int, seq: int) -> str:
    """The pseudonym people use for the victim: year identified and number."""
    return f"V-{year}-{seq:04d}"


def add_victim(
    session: Session,
    actor: str,
    identity: Identity,
    context: Context,
    assign: list[str],
    cases: list[str] | None = None,
    identified_on: str | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> str:
    """Record a victim: the identity sealed, the context in HTCDS terms; returns the pseudonym."""
    today = clock.today()
    day = (
        checked_date(identified_on, "identified on", today) if identified_on else today.isoformat()
    )
    sealed_identity = checked_identity(identity, today)
    checked = checked_context(context)
    specialists = sorted({specialist(session, u) for u in assign})
    if not specialists:
        raise InvalidInput("assign: at least one victim specialist")
    case_ids = sorted({checked_case_id(c) for c in cases or []})
    year = int(day[:4])
    pseudonym, seq = next_pseudonym(session, year)
    row = VictimRow(
        pseudonym=pseudonym,
        pseudonym_year=year,
        pseudonym_seq=seq,
        identified_on=day,
        fiscal_year=fiscal_year(day),
        identity=crypto.seal(sealed_identity.as_json(), pseudonym),
        created_at=utc_now(),
        created_by=actor,
        **_context_columns(checked),
    )
    session.add(row)
    flush_new(session, f"victim {pseudonym}")
    for username in specialists:
        session.add(
            AssignmentRow(
                victim_id=row.id, username=username, assigned_at=utc_now(), assigned_by=actor
            )
        )
    for case_id in case_ids:
        session.add(VictimCaseRow(victim_id=row.id, case_id=case_id))
    detail = {"specialists": specialists, "cases": case_ids, "identified_on": day}
    audit.record(session, actor, "victim.add", f"{RESOURCE_KIND}:{pseudonym}", detail)
    return pseudonym


def _context_columns(context: Context) -> dict[str, Any]:
    return {
        "trafficking_status": context.trafficking_status,
        "exploitation": json.dumps(list(context.exploitation)),
        "recruitment": json.dumps(list(context.recruitment)),
        "control": json.dumps(list(context.control)),
        "relationship": context.relationship,
        "age_when_trafficked": context.age_when_trafficked,
        "needs": json.dumps(list(context.needs)),
    }


def context_of(row: VictimRow) -> Context:
    """The HTCDS context a row holds."""
    return Context(
        trafficking_status=row.trafficking_status,
        exploitation=tuple(json.loads(row.exploitation)),
        recruitment=tuple(json.loads(row.recruitment)),
        control=tuple(json.loads(row.control)),
        relationship=row.relationship,
        age_when_trafficked=row.age_when_trafficked,
        needs=tuple(json.loads(row.needs)),
    )


def victim_row(session: Session, pseudonym: str) -> VictimRow:
    """The victim with this pseudonym, or NotFound naming the pseudonym only."""
    row = session.scalar(select(VictimRow).where(VictimRow.pseudonym == pseudonym.strip()))
    if row is None:
        raise NotFound(f"no victim {pseudonym[:20]!r}")
    return row


def specialists_of(session: Session, victim_id: int) -> tuple[str, ...]:
    """The victim specialists assigned to the victim."""
    query = select(AssignmentRow.username).where(AssignmentRow.victim_id == victim_id)
    return tuple(sorted(session.scalars(query)))


def cases_of(session: Session, victim_id: int) -> tuple[str, ...]:
    """The case ids the victim is linked to."""
    query = select(VictimCaseRow.case_id).where(VictimCaseRow.victim_id == victim_id)
    return tuple(sorted(session.scalars(query)))


def openings_of(session: Session, victim_id: int) -> tuple[Opening, ...]:
    """Every break-glass opening of the victim's compartment, newest first."""
    rows = session.scalars(
        select(BreakGlassRow)
        .where(BreakGlassRow.victim_id == victim_id)
        .order_by(BreakGlassRow.id.desc())
    )
    return tuple(Opening(r.username, r.reason, r.opened_at, r.expires_at) for r in rows)


def live_openings(session: Session, victim_id: int, clock: Clock = SYSTEM_CLOCK) -> frozenset[str]:
    """Supervisors whose break-glass on this victim has not expired."""
    now = iso_utc(clock.now())
    query = select(BreakGlassRow.username).where(
        BreakGlassRow.victim_id == victim_id, BreakGlassRow.expires_at > now
    )
    return frozenset(session.scalars(query))


def resource_of(session: Session, row: VictimRow, clock: Clock = SYSTEM_CLOCK) -> Resource:
    """The victim as the policy sees it: who is assigned, who broke the glass."""
    return Resource(
        RESOURCE_KIND,
        row.pseudonym,
        assigned=frozenset(specialists_of(session, row.id)),
        broken_glass=live_openings(session, row.id, clock),
    )


def referrals_of(session: Session, victim_id: int) -> tuple[Referral, ...]:
    """The victim's service referrals, oldest first."""
    rows = session.scalars(
        select(ReferralRow).where(ReferralRow.victim_id == victim_id).order_by(ReferralRow.id)
    )
    return tuple(Referral(r.id, r.service, r.provider, r.status, r.referred_on) for r in rows)


def view_of(session: Session, row: VictimRow, protected_1367: bool) -> VictimView:
    """The pseudonymous view of a victim row."""
    return VictimView(
        pseudonym=row.pseudonym,
        identified_on=row.identified_on,
        fiscal_year=row.fiscal_year,
        context=context_of(row),
        cases=cases_of(session, row.id),
        specialists=specialists_of(session, row.id),
        referrals=referrals_of(session, row.id),
        openings=openings_of(session, row.id),
        protected_1367=protected_1367,
    )


def may_read_identity(
    session: Session, principal: Principal, row: VictimRow, clock: Clock = SYSTEM_CLOCK
) -> bool:
    """Whether the compartment opens to `principal` now (nothing is read or logged)."""
    return can(principal, Action.VICTIM_IDENTITY_READ, resource_of(session, row, clock))


def read_identity(
    session: Session, principal: Principal, row: VictimRow, clock: Clock = SYSTEM_CLOCK
) -> Identity:
    """Open the compartment for `principal`: audited with the reason, or refused (the refusal
    audited too; the caller must commit it)."""
    resource = resource_of(session, row, clock)
    reason = _reason(session, principal, row, resource)
    open_compartment(session, principal, resource, IDENTITY_FIELDS, reason=reason)
    return Identity.of(crypto.unseal(row.identity, row.pseudonym))


def _reason(session: Session, principal: Principal, row: VictimRow, resource: Resource) -> str:
    """What the audit row gives as the reason for a read."""
    if resource.assigned is not None and principal.username in resource.assigned:
        return "assigned specialist"
    if principal.username in resource.broken_glass:
        latest = next(
            (o for o in openings_of(session, row.id) if o.username == principal.username), None
        )
        return f"break-glass: {latest.reason}" if latest else "break-glass"
    return "not assigned"


def identity_if_allowed(
    session: Session, principal: Principal, row: VictimRow, clock: Clock = SYSTEM_CLOCK
) -> Identity | None:
    """The identity for the assigned specialist or an open break-glass (audited), else None:
    a plain GET never opens the compartment to anyone else, and logs nothing for them."""
    if not may_read_identity(session, principal, row, clock):
        return None
    return read_identity(session, principal, row, clock)


def read_identity_locally(session: Session, actor: str, row: VictimRow) -> Identity:
    """The identity for the administrator at the terminal (the CLI), audited."""
    resource = Resource(RESOURCE_KIND, row.pseudonym)
    open_as_local_admin(session, actor, resource, IDENTITY_FIELDS)
    return Identity.of(crypto.unseal(row.identity, row.pseudonym))


def change_identity(
    session: Session,
    principal: Principal,
    pseudonym: str,
    identity: Identity,
    clock: Clock = SYSTEM_CLOCK,
) -> None:
    """Replace the sealed identity: only an assigned specialist, audited (fields, not values)."""
    row = victim_row(session, pseudonym)
    checked = checked_identity(identity, clock.today())
    resource = Resource(
        RESOURCE_KIND, row.pseudonym, assigned=frozenset(specialists_of(session, row.id))
    )
    open_compartment(session, principal, resource, IDENTITY_FIELDS, Action.VICTIM_IDENTITY_WRITE)
    row.identity = crypto.seal(checked.as_json(), row.pseudonym)


def open_by_break_glass(
    session: Session, principal: Principal, pseudonym: str, reason: str, clock: Clock = SYSTEM_CLOCK
) -> Identity:
    """A supervisor opens the compartment with a written reason: recorded (shown to the
    assigned specialists), audited, and open to them for `BREAK_GLASS_MINUTES`."""
    row = victim_row(session, pseudonym)
    identity = Identity.of(crypto.unseal(row.identity, row.pseudonym))
    if _names_in(identity, reason):
        raise InvalidInput("break-glass reason: do not write the victim's name; say why")
    resource = resource_of(session, row, clock)
    text = break_glass(session, principal, resource, reason)
    now = clock.now()
    session.add(
        BreakGlassRow(
            victim_id=row.id,
            username=principal.username,
            reason=text,
            opened_at=iso_utc(now),
            expires_at=iso_utc(now + timedelta(minutes=BREAK_GLASS_MINUTES)),
        )
    )
    session.flush()
    return read_identity(session, principal, row, clock)


def _names_in(identity: Identity, text: str) -> bool:
    """Whether a reason would carry a name into the audit log."""
    folded = text.casefold()
    parts = {p for name in identity.names for p in name.casefold().split() if len(p) > 2}
    return any(p in folded for p in parts)


def assign(
    session: Session, actor: str, pseudonym: str, username: str, remove: bool = False
) -> None:
    """Assign a victim specialist (or remove one; the last one stays)."""
    row = victim_row(session, pseudonym)
    current = specialists_of(session, row.id)
    if remove:
        if username not in current:
            raise NotFound(f"{username[:100]} is not assigned to {row.pseudonym}")
        if len(current) == 1:
            raise Conflict(f"{row.pseudonym} keeps at least one specialist: assign another first")
        session.delete(session.get(AssignmentRow, (row.id, username)))
    else:
        name = specialist(session, username)
        if name in current:
            return
        session.add(
            AssignmentRow(victim_id=row.id, username=name, assigned_at=utc_now(), assigned_by=actor)
        )
    action = "victim.unassign" if remove else "victim.assign"
    audit.record(
        session, actor, action, f"{RESOURCE_KIND}:{row.pseudonym}", {"specialist": username}
    )


def link_case(session: Session, actor: str, pseudonym: str, case_id: str) -> None:
    """Link the victim to a case by its id (idempotent)."""
    row = victim_row(session, pseudonym)
    text = checked_case_id(case_id)
    if session.get(VictimCaseRow, (row.id, text)) is None:
        session.add(VictimCaseRow(victim_id=row.id, case_id=text))
        audit.record(
            session, actor, "victim.link_case", f"{RESOURCE_KIND}:{row.pseudonym}", {"case": text}
        )


def refer(
    session: Session,
    actor: str,
    pseudonym: str,
    service: str,
    status: str = "referred",
    provider: str = "",
    on: str | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> int:
    """Record a service referral; returns its number."""
    row = victim_row(session, pseudonym)
    if service not in SERVICES:
        raise InvalidInput(f"service: {service[:40]!r} unknown (use {', '.join(SERVICES)})")
    if status not in REFERRAL_STATUSES:
        raise InvalidInput(f"status: {status[:40]!r} unknown (use {', '.join(REFERRAL_STATUSES)})")
    day = checked_date(on, "referred on", clock.today()) if on else clock.today().isoformat()
    referral = ReferralRow(
        victim_id=row.id,
        service=service,
        provider=_text(provider, "provider", 200),
        status=status,
        referred_on=day,
        updated_at=utc_now(),
        updated_by=actor,
    )
    session.add(referral)
    session.flush()
    audit.record(
        session,
        actor,
        "victim.refer",
        f"{RESOURCE_KIND}:{row.pseudonym}",
        {"service": service, "status": status, "referral": referral.id},
    )
    return referral.id


REFERRAL_UPDATE = Action.VICTIM_IDENTITY_WRITE
"""Moving a referral on is the assigned specialist's write to the victim's record: the policy
grants it to victim specialists, and the victim's compartment opens it only to those assigned
(a supervisor's break-glass reads, it does not write)."""


def update_referral(
    session: Session, principal: Principal, pseudonym: str, referral_id: int, status: str
) -> Referral:
    """Move a referral to a new status (accepted, receiving, completed, declined...): only a
    specialist assigned to the victim; the change and any refusal are audited."""
    row = victim_row(session, pseudonym)
    _require_assigned(session, principal, row)
    referral = session.get(ReferralRow, referral_id)
    if referral is None or referral.victim_id != row.id:
        raise NotFound(f"no referral {referral_id} of {row.pseudonym}")
    if status not in REFERRAL_STATUSES:
        raise InvalidInput(
            f"status: {status[:40]!r} unknown (use {', '.join(REFERRAL_STATUSES)})",
            [{"field": "status", "reason": f"use {', '.join(REFERRAL_STATUSES)}"}],
        )
    detail = {"referral": referral_id, "status": status, "was": referral.status}
    referral.status = status
    referral.updated_at = utc_now()
    referral.updated_by = principal.username
    audit.record(session, principal.username, "victim.referral", _resource_id(row), detail)
    return Referral(referral.id, referral.service, referral.provider, status, referral.referred_on)


def _resource_id(row: VictimRow) -> str:
    return f"{RESOURCE_KIND}:{row.pseudonym}"


def _require_assigned(session: Session, principal: Principal, row: VictimRow) -> None:
    """Refuse (audited) anyone but a victim specialist assigned to the victim."""
    assigned = frozenset(specialists_of(session, row.id))
    if can(principal, REFERRAL_UPDATE, Resource(RESOURCE_KIND, row.pseudonym, assigned)):
        return
    detail = {"role": principal.role.value, "assigned": principal.username in assigned}
    audit.record(session, principal.username, "victim.referral.denied", _resource_id(row), detail)
    raise ReferralClosed(f"only a victim specialist assigned to {row.pseudonym} may update it")
