"""Subjects of a case and deconfliction between cases.

A subject is an entity of the shared store (a person, a company, an account, a phone), an
identifier (phone, e-mail, account number, read the way the store indexes it) or a resolved
cluster, with its role in the case. Each subject leaves deconfliction keys: itself, and what
the store ties to it (the phones and e-mails a person's entity holds; the entities that hold
a phone). When a key is already another case's, both cases get a notice: the other case's
number, office and lead, nothing of its content, so two investigations of the same people
find each other without either reading the other's file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from ctip.authz.need_to_know import hidden_sources
from ctip.authz.policy import Principal
from ctip.cases.service import (
    EventKind,
    InvalidCase,
    append,
    check_text,
    require_need_to_know,
)
from ctip.cases.tables import CaseKeyRow, CaseRow, CaseSubjectRow
from ctip.matching.normalize import identifier_lookup_key
from ctip.model.clock import SYSTEM_CLOCK, Clock, iso_utc
from ctip.model.errors import NotFound
from ctip.model.explain import Explanation, Feature, Reference, RefKind
from ctip.resolve import service as resolution
from ctip.store import entities
from ctip.store.bulk import insert_ignoring_duplicates
from ctip.store.tables import EntityIdentifier

MAX_KEY = 255
SYSTEM_ACTOR = "ctip"
"""Who tells the other case's lead (the person who added the subject is not theirs to know)."""
MAX_ROLE = 100
DECONFLICTED = ("phone", "email", "account")
"""The identifier kinds that tie a subject to other cases (besides entities and clusters)."""


class SubjectKind(StrEnum):
    """What a subject is."""

    ENTITY = "entity"
    PHONE = "phone"
    EMAIL = "email"
    ACCOUNT = "account"
    CLUSTER = "cluster"


@dataclass(frozen=True)
class Subject:
    """A subject as the case page shows it."""

    id: int
    kind: str
    key: str
    label: str
    role: str
    added_by: str
    added_at: str


@dataclass(frozen=True)
class SharedKey:
    """What two cases share, seen from this case: the key and this case's own subject
    that carries it (never the other case's subject)."""

    kind: str
    key: str
    through: str


@dataclass(frozen=True)
class Notice:
    """Another case sharing a subject with this one: only its number, office and lead, and
    which of this case's own subjects (or what they tie to) it shares."""

    other_case: str
    office: str
    lead: str
    shared: tuple[str, ...]
    keys: tuple[SharedKey, ...] = ()

    def explained(self) -> Explanation:
        """Why the two cases deconflict, one feature per shared key."""
        features = tuple(_feature(self.other_case, shared) for shared in self.keys)
        return Explanation(f"talk to {self.lead} ({self.office}) before acting", 1.0, features)


def _feature(other_case: str, shared: SharedKey) -> Feature:
    what = "entity" if shared.kind == SubjectKind.ENTITY.value else shared.kind
    sentence = f"Your subject {shared.through} carries {what} {shared.key}, which case "
    sentence += f"{other_case} also holds."
    return Feature(f"shared_{shared.kind}", 1.0, 1.0, sentence, (_reference(shared),))


def _reference(shared: SharedKey) -> Reference:
    if shared.kind == SubjectKind.ENTITY.value:
        return Reference(RefKind.RECORD, shared.key, shared.key, url=f"/entities/{shared.key}")
    if shared.kind == SubjectKind.CLUSTER.value:
        url = f"/resolve/clusters/{shared.key}"
        return Reference(RefKind.RECORD, shared.key, f"cluster {shared.key}", url=url)
    return Reference(RefKind.IDENTIFIER, shared.key, f"{shared.kind} {shared.key}")


def subject_kind(value: str) -> SubjectKind:
    """A subject kind from its name."""
    try:
        return SubjectKind(value.strip().lower())
    except ValueError:
        known = ", ".join(k.value for k in SubjectKind)
        reason = f"{value[:20]!r}: one of {known}"
        raise InvalidCase(f"kind {reason}", [{"field": "kind", "reason": reason}]) from None


def _clusters(session: Session, entity_ids: set[str]) -> set[tuple[str, str]]:
    """The resolved clusters the entities belong to now (entity resolution's stable ids)."""
    found = resolution.clusters_of(session, sorted(entity_ids))
    return {(SubjectKind.CLUSTER.value, cluster) for cluster in found.values()}


