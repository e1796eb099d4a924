"""API routes of the screening area: a batch of plain names against a loaded list.

`POST /api/v1/screen` takes up to MAX_QUERIES names in one request and answers with every
match and near miss, each with the named features (value, weight, evidence) behind its
score, so a client can show why a name was flagged. Values are read as the CLI reads a query
file: a date or country that cannot be read is left out of the query and listed in
`warnings` (with `strict`, the batch is refused with 422 instead); a repeated id is 422.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctip.api.deps import DbSession, require
from ctip.api.errors import ApiError
from ctip.api.explanations import ExplanationOut
from ctip.api.schemas import error_responses
from ctip.authz import audit
from ctip.authz.policy import Principal
from ctip.ingest.errors import FileRejected
from ctip.ingest.tables import Row
from ctip.ingest.values import RowValues, ValueWarning, check_region, reject_if_strict
from ctip.lists import governance, store
from ctip.lists.access import ListAction
from ctip.lists.formats import find_list, matched_alias
from ctip.lists.readers import query_from_row
from ctip.lists.tables import ListEdition
from ctip.matching.scoring import DEFAULT_THRESHOLD
from ctip.matching.screening import Hit, screen_names
from ctip.matching.types import ListEntry, MatchQuery
from ctip.store.tables import LedgerEventRow

router = APIRouter(prefix="", tags=["screening"])
Screener = Annotated[Principal, Depends(require(ListAction.SCREEN))]
MAX_QUERIES = 1000
KEPT_CHOICES = 64  # (list, edition) choices a process remembers between requests
SCREENING_TURN = 25  # queries a request screens before another request may take its turn
Text = Annotated[str, Field(max_length=500)]


class QueryIn(BaseModel):
    """One name to screen, with every field that can confirm or contradict a hit."""

    id: Annotated[str, Field(min_length=1, max_length=200)]
    name: Annotated[str, Field(min_length=1, max_length=500)]
    schema_: Literal["Person", "Company", "Organization", "LegalEntity", "Vessel"] = Field(
        "LegalEntity", alias="schema"
    )
    country: Annotated[list[Text], Field(max_length=20)] = []
    birth_date: Annotated[list[Text], Field(max_length=20)] = []
    address: Annotated[list[Text], Field(max_length=20)] = []
    identifiers: Annotated[list[Text], Field(max_length=20)] = []


class ScreenIn(BaseModel):
    """A batch: the list (and edition) to screen against, the threshold, the names."""

    list_name: Annotated[str, Field(alias="list", min_length=1, max_length=95)]
    edition: Annotated[str | None, Field(max_length=100)] = None
    threshold: Annotated[float, Field(gt=0.0, le=1.0)] = DEFAULT_THRESHOLD
    queries: Annotated[list[QueryIn], Field(min_length=1, max_length=MAX_QUERIES)]
    region: Annotated[str | None, Field(max_length=2)] = None
    strict: bool = False


class FeatureOut(BaseModel):
    """One piece of evidence behind a score."""

    name: str
    value: float
    weight: float
    evidence: str


class HitOut(BaseModel):
    """A match or near miss of one query against one listed party.

    `entity_id` is the list's own id as given in its file; `store_entity_id` is where the
    entry lives in the entity store (its workbench page).
    """

    query_id: str
    query_name: str
    entity_id: str
    store_entity_id: str
    list_name: str
    edition: str
    listed_name: str
    matched_alias: str
    score: float
    match: bool
    explanation: str
    features: list[FeatureOut]
    explained: ExplanationOut

    @classmethod
    def of(cls, hit: Hit, query_name: str) -> HitOut:
        features = [
            FeatureOut(name=f.name, value=f.value, weight=f.weight, evidence=f.evidence)
            for f in hit.result.features
        ]
        return cls(
            query_id=hit.query_id,
            query_name=query_name,
            entity_id=hit.result.entry.entry_id,
            store_entity_id=hit.entity_id,
            list_name=hit.list_name,
            edition=hit.edition,
            listed_name=hit.listed_name,
            matched_alias=matched_alias(hit),
            score=hit.score,
            match=hit.is_match,
            explanation=hit.explanation,
            features=features,
            explained=ExplanationOut.of(hit.result.explained()),
        )


class WarningOut(BaseModel):
    """A value left out of a query because it could not be read."""

    query: int
    id: str
    field: str
    value: str
    reason: str


class ScreenOut(BaseModel):
    """What a batch found: matches first, then near misses, by query; and the values that
    could not be read (left out, never evidence)."""

    list_name: str
    threshold: float
    queries: int
    matches: int
    hits: list[HitOut]
    warnings: list[WarningOut] = []


def _cells(item: QueryIn) -> dict[str, str]:
    return {
        "id": item.id.strip(),
        "name": item.name.strip(),
        "schema": item.schema_,
        "country": ";".join(item.country),
        "birth_date": ";".join(item.birth_date),
        "address": ";".join(item.address),
        "identifiers": ";".join(item.identifiers),
    }


def _queries(batch: ScreenIn) -> tuple[list[MatchQuery], list[ValueWarning]]:
    """The batch's queries read as the CSV reader reads rows (query numbers from 0); a
    repeated or empty id or name is 422, so is any unreadable value with `strict`."""
    region = check_region(batch.region)
    queries, warnings, problems = [], [], []
    seen: dict[str, int] = {}
    for number, item in enumerate(batch.queries):
        cells = _cells(item)
        values = RowValues(number, region)
        reasons = [f"{k} is empty" for k in ("id", "name") if not cells[k]]
        if cells["id"] in seen:
            reasons.append(f"id {cells['id']!r} repeats query {seen[cells['id']]}")
        if reasons:
            problems.append({"query": number, "id": item.id, "reasons": reasons})
            continue
        seen[cells["id"]] = number
        queries.append(query_from_row(Row(number, cells), values))
        warnings.extend(values.warnings)
    if problems:
        raise ApiError(422, f"{len(problems)} query(ies) cannot be screened", problems)
    try:
        reject_if_strict("request", warnings, batch.strict)
    except FileRejected:
        raise ApiError(
            422, f"{len(warnings)} value(s) cannot be read", _details(warnings, queries)
        ) from None
    return queries, warnings


def _details(warnings: list[ValueWarning], queries: list[MatchQuery]) -> list[dict[str, object]]:
    ids = {number: q.query_id for number, q in enumerate(queries)}
    return [
        {"query": w.row, "id": ids.get(w.row, ""), "reasons": [f"{w.column}: {w.reason}"]}
        for w in warnings
    ]


class _Choices:
    """Which edition each (list, edition) request screens against, remembered between
    requests while the lists stand still.

    Working it out reads the lists, their editions, the ledger's approvals and the
    edition's file hash: ten queries, most of a warm request's time. Any new edition or
    ledger event (an approval, a rejection, a list marked official) changes the
    fingerprint, one indexed query per request, and the choices are worked out again.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fingerprint: tuple[object, ...] | None = None
        self._names: list[str] = []
        self._chosen: OrderedDict[tuple[str, str | None], tuple[str, list[ListEntry]]] = (
            OrderedDict()
        )

    def entries(
        self, session: Session, wanted: str, edition: str | None
    ) -> tuple[str, list[ListEntry]]:
        """The list's name as loaded and the entries (with their warm index) to screen."""
        fingerprint = _fingerprint(session)
        key = (wanted.strip().lower(), edition)
        with self._lock:
            if fingerprint != self._fingerprint:
                self._fingerprint, self._names = fingerprint, []
                self._chosen.clear()
            found = self._chosen.get(key)
            names = self._names
        if found is not None:
            return found
        if not names:
            names = [summary.list_name for summary in store.list_summaries(session)]
        list_name = find_list(names, wanted)
        chosen = (list_name, governance.entries_in_effect(session, list_name, edition))
        with self._lock:
            if fingerprint == self._fingerprint:
                self._names = names
                self._chosen[key] = chosen
                while len(self._chosen) > KEPT_CHOICES:
                    self._chosen.popitem(last=False)
        return chosen


