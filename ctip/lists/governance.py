"""Governed reference lists: who may change an official list, and when an edition counts.

An official list (CBP WROs and Findings, the UFLPA Entity List, the DOL TVPRA goods list,
and any list an admin marks official) decides whether goods are detained at the border, so
one person must not be able to change it alone. A new edition of an official list comes
only from a trade analyst or an admin, and it takes effect for screening only once a
supervisor or admin other than the person who loaded it approves it (four eyes). Approvals,
rejections and official marks are events in the append-only ledger (who, when, why), so the
history of which edition counted when is never lost. A private watchlist needs no approval,
but screening reads it only when the person screening chooses it: loading one never changes
another user's trade decisions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.authz.policy import Principal, can
from ctip.lists.access import ListAction
from ctip.lists.store import (
    UnknownList,
    check_list_name,
    edition_sha256,
    list_entries,
    resolve_edition,
)
from ctip.lists.tables import ListEdition
from ctip.matching import warm
from ctip.matching.types import ListEntry
from ctip.matching.warm import IndexedEntries
from ctip.model.errors import Conflict, Forbidden, InvalidInput
from ctip.store import ledger
from ctip.store.ledger import LedgerEvent, Stream

OFFICIAL_LISTS: tuple[str, ...] = ("cbp-wro", "uflpa", "dol-tvpra")
"""The official forced-labour lists by their store names (the trade area loads them)."""
EDITION_STREAM = "list_edition"
LIST_STREAM = "list"
MAX_REASON = 2000


class Review(StrEnum):
    """Where an edition stands: pending approval, approved (screening reads it), rejected."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class EditionReview:
    """One edition with its four-eyes state: who loaded it, who decided, when and why."""

    list_name: str
    edition: str
    official: bool
    status: Review
    loaded_by: str
    loaded_at: str
    decided_by: str = ""
    decided_at: str = ""
    why: str = ""
    in_effect: bool = False


@dataclass(frozen=True)
class EditionUsed:
    """An edition a screening read: enough to replay the decision later."""

    list_name: str
    edition: str
    kind: str
    official: bool

    def to_dict(self) -> dict[str, str | bool]:
        """As stored with a screening and shown by the API."""
        return {
            "list": self.list_name,
            "edition": self.edition,
            "kind": self.kind,
            "official": self.official,
        }


def _edition_stream(list_name: str, edition: str) -> Stream:
    return Stream(EDITION_STREAM, f"{list_name}/{edition}")


def official_lists(session: Session) -> set[str]:
    """The built-in official lists and every list an admin has marked official."""
    marked = ledger.streams(session, LIST_STREAM)
    return set(OFFICIAL_LISTS) | {
        name for name, events in marked.items() if any(e.kind == "marked-official" for e in events)
    }


def is_official(session: Session, list_name: str) -> bool:
    """Whether a new edition of this list needs a trade analyst or admin and four eyes."""
    return list_name in official_lists(session)


def check_may_load(session: Session, principal: Principal, list_name: str) -> None:
    """Refuse a new edition of an official list from anyone but a trade analyst or an admin."""
    if is_official(session, list_name) and not can(principal, ListAction.LOAD_OFFICIAL):
        raise Forbidden(
            f"{list_name!r} is an official list: only a trade analyst or an admin loads it"
        )


def _reason(why: str) -> str:
    text = why.strip()
    if not text:
        raise InvalidInput("say why (a reason is required)")
    if len(text) > MAX_REASON or "\x00" in text:
        raise InvalidInput(f"the reason: up to {MAX_REASON} characters, no NUL")
    return text


def _decision(events: Sequence[LedgerEvent]) -> LedgerEvent | None:
    return next((e for e in reversed(events) if e.kind in ("approved", "rejected")), None)


def approve(session: Session, list_name: str, edition: str, actor: str, why: str) -> LedgerEvent:
    """Let an edition of an official list take effect: someone other than its loader decides.

    Approving an approved edition again returns the first approval; a rejected edition
    cannot be approved (Conflict): the record of the refusal stands."""
    return _decide(session, list_name, edition, actor, why, Review.APPROVED)


def reject(session: Session, list_name: str, edition: str, actor: str, why: str) -> LedgerEvent:
    """Keep an edition out of screening for good (it stays stored, for the record)."""
    return _decide(session, list_name, edition, actor, why, Review.REJECTED)


def _decide(
    session: Session, list_name: str, edition: str, actor: str, why: str, outcome: Review
) -> LedgerEvent:
    reason = _reason(why)
    row = resolve_edition(session, check_list_name(list_name), edition)
    if not is_official(session, list_name):
        raise Conflict(f"{list_name!r} is not an official list: its editions need no approval")
    if row.loaded_by == actor:
        raise Forbidden(f"{actor} loaded edition {edition!r}: another person must decide it")
    stream = _edition_stream(list_name, edition)
    earlier = _decision(ledger.events(session, stream))
    if earlier is not None and earlier.kind == outcome.value:
        return earlier  # the same decision again changes nothing (a retried request)
    if earlier is not None:
        raise Conflict(f"edition {edition!r} of {list_name!r} was already {earlier.kind}")
    payload = {"list": list_name, "edition": edition, "loaded_by": row.loaded_by}
    return ledger.append(session, stream, outcome.value, actor, reason, payload, audit=audit.record)