def _entity_keys(session: Session, entity_id: str) -> set[tuple[str, str]]:
    """An entity, its resolved cluster, and the phones, e-mails and accounts the store
    holds for it.

    Deconfliction keys are the system's: read from every source (no need-to-know), as
    `refresh_keys` reads them with nobody asking, so two investigations of the same people
    find each other whatever each investigator may see.
    """
    query = select(EntityIdentifier.kind, EntityIdentifier.key).where(
        EntityIdentifier.entity_id == entity_id, EntityIdentifier.kind.in_(DECONFLICTED)
    )
    identifiers = {(kind, key) for kind, key in session.execute(query)}
    entity = {(SubjectKind.ENTITY.value, entity_id)}
    return entity | identifiers | _clusters(session, {entity_id})


def _identifier_keys(session: Session, kind: str, key: str, typed: str) -> set[tuple[str, str]]:
    """An identifier, the entities of the store that hold it and their clusters (every
    source: deconfliction keys are the system's, see `_entity_keys`)."""
    holders = {e.id for e in entities.find_by_identifier(session, typed, kind, entities.MAX_LIMIT)}
    held = {(SubjectKind.ENTITY.value, entity_id) for entity_id in holders}
    return {(kind, key)} | held | _clusters(session, holders)


def _cluster_keys(session: Session, ref: str) -> tuple[str, int, set[tuple[str, str]]]:
    """A cluster (or a record or replaced cluster id standing for it): its current id, how
    many records it joins, and its keys (itself and its records' entities)."""
    state = resolution.load_state(session)
    try:
        cluster = resolution.cluster_of_ref(state, ref)
    except NotFound:
        reason = f"no resolved record or cluster {ref[:80]!r}"
        raise InvalidCase(reason, [{"field": "value", "reason": reason}]) from None
    members = state.members().get(cluster, [])
    keys = {(SubjectKind.ENTITY.value, member) for member in members}
    return cluster, len(members), keys | {(SubjectKind.CLUSTER.value, cluster)}


@dataclass(frozen=True)
class _Resolved:
    key: str
    label: str
    keys: set[tuple[str, str]]


def _resolve(session: Session, kind: SubjectKind, value: str, hidden: entities.Hidden) -> _Resolved:
    """The subject's stored key, label and deconfliction keys; an entity unknown to the store,
    or stated only by sources `hidden` from the person adding it, is refused alike."""
    text = check_text(value, "value", MAX_KEY)
    if kind is SubjectKind.ENTITY:
        record = entities.get_entity(session, text, hidden)
        if record is None:
            reason = f"no entity {text[:80]!r} in the store"
            raise InvalidCase(reason, [{"field": "value", "reason": reason}])
        label = f"{record.proxy.caption} ({record.proxy.schema.name})"
        return _Resolved(text, label[:300], _entity_keys(session, text))
    if kind is SubjectKind.CLUSTER:
        cluster, size, keys = _cluster_keys(session, text)
        return _Resolved(cluster, f"cluster {cluster} ({size} records)", keys)
    key = identifier_lookup_key(kind.value, text)
    if not key:
        reason = f"{text[:80]!r} cannot be read as {kind.value}"
        raise InvalidCase(reason, [{"field": "value", "reason": reason}])
    return _Resolved(key, text[:300], _identifier_keys(session, kind.value, key, text))


def add_subject(
    session: Session,
    principal: Principal,
    number: str,
    kind: str,
    value: str,
    role: str = "",
    reason: str = "",
    clock: Clock = SYSTEM_CLOCK,
) -> tuple[Subject, list[Notice]]:
    """Add a subject with its role; returns it and the cases it deconflicts with (both leads
    are told through a ledger event on each case and the notices of both case pages)."""
    row = require_need_to_know(session, principal, number)
    chosen = subject_kind(kind)
    resolved = _resolve(session, chosen, value, hidden_sources(principal))
    clean_role = check_text(role, "role", MAX_ROLE, required=False) or "subject"
    known = select(CaseSubjectRow).where(
        CaseSubjectRow.case_number == row.number,
        CaseSubjectRow.kind == chosen.value,
        CaseSubjectRow.key == resolved.key,
    )
    existing = session.execute(known).scalar_one_or_none()
    if existing is not None:  # sent again (a retry): the subject as it is, nothing new
        return _subject(existing), _matches(session, row.number, resolved.keys)
    subject = CaseSubjectRow(
        case_number=row.number,
        kind=chosen.value,
        key=resolved.key,
        label=resolved.label,
        role=clean_role,
        added_at=iso_utc(clock.now()),
        added_by=principal.username,
    )
    session.add(subject)
    session.flush()
    _store_keys(session, row.number, subject.id, resolved.keys)
    why = check_text(reason, "reason", required=False) or f"added as {clean_role}"
    detail = {"kind": chosen.value, "key": resolved.key, "label": resolved.label}
    detail["role"] = clean_role
    today = clock.today()
    append(
        session, row.number, EventKind.SUBJECT_ADDED, principal.username, why, detail, today, clock
    )
    found = _matches(session, row.number, resolved.keys)
    _tell_both_leads(session, row, found, principal.username, clock)
    return _subject(subject), found


