"""API routes of the trade area: entry lines, batch screening, supplier tiers, detentions.

Detentions are named in the query (`?detention=DET-...`), as lists are, so each route reads
like a filter. Files (entry lines, supplier declarations) are sent whole as the request body
and are validated, stored all or nothing and idempotent, like every import.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from ctip.api.deps import DbSession, require
from ctip.api.explanations import ExplanationOut
from ctip.api.schemas import RequestBody, error_responses
from ctip.api.uploads import read_upload, upload_route
from ctip.authz.policy import Principal
from ctip.trade import detentions, entries, service, tiers
from ctip.trade.access import TradeAction
from ctip.trade.screening import LineDecision

router = APIRouter(prefix="/trade", tags=["trade"])
Reader = Annotated[Principal, Depends(require(TradeAction.READ))]
Writer = Annotated[Principal, Depends(require(TradeAction.WRITE))]
Decider = Annotated[Principal, Depends(require(TradeAction.DECIDE))]
DetentionId = Annotated[
    str, Query(alias="detention", min_length=5, max_length=40, pattern=r"^DET-[A-Z0-9]+-\d{3}$")
]
FileName = Annotated[str, Query(min_length=1, max_length=500)]
Strict = Annotated[
    bool,
    Query(
        description="refuse the whole file when any value cannot be read (default: keep the "
        "value as written, do not use it as evidence, and list it in `warnings`)"
    ),
]
ChosenLists = Annotated[
    list[str] | None,
    Query(
        alias="list",
        description="a list to screen against besides the approved official lists (repeatable)",
    ),
]
MAX_FILE_BYTES = 50 * 1024 * 1024
FILE_BODY = {
    "description": "the file: CSV (UTF-8, with a header row), or FtM JSON lines for suppliers",
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}
FOUND = error_responses(404, 409)
DateText = Annotated[str | None, Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")]
Text = Annotated[str, Field(min_length=1, max_length=2000)]


class FeatureOut(BaseModel):
    """One piece of evidence behind a decision."""

    name: str
    value: float
    weight: float
    evidence: str


class DecisionOut(BaseModel):
    """A screened line: decision, score 0-1 and the features that explain it."""

    entry_number: str
    line_number: int
    decision: str
    score: float
    features: list[FeatureOut]
    explanation: ExplanationOut

    @classmethod
    def of(cls, d: LineDecision) -> DecisionOut:
        """From a screening outcome."""
        features = [FeatureOut(**service.feature_fields(f)) for f in d.features]
        return cls(
            entry_number=d.entry_number,
            line_number=d.line_number,
            decision=d.decision.value,
            score=d.score,
            features=features,
            explanation=ExplanationOut.of(d.explained()),
        )


class WarningOut(BaseModel):
    """A value kept as written but not read, so not used as evidence: where and why."""

    row: int
    column: str
    value: str
    reason: str


class ScreenOut(BaseModel):
    """A batch screening: how many lines of each decision, every line's decision, and the
    values of the file that could not be read (kept as written, not used as evidence)."""

    engine: str
    lines: int
    detain: int
    review: int
    release: int
    decisions: list[DecisionOut]
    values_not_read: int = 0
    warnings: list[WarningOut] = Field(default_factory=list)


class NotReadOut(BaseModel):
    """A value of a stored line kept as written because it could not be read."""

    value: str = Field(description="the text as the file wrote it")
    reason: str = Field(description="why it cannot be read (empty when it reads today)")


class ScreenedLineOut(BaseModel):
    """A stored line with its latest screening."""

    entry_number: str
    line_number: int
    importer: str
    manufacturer: str
    country_of_origin: str
    hts_code: str
    value_usd: str
    decision: str
    score: float
    features: list[FeatureOut]
    explanation: ExplanationOut
    screened_at: str
    list_editions: list[dict[str, str | bool]] = Field(
        default_factory=list,
        description="the list editions the screening read (empty: screened before recording)",
    )
    not_read: dict[str, NotReadOut] = Field(
        default_factory=dict,
        description="column -> the value kept as written because it could not be read (not "
        "used as evidence); empty when every value was read",
    )


class TierOut(BaseModel):
    """One supplier upstream, its tier and why it is flagged (null when it is not)."""

    tier: int
    buyer: str
    supplier: str
    material: str
    country: str
    flag: str | None


class TraceOut(BaseModel):
    """The tiers upstream of an entity and the nearest flagged supplier."""

    entity: str
    tiers: list[TierOut]
    nearest: TierOut | None


class OpenDetention(RequestBody):
    """Detain a flagged line."""

    entry_number: str = Field(min_length=11, max_length=13, pattern=r"^[A-Za-z0-9-]+$")
    line_number: int = Field(ge=1, le=999)
    reason: Text
    opened_on: DateText = None


class DetentionStep(RequestBody):
    """A step in a detention's ledger."""

    kind: Literal["notice_sent", "presented", "submission", "document", "protest_filed", "note"]
    reason: Text
    occurred_on: DateText = None
    title: str = Field(default="", max_length=500)
    dated: str = Field(default="", pattern=r"^(\d{4}-\d{2}-\d{2})?$")


