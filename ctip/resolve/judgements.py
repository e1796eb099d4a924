"""The judgement ledger: analysts' same / different decisions on pairs of records or clusters.

Each pair judged is one stream of the shared append-only ledger (`ctip.store.ledger`); an
event's kind is the decision ("same" or "different"), its reason the analyst's why, and its
payload the two references as the analyst gave them. A later judgement on the same pair
supersedes the earlier one without erasing it: the pair's current decision is its stream's
newest event. Clustering reads these decisions as hard constraints (`ctip.resolve.clusters`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.model.clock import SYSTEM_CLOCK, Clock
from ctip.store import ledger

STREAM_KIND = "resolve-judgement"
"""The judged pairs' streams (audited as `resolve-judgement:["<ref>","<ref>"]`)."""
SAME, DIFFERENT = "same", "different"
AUDIT_ACTION = "resolve.judge"


def pair_stream(left: str, right: str) -> ledger.Stream:
    """The stream of a pair, whichever way round it was given."""
    key = json.dumps(sorted((left, right)), separators=(",", ":"), ensure_ascii=False)
    return ledger.Stream(STREAM_KIND, key)


def record(
    session: Session,
    actor: str,
    left: str,
    right: str,
    same: bool,
    why: str,
    clock: Clock = SYSTEM_CLOCK,
) -> ledger.LedgerEvent:
    """Append one judgement (audited as resolve.judge); the caller applies it to clusters."""
    decision = SAME if same else DIFFERENT
    payload = {"left": left, "right": right}
    return ledger.append(
        session,
        pair_stream(left, right),
        decision,
        actor,
        why,
        payload,
        audit=audit.record,
        audit_action=AUDIT_ACTION,
        clock=clock,
    )


def current_decisions(session: Session) -> dict[frozenset[str], str]:
    """The newest decision on each judged pair."""
    return {
        frozenset((str(e.payload["left"]), str(e.payload["right"]))): e.kind
        for e in ledger.latest(session, STREAM_KIND).values()
    }


def involving(session: Session, refs: Iterable[str]) -> list[ledger.LedgerEvent]:
    """Every judgement naming one of `refs`, oldest first (a cluster's review history).

    Judgements are human decisions, so there are few enough to filter here.
    """
    wanted = set(refs)
    found = [
        event
        for stream in ledger.streams(session, STREAM_KIND).values()
        for event in stream
        if {event.payload["left"], event.payload["right"]} & wanted
    ]
    return sorted(found, key=lambda e: e.id)


def count(session: Session) -> int:
    """How many judgements the ledger holds (superseded ones included)."""
    return ledger.count(session, STREAM_KIND)