def _store_keys(session: Session, number: str, subject_id: int, keys: set[tuple[str, str]]) -> None:
    rows = [
        {"case_number": number, "kind": kind, "key": key[:MAX_KEY], "subject_id": subject_id}
        for kind, key in sorted(keys)
    ]
    insert_ignoring_duplicates(session, CaseKeyRow, rows)


def _tell_both_leads(
    session: Session, row: CaseRow, found: list[Notice], actor: str, clock: Clock
) -> None:
    """A deconfliction event on both cases: each names only the other's number, office, lead."""
    today = clock.today()
    for notice in found:
        shared = list(notice.shared)
        mine = {"other_case": notice.other_case, "office": notice.office, "lead": notice.lead}
        theirs = {"other_case": row.number, "office": row.office, "lead": row.lead}
        why = "a subject is already in another case"
        append(
            session,
            row.number,
            EventKind.DECONFLICTION,
            actor,
            why,
            mine | {"shared": shared},
            today,
            clock,
        )
        append(
            session,
            notice.other_case,
            EventKind.DECONFLICTION,
            SYSTEM_ACTOR,  # the other case's team learns nothing of who is on this one
            why,
            theirs | {"shared": shared},
            today,
            clock,
        )


def _matches(session: Session, number: str, keys: set[tuple[str, str]]) -> list[Notice]:
    """The other cases holding any of the keys (with every key they share)."""
    found = notices(session, number)
    return [n for n in found if any((k.kind, k.key) in keys for k in n.keys)]


def _notices(rows: Sequence[Any]) -> list[Notice]:
    grouped: dict[tuple[str, str, str], set[SharedKey]] = defaultdict(set)
    for other, kind, key, office, lead, through in rows:
        grouped[(other, office, lead)].add(SharedKey(kind, key, through))
    notices_found = []
    for (other, office, lead), shared in sorted(grouped.items()):
        keys = tuple(sorted(shared, key=lambda k: (k.kind, k.key)))
        texts = tuple(sorted({f"{k.kind} {k.key}" for k in keys}))
        notices_found.append(Notice(other, office, lead, texts, keys))
    return notices_found


def notices(session: Session, number: str) -> list[Notice]:
    """Every other case sharing a deconfliction key with this case (computed afresh)."""
    mine = aliased(CaseKeyRow)
    other = aliased(CaseKeyRow)
    query = (
        select(
            other.case_number,
            other.kind,
            other.key,
            CaseRow.office,
            CaseRow.lead,
            CaseSubjectRow.label,
        )
        .join(mine, and_(mine.kind == other.kind, mine.key == other.key))
        .join(CaseRow, CaseRow.number == other.case_number)
        .join(CaseSubjectRow, CaseSubjectRow.id == mine.subject_id)
        .where(mine.case_number == number, other.case_number != number)
    )
    return _notices(session.execute(query).all())


def count_cases_with_notices(session: Session, lead: str) -> int:
    """How many cases the user leads share a subject with another case (their home page)."""
    mine = aliased(CaseKeyRow)
    other = aliased(CaseKeyRow)
    query = (
        select(func.count(func.distinct(mine.case_number)))
        .join(other, and_(mine.kind == other.kind, mine.key == other.key))
        .join(CaseRow, CaseRow.number == mine.case_number)
        .where(CaseRow.lead == lead, other.case_number != mine.case_number)
    )
    return int(session.execute(query).scalar_one())


def subjects(session: Session, number: str) -> list[Subject]:
    """A case's subjects in the order added."""
    query = select(CaseSubjectRow).where(CaseSubjectRow.case_number == number)
    return [_subject(r) for r in session.execute(query.order_by(CaseSubjectRow.id)).scalars()]


def _subject(row: CaseSubjectRow) -> Subject:
    return Subject(row.id, row.kind, row.key, row.label, row.role, row.added_by, row.added_at)


def entity_subject_ids(session: Session, number: str) -> set[str]:
    """The entity ids among a case's subjects (who can be arrested on it)."""
    query = select(CaseSubjectRow.key).where(
        CaseSubjectRow.case_number == number, CaseSubjectRow.kind == SubjectKind.ENTITY.value
    )
    return set(session.execute(query).scalars())