class DetentionDecision(RequestBody):
    """The decision on a detention."""

    outcome: Literal["released", "excluded", "seized"]
    reason: Text
    decided_on: DateText = None
    correction: bool = False


class ClockOut(BaseModel):
    """A legal clock: what is due, when, and the law it models."""

    deadline: str
    label: str
    started: str
    due: str
    state: str
    days_left: int
    citation: str


class DetentionOut(BaseModel):
    """A detention as its ledger says it is today."""

    id: str
    entry_number: str
    line_number: int
    value_usd: str
    opened_on: str
    status: str
    decided_on: str | None
    events: list[detentions.DetentionEvent]
    clocks: list[ClockOut]

    @classmethod
    def of(cls, s: detentions.DetentionState) -> DetentionOut:
        """From the computed state."""
        clocks = [
            ClockOut(
                deadline=c.deadline.id,
                label=c.deadline.label,
                started=c.started,
                due=c.due,
                state=c.state,
                days_left=c.days_left,
                citation=c.deadline.citation,
            )
            for c in s.clocks
        ]
        return cls(
            id=s.id,
            entry_number=s.entry_number,
            line_number=s.line_number,
            value_usd=str(s.value_usd),
            opened_on=s.opened_on,
            status=s.status,
            decided_on=s.decided_on,
            events=list(s.events),
            clocks=clocks,
        )


class FiguresOut(BaseModel):
    """One fiscal year's detention figures (1 October - 30 September)."""

    fiscal_year: int
    detained: int
    released: int
    excluded: int
    seized: int
    value_detained: str
    value_seized: str


FILE_ROUTE = upload_route(FILE_BODY, MAX_FILE_BYTES)


@router.post("/entries", **FILE_ROUTE)
async def load_entries(
    principal: Writer,
    session: DbSession,
    request: Request,
    file_name: FileName = "entries.csv",
    strict: Strict = False,
) -> entries.EntryLoad:
    """Load entry lines (CSV), all or nothing, idempotent: a value that cannot be read is kept
    as written, not used as evidence and listed in `warnings` (row, column, value, reason);
    a row that is no line (its id, a party, its field count) refuses the file (422)."""
    data = await read_upload(request, MAX_FILE_BYTES, "the file")
    read = entries.read_entry_file(data, file_name, strict)
    return entries.load_entry_lines(session, data, file_name, principal.username, read)


@router.post("/screen", **FILE_ROUTE)
async def screen(
    principal: Writer,
    session: DbSession,
    request: Request,
    file_name: FileName = "entries.csv",
    chosen: ChosenLists = None,
    strict: Strict = False,
) -> ScreenOut:
    """Batch: load the entry lines (idempotent), screen every one against the approved official
    lists and the lists chosen (`?list=`), store and return decisions."""
    data = await read_upload(request, MAX_FILE_BYTES, "the file")
    read = entries.read_entry_file(data, file_name, strict)
    entries.load_entry_lines(session, data, file_name, principal.username, read)
    screener = service.build_screener(session, chosen=chosen or ())
    decisions = service.screen_lines(read.lines, screener)
    service.record_screenings(session, decisions, principal.username, "local", screener.editions)
    counts = {
        k: sum(1 for d in decisions if d.decision == k) for k in ("detain", "review", "release")
    }
    out = [DecisionOut.of(d) for d in decisions]
    warned = [WarningOut(**asdict(w)) for w in read.warnings]
    return ScreenOut(
        engine="local",
        lines=len(decisions),
        decisions=out,
        values_not_read=len(warned),
        warnings=warned,
        **counts,
    )