_LATEST_EVENT = select(LedgerEventRow.id, LedgerEventRow.at).order_by(LedgerEventRow.id.desc())
_STATE = select(
    func.max(ListEdition.id),
    func.count(ListEdition.id),
    func.max(ListEdition.loaded_at),
    _LATEST_EVENT.with_only_columns(LedgerEventRow.id).limit(1).scalar_subquery(),
    _LATEST_EVENT.with_only_columns(LedgerEventRow.at).limit(1).scalar_subquery(),
)
"""The editions' count, newest id and load time and the ledger's latest event, in one
statement (one round trip a request)."""


def _fingerprint(session: Session) -> tuple[object, ...]:
    """What changes whenever an edition is loaded or the ledger decides anything (times
    included, so a store rebuilt at the same address is never taken for the old one)."""
    connection = session.connection()
    return (connection.engine.url, *connection.execute(_STATE).one())


_choices = _Choices()
_screening = threading.Lock()
"""One request screens at a time in a worker process. Screening is pure CPU under the
interpreter's lock: requests screening side by side in the thread pool take longer together
than one after another and starve each other at random (eight clients on one worker: 122
requests/s, p99 138 ms side by side; 184 requests/s, p99 84 ms in turns). Other requests'
reads of the store, their checks and their answers go on meanwhile."""


def screen_in_turns(
    queries: list[MatchQuery], entries: list[ListEntry], threshold: float
) -> list[Hit]:
    """Screen the queries SCREENING_TURN at a time, each turn holding the worker's
    screening lock, so a 1,000-name batch does not hold single names back for seconds."""
    hits: list[Hit] = []
    for start in range(0, len(queries), SCREENING_TURN):
        with _screening:
            hits.extend(screen_names(queries[start : start + SCREENING_TURN], entries, threshold))
    return hits


@router.post("/screen", responses=error_responses(404, 422))
def screen_batch(batch: ScreenIn, principal: Screener, session: DbSession) -> ScreenOut:
    """Screen up to 1,000 names against a loaded list (its name in any case); every hit
    carries its features; values that could not be read come back as warnings.

    The audit row is written last and committed here, in the thread that wrote it: it
    takes the audit log's write lock, so screening and building the answer happen before
    it, and the lock is never held while this request waits for the thread pool (other
    requests, in this worker and the others, would queue behind it)."""
    queries, warnings = _queries(batch)
    list_name, entries = _choices.entries(session, batch.list_name, batch.edition)
    hits = screen_in_turns(queries, entries, batch.threshold)
    matches = sum(1 for hit in hits if hit.is_match)
    query_names = {q.query_id: q.name for q in queries}
    ids = [item.id.strip() for item in batch.queries]
    answer = ScreenOut(
        list_name=list_name,
        threshold=batch.threshold,
        queries=len(queries),
        matches=matches,
        hits=[HitOut.of(hit, query_names.get(hit.query_id, "")) for hit in hits],
        warnings=[
            WarningOut(query=w.row, id=ids[w.row], field=w.column, value=w.value, reason=w.reason)
            for w in warnings
        ],
    )
    audit.record(
        session,
        principal.username,
        "screen.run",
        f"list:{list_name}",
        {"queries": len(queries), "matches": matches, "threshold": batch.threshold},
    )
    session.commit()
    return answer