def notices_for_lead(session: Session, lead: str) -> list[tuple[str, list[Notice]]]:
    """The cases a user leads that share a subject with another case, with their notices."""
    mine = aliased(CaseKeyRow)
    other = aliased(CaseKeyRow)
    query = (
        select(mine.case_number)
        .join(other, and_(mine.kind == other.kind, mine.key == other.key))
        .join(CaseRow, CaseRow.number == mine.case_number)
        .where(CaseRow.lead == lead, other.case_number != mine.case_number)
        .distinct()
        .order_by(mine.case_number)
    )
    return [(number, notices(session, number)) for number in session.execute(query).scalars()]


@dataclass(frozen=True)
class Refresh:
    """What a refresh of the deconfliction keys found."""

    subjects: int
    new_keys: int
    new_pairs: list[tuple[str, str]]


def refresh_keys(session: Session, actor: str, clock: Clock = SYSTEM_CLOCK) -> Refresh:
    """Re-derive every subject's deconfliction keys from the store as it is now (a person's
    phone added since, a resolution run that put two people in one cluster), and tell both
    leads of each pair of cases that newly share a key. Keys are only ever added."""
    rows = session.execute(
        select(
            CaseSubjectRow.id, CaseSubjectRow.case_number, CaseSubjectRow.kind, CaseSubjectRow.key
        )
    ).all()
    wanted = _current_keys(session, [(r[0], r[1], r[2], r[3]) for r in rows])
    existing = set(session.execute(select(CaseKeyRow.case_number, CaseKeyRow.kind, CaseKeyRow.key)))
    added = {k: v for k, v in wanted.items() if k not in existing}
    before = _sharing_pairs(session)
    insert_ignoring_duplicates(
        session,
        CaseKeyRow,
        [
            {"case_number": n, "kind": kind, "key": key, "subject_id": subject_id}
            for (n, kind, key), subject_id in sorted(added.items())
        ],
    )
    pairs = sorted(_sharing_pairs(session) - before)
    for number, other in pairs:
        found = [n for n in notices(session, number) if n.other_case == other]
        _tell_both_leads(session, session.get_one(CaseRow, number), found, actor, clock)
    return Refresh(len(rows), len(added), pairs)


def _sharing_pairs(session: Session) -> set[tuple[str, str]]:
    """Every pair of cases sharing a key, each pair once (lower number first)."""
    mine = aliased(CaseKeyRow)
    other = aliased(CaseKeyRow)
    query = (
        select(mine.case_number, other.case_number)
        .join(other, and_(mine.kind == other.kind, mine.key == other.key))
        .where(mine.case_number < other.case_number)
        .distinct()
    )
    return {(a, b) for a, b in session.execute(query)}


def _current_keys(
    session: Session, subjects_: list[tuple[int, str, str, str]]
) -> dict[tuple[str, str, str], int]:
    """(case, kind, key) -> subject id, for every key the subjects carry now."""
    entity_ids = {key for _id, _n, kind, key in subjects_ if kind == SubjectKind.ENTITY.value}
    identifiers = _identifiers_of(session, entity_ids)
    clusters = resolution.clusters_of(session, sorted(entity_ids)) if entity_ids else {}
    state = resolution.load_state(session)
    members = state.members()
    wanted: dict[tuple[str, str, str], int] = {}
    for subject_id, number, kind, key in subjects_:
        keys = {(kind, key)}
        if kind == SubjectKind.ENTITY.value:
            keys |= identifiers.get(key, set())
            if key in clusters:
                keys.add((SubjectKind.CLUSTER.value, clusters[key]))
        elif kind == SubjectKind.CLUSTER.value and key in state.ages:
            current = state.surviving(key)
            keys.add((kind, current))
            keys |= {(SubjectKind.ENTITY.value, m) for m in members.get(current, [])}
        else:
            keys |= _holders(session, kind, key)
        for each_kind, each_key in keys:
            wanted.setdefault((number, each_kind, each_key[:MAX_KEY]), subject_id)
    return wanted


def _identifiers_of(session: Session, entity_ids: set[str]) -> dict[str, set[tuple[str, str]]]:
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    ids = sorted(entity_ids)
    for start in range(0, len(ids), 5000):
        query = select(
            EntityIdentifier.entity_id, EntityIdentifier.kind, EntityIdentifier.key
        ).where(
            EntityIdentifier.entity_id.in_(ids[start : start + 5000]),
            EntityIdentifier.kind.in_(DECONFLICTED),
        )
        for entity_id, kind, key in session.execute(query):
            found[entity_id].add((kind, key))
    return found


def _holders(session: Session, kind: str, key: str) -> set[tuple[str, str]]:
    """The entities that hold an identifier (already in its indexed form)."""
    query = select(EntityIdentifier.entity_id).where(
        EntityIdentifier.kind == kind, EntityIdentifier.key == key
    )
    return {(SubjectKind.ENTITY.value, e) for e in session.execute(query).scalars()}
