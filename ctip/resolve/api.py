"""API routes of the resolve area: resolve a batch or the store, look up clusters, judge merges."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from ctip.api.deps import DbSession, require
from ctip.api.schemas import RequestBody, error_responses
from ctip.authz.need_to_know import hidden_sources
from ctip.authz.policy import Principal
from ctip.resolve import service
from ctip.resolve.access import ResolveAction
from ctip.resolve.engine import DEFAULT_THRESHOLD
from ctip.resolve.records import read_records

router = APIRouter(prefix="/resolve", tags=["resolve"])
Reader = Annotated[Principal, Depends(require(ResolveAction.READ))]
Runner = Annotated[Principal, Depends(require(ResolveAction.RUN))]
Judge = Annotated[Principal, Depends(require(ResolveAction.JUDGE))]
Ref = Annotated[
    str,
    Query(
        min_length=1, max_length=255, description="a cluster id (even a replaced one) or record id"
    ),
]
MAX_BATCH = 10_000
Text = Annotated[str | None, Field(default=None, max_length=500)]


class RecordIn(RequestBody):
    """One person or organisation record; every field but id is optional."""

    id: str = Field(min_length=1, max_length=255)
    name: Text = None
    first_name: Text = None
    last_name: Text = None
    birth_date: Text = None
    address: Text = None
    city: Text = None
    postcode: Text = None
    phone: Text = None
    email: Text = None
    id_number: Text = None
    source: Annotated[str | None, Field(default=None, max_length=100)] = None


class BatchIn(RequestBody):
    """A batch of records to resolve against the existing clusters."""

    records: list[RecordIn] = Field(min_length=1, max_length=MAX_BATCH)
    source: str = Field(default="api", min_length=1, max_length=100)
    region: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$")
    threshold: float = Field(default=DEFAULT_THRESHOLD, ge=0.5, le=1.0)


class Assigned(BaseModel):
    """A record and its cluster."""

    id: str
    cluster_id: str


class Merge(BaseModel):
    """A cluster id retired by a merge, and the older id that absorbed it."""

    replaced: str
    by: str


class BatchOut(BaseModel):
    """What resolving a batch did."""

    run_id: int | None
    clusters: list[Assigned]
    already_known: int
    links: int
    new_clusters: int
    merged: list[Merge]


class RunOut(BaseModel):
    """One resolution run over the store."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    engine: str
    record_count: int
    link_count: int
    new_cluster_count: int
    merge_count: int


class EvidenceOut(BaseModel):
    """One comparison's contribution to a link."""

    comparison: str
    level: str
    match_weight: float
    left: str | None
    right: str | None


class LinkOut(BaseModel):
    """A model link between two records, explained."""

    model_config = ConfigDict(from_attributes=True)

    left_id: str
    right_id: str
    match_probability: float
    match_weight: float
    evidence: list[EvidenceOut]


class ClusterOut(BaseModel):
    """A cluster with its records, explained links and judgements."""

    model_config = ConfigDict(from_attributes=True)

    asked: str
    cluster_id: str
    replaced_ids: list[str]
    records: list[dict[str, Any]]
    links: list[LinkOut]
    judgements: list[service.JudgementView]


class JudgementIn(RequestBody):
    """An analyst's decision: are these two records or clusters one entity?"""

    left: str = Field(min_length=1, max_length=255)
    right: str = Field(min_length=1, max_length=255)
    decision: Literal["same", "different"]
    why: str = Field(min_length=1, max_length=service.MAX_WHY)


@router.post("/batch", responses=error_responses(422))
def resolve_batch(principal: Runner, session: DbSession, body: BatchIn) -> BatchOut:
    """Resolve records against the existing clusters; no existing cluster is renumbered."""
    rows = [record.model_dump() for record in body.records]
    records = read_records(rows, "request body", body.source, body.region)
    outcome = service.resolve_batch(session, records, principal.username, threshold=body.threshold)
    return BatchOut(
        run_id=outcome.run_id,
        clusters=[Assigned(id=k, cluster_id=v) for k, v in outcome.assignment.items()],
        already_known=outcome.already_known,
        links=outcome.links,
        new_clusters=outcome.new_clusters,
        merged=[Merge(replaced=a, by=b) for a, b in outcome.merged],
    )


@router.post("/store")
def resolve_store(principal: Runner, session: DbSession) -> list[RunOut]:
    """Resolve the people and organisations in the statement store, keeping cluster ids."""
    runs = service.resolve_store(session, principal.username)
    return [RunOut.model_validate(run) for run in runs]


@router.get("/clusters", responses=error_responses(404))
def get_cluster(principal: Reader, session: DbSession, ref: Ref) -> ClusterOut:
    """The cluster a record or cluster id stands for now (replaced ids are followed)."""
    view = service.get_cluster(session, ref, hidden_sources(principal))
    return ClusterOut.model_validate(view)


@router.get("/clusters/history", responses=error_responses(404))
def cluster_history(principal: Reader, session: DbSession, ref: Ref) -> list[service.HistoryEvent]:
    """Everything that happened to a cluster and to the ids it absorbed."""
    return service.history(session, ref, hidden_sources(principal))


@router.post("/judgements", status_code=201, responses=error_responses(404, 422))
def judge(principal: Judge, session: DbSession, body: JudgementIn) -> service.JudgementOutcome:
    """Confirm or reject a merge; the ledger always wins over the model."""
    same = body.decision == "same"
    hidden = hidden_sources(principal)
    return service.judge(session, principal.username, body.left, body.right, same, body.why, hidden)