@router.get("/lines")
def screened_lines(
    _: Reader,
    session: DbSession,
    decision: Annotated[Literal["detain", "review", "release"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[ScreenedLineOut]:
    """Screened lines (latest screening each), highest score first."""
    return [_line_out(s) for s in service.screened_lines(session, decision, limit)]


def _line_out(s: service.ScreenedLine) -> ScreenedLineOut:
    line = s.line
    return ScreenedLineOut(
        entry_number=line.entry_number,
        line_number=line.line_number,
        importer=line.importer,
        manufacturer=line.manufacturer,
        country_of_origin=line.country_of_origin,
        hts_code=line.hts_code,
        value_usd="" if line.value_usd is None else str(line.value_usd),
        decision=s.decision,
        score=s.score,
        features=[FeatureOut(**f) for f in s.features],
        explanation=ExplanationOut.of(s.explanation),
        screened_at=s.screened_at,
        list_editions=list(s.list_editions),
        not_read={
            n.column: NotReadOut(value=n.value, reason=n.reason)
            for n in entries.values_not_read(line)
        },
    )


@router.post("/suppliers", **FILE_ROUTE)
async def load_suppliers(
    principal: Writer, session: DbSession, request: Request, file_name: FileName = "suppliers.csv"
) -> tiers.SupplierLoad:
    """Load supplier declarations (CSV buyer, supplier, material, or FtM UnknownLink lines)."""
    data = await read_upload(request, MAX_FILE_BYTES, "the file")
    return tiers.load_suppliers(session, data, file_name, principal.username)


@router.get("/trace")
def trace(
    _: Reader,
    session: DbSession,
    entity: Annotated[str, Query(min_length=1, max_length=300, description="a party's name")],
) -> TraceOut:
    """The supplier tiers upstream of a party and the nearest listed or XUAR supplier."""
    screener = service.build_screener(session)
    result = tiers.trace(tiers.supply_graph(tiers.stored_links(session)), entity, screener)
    rows = [_tier(r) for r in result.tiers]
    nearest = _tier(result.nearest) if result.nearest else None
    return TraceOut(entity=result.entity, tiers=rows, nearest=nearest)


def _tier(row: tiers.TierRow) -> TierOut:
    return TierOut(
        tier=row.tier,
        buyer=row.buyer,
        supplier=row.supplier,
        material=row.material,
        country=row.country,
        flag=row.flag,
    )


@router.get("/detentions")
def detention_queue(
    _: Reader, session: DbSession, include_closed: Annotated[bool, Query()] = False
) -> list[DetentionOut]:
    """The detention queue: the clock that runs out first at the top."""
    states = detentions.list_detentions(session, open_only=not include_closed)
    return [DetentionOut.of(s) for s in states]


@router.post("/detentions", responses=FOUND)
def open_detention(principal: Writer, session: DbSession, body: OpenDetention) -> DetentionOut:
    """Detain a flagged line (a second call returns the detention already open)."""
    entry = entries.parse_entry_number(body.entry_number)
    state = detentions.open_detention(
        session, entry, body.line_number, principal.username, body.reason, body.opened_on
    )
    return DetentionOut.of(state)


@router.get("/detentions/ledger", responses=FOUND)
def detention(_: Reader, session: DbSession, detention_id: DetentionId) -> DetentionOut:
    """One detention: its ledger, documents and legal clocks."""
    return DetentionOut.of(detentions.detention_state(session, detention_id))


@router.post("/detentions/steps", responses=FOUND)
def record_step(
    principal: Writer, session: DbSession, detention_id: DetentionId, body: DetentionStep
) -> DetentionOut:
    """Append a step: notice sent, goods presented, a submission, a document, a protest."""
    detail = {"title": body.title, "dated": body.dated}
    state = detentions.record_step(
        session,
        detention_id,
        body.kind,
        principal.username,
        body.reason,
        body.occurred_on,
        detail,
    )
    return DetentionOut.of(state)


@router.post("/detentions/decision", responses=FOUND)
def decide(
    principal: Decider, session: DbSession, detention_id: DetentionId, body: DetentionDecision
) -> DetentionOut:
    """Decide: release, exclusion or seizure (a correction must say so)."""
    state = detentions.decide(
        session,
        detention_id,
        body.outcome,
        principal.username,
        body.reason,
        body.decided_on,
        body.correction,
    )
    return DetentionOut.of(state)


@router.get("/figures")
def figures(
    _: Reader,
    session: DbSession,
    fiscal_year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
) -> list[FiguresOut]:
    """Detained, released, excluded, seized and values per fiscal year."""
    rows = detentions.figures(detentions.list_detentions(session, date.today()))
    return [
        FiguresOut(
            fiscal_year=r.fiscal_year,
            detained=r.detained,
            released=r.released,
            excluded=r.excluded,
            seized=r.seized,
            value_detained=str(r.value_detained),
            value_seized=str(r.value_seized),
        )
        for r in rows
        if fiscal_year is None or r.fiscal_year == fiscal_year
    ]
