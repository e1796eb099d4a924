"""API routes of the screening area: a batch of plain names against a loaded list.

`POST /api/v1/screen` takes up to MAX_QUERIES names in one request and answers with every
match and near miss, each with the named features (value, weight, evidence) behind its
score, so a client can show why a name was flagged.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from ctip.api.deps import DbSession, require
from ctip.api.errors import ApiError
from ctip.api.explanations import ExplanationOut
from ctip.api.schemas import error_responses
from ctip.authz import audit
from ctip.authz.policy import Principal
from ctip.lists import governance
from ctip.lists.access import ListAction
from ctip.matching.scoring import DEFAULT_THRESHOLD
from ctip.matching.screening import Hit, screen_names, validate_query
from ctip.matching.types import MatchQuery

router = APIRouter(prefix="", tags=["screening"])
Screener = Annotated[Principal, Depends(require(ListAction.SCREEN))]
MAX_QUERIES = 1000
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


class FeatureOut(BaseModel):
    """One piece of evidence behind a score."""

    name: str
    value: float
    weight: float
    evidence: str


class HitOut(BaseModel):
    """A match or near miss of one query against one listed party."""

    query_id: str
    entity_id: str
    list_name: str
    edition: str
    listed_name: str
    score: float
    match: bool
    explanation: str
    features: list[FeatureOut]
    explained: ExplanationOut

    @classmethod
    def of(cls, hit: Hit) -> HitOut:
        features = [
            FeatureOut(name=f.name, value=f.value, weight=f.weight, evidence=f.evidence)
            for f in hit.result.features
        ]
        return cls(
            query_id=hit.query_id,
            entity_id=hit.entity_id,
            list_name=hit.list_name,
            edition=hit.edition,
            listed_name=hit.listed_name,
            score=hit.score,
            match=hit.is_match,
            explanation=hit.explanation,
            features=features,
            explained=ExplanationOut.of(hit.result.explained()),
        )


class ScreenOut(BaseModel):
    """What a batch found: matches first, then near misses, by query."""

    list_name: str
    threshold: float
    queries: int
    matches: int
    hits: list[HitOut]


def _queries(batch: ScreenIn) -> list[MatchQuery]:
    """The batch's queries, validated as the CSV reader validates rows (422 on any)."""
    queries, problems, seen = [], [], set()
    for number, item in enumerate(batch.queries):
        values = {
            "id": item.id,
            "name": item.name,
            "schema": item.schema_,
            "country": ";".join(item.country),
            "birth_date": ";".join(item.birth_date),
            "address": ";".join(item.address),
            "identifiers": ";".join(item.identifiers),
        }
        query, reasons = validate_query(values)
        if query is not None and query.query_id in seen:
            reasons.append(f"id {query.query_id!r} repeats an earlier query")
        if reasons or query is None:
            problems.append({"query": number, "id": item.id, "reasons": reasons})
            continue
        seen.add(query.query_id)
        queries.append(query)
    if problems:
        raise ApiError(422, f"{len(problems)} query(ies) cannot be screened", problems)
    return queries


@router.post("/screen", responses=error_responses(404, 422))
def screen_batch(batch: ScreenIn, principal: Screener, session: DbSession) -> ScreenOut:
    """Screen up to 1,000 names against a loaded list; every hit carries its features."""
    queries = _queries(batch)
    entries = governance.entries_in_effect(session, batch.list_name, batch.edition)
    hits = screen_names(queries, entries, batch.threshold)
    matches = sum(1 for hit in hits if hit.is_match)
    audit.record(
        session,
        principal.username,
        "screen.run",
        f"list:{batch.list_name}",
        {"queries": len(queries), "matches": matches, "threshold": batch.threshold},
    )
    return ScreenOut(
        list_name=batch.list_name,
        threshold=batch.threshold,
        queries=len(queries),
        matches=matches,
        hits=[HitOut.of(hit) for hit in hits],
    )