def mark_official(session: Session, list_name: str, actor: str, why: str) -> LedgerEvent:
    """Make a list official from now on: its editions then need approval to count."""
    check_list_name(list_name)
    reason = _reason(why)
    stream = Stream(LIST_STREAM, list_name)
    earlier = [e for e in ledger.events(session, stream) if e.kind == "marked-official"]
    if earlier:
        return earlier[0]  # marked before: nothing changes
    if list_name in OFFICIAL_LISTS:
        raise Conflict(f"{list_name!r} is official by law: it needs no mark")
    return ledger.append(session, stream, "marked-official", actor, reason, {}, audit=audit.record)


def reviews(session: Session, list_name: str) -> list[EditionReview]:
    """Every edition of a list with its state, oldest first; the one screening reads is marked."""
    rows = _rows(session, list_name)
    official = is_official(session, list_name)
    decided = ledger.streams(session, EDITION_STREAM, [f"{list_name}/{r.edition}" for r in rows])
    found = [
        _review(r, official, _decision(decided.get(f"{list_name}/{r.edition}", []))) for r in rows
    ]
    current = _in_effect(found)
    return [r if r is not current else _with_effect(r) for r in found]


def _rows(session: Session, list_name: str) -> list[ListEdition]:
    query = select(ListEdition).where(ListEdition.list_name == list_name)
    return list(session.scalars(query.order_by(ListEdition.id)))


def _review(row: ListEdition, official: bool, decision: LedgerEvent | None) -> EditionReview:
    if not official:
        status = Review.APPROVED
    else:
        status = Review(decision.kind) if decision else Review.PENDING
    return EditionReview(
        row.list_name,
        row.edition,
        official,
        status,
        row.loaded_by,
        row.loaded_at,
        decision.actor if decision else "",
        decision.at if decision else "",
        decision.reason if decision else "",
    )


def _in_effect(found: Sequence[EditionReview]) -> EditionReview | None:
    """The newest edition (by load order) that may be screened against."""
    return next((r for r in reversed(found) if r.status is Review.APPROVED), None)


def _with_effect(review: EditionReview) -> EditionReview:
    return replace(review, in_effect=True)


def edition_in_effect(session: Session, list_name: str) -> ListEdition | None:
    """The edition screening reads for a list: the newest approved one of an official list,
    the newest of any other; None when an official list has no approved edition yet."""
    current = _in_effect(reviews(session, list_name))
    return resolve_edition(session, list_name, current.edition) if current else None


def screening_editions(session: Session, chosen: Iterable[str] = ()) -> list[EditionUsed]:
    """What a trade screening reads: the edition in effect of every official list that has
    one, plus the lists the person screening chose (named lists never loaded are refused)."""
    official = official_lists(session)
    wanted = sorted(official | {check_list_name(name) for name in chosen})
    used = []
    for name in wanted:
        row = edition_in_effect(session, name)
        if row is None and name not in official:
            raise UnknownList(f"no list {name!r} has been loaded")
        if row is not None:
            used.append(EditionUsed(name, row.edition, row.kind, name in official))
    return used


def entries_in_effect(
    session: Session, list_name: str, edition: str | None = None
) -> list[ListEntry]:
    """The entries name screening reads: the named edition, or else the edition in effect
    (an official list's newest approved one), so a pending edition screens only when asked
    for by name; UnknownList when an official list has none approved.

    The entries come with the edition's warm screening index (`IndexedEntries`, read
    lazily): typed as a list for callers that still declare one, used only as a sequence.
    """
    row = resolve_edition(session, list_name, edition) if edition is not None else None
    if row is None:
        row = edition_in_effect(session, list_name)
    if row is None:
        resolve_edition(session, list_name)  # never loaded: the store's own message
        raise UnknownList(f"list {list_name!r} has no approved edition yet")
    return cast(list[ListEntry], warm_entries(session, row))


def warm_entries(session: Session, row: ListEdition) -> IndexedEntries:
    """An edition's entries with its screening index: kept by this process, else opened
    from the index saved beside the store, else built once from the store and saved."""
    key = warm.edition_key(row.list_name, row.edition, row.id, edition_sha256(session, row))
    directory = warm.index_dir(session.get_bind().engine.url.render_as_string())
    index = warm.index_for(
        key, directory, lambda: list_entries(session, row.list_name, row.edition)
    )
    return IndexedEntries(index)


def warm_every_list(sessions: warm.SessionFactory) -> None:
    """Open (or build once and save) the index of every list's edition in effect, so the
    first screening after the server reports ready is as fast as any other."""
    with sessions() as session:
        for name in sorted({row.list_name for row in session.scalars(select(ListEdition))}):
            row = edition_in_effect(session, name)
            if row is not None:
                warm_entries(session, row)


warm.add_preload(warm_every_list)
