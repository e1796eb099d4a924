"""API routes of the finance area: load bank records, scan, the flags, an account, a pattern
and the draft SAR narrative. Files are sent whole as the request body and are validated,
stored all or nothing and idempotent, like every import."""

from __future__ import annotations

import dataclasses
import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from ctip.api.deps import DbSession, get_database, require
from ctip.api.explanations import ExplanationOut
from ctip.api.schemas import error_responses, job_accepted
from ctip.api.uploads import read_upload, upload_route
from ctip.authz.policy import Principal
from ctip.finance import loading, readers, sar, service
from ctip.finance.access import FinanceAction
from ctip.finance.detect import Pattern
from ctip.store import jobs
from ctip.store.db import Database

router = APIRouter(prefix="/finance", tags=["finance"])
Reader = Annotated[Principal, Depends(require(FinanceAction.READ))]
Writer = Annotated[Principal, Depends(require(FinanceAction.WRITE))]
AccountId = Annotated[str, Query(alias="account", min_length=1, max_length=100)]
FileName = Annotated[str, Query(min_length=1, max_length=500)]
MAX_FILE_BYTES = 200 * 1024 * 1024
FILE_BODY = {
    "description": "transactions: CSV (csv format) or AMLworld CSV, UTF-8 or gzip",
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}
FOUND = error_responses(404)


class NoteOut(BaseModel):
    """A value kept as given but not understood."""

    file: str
    row: int
    column: str
    reason: str


class LoadOut(BaseModel):
    """What a load stored."""

    file_name: str
    accounts: int
    accounts_new: int
    transactions: int
    already_loaded: bool
    unreadable_values: list[NoteOut]


class FlagOut(BaseModel):
    """One account's row of FLAGS.csv."""

    account_id: str
    score: float
    flagged: bool
    typologies: list[str]
    red_flags: list[str]
    explanation: str


class MemberOut(BaseModel):
    """An account in a pattern and its role."""

    account_id: str
    role: str


class PatternOut(BaseModel):
    """A found typology."""

    id: str
    kind: str
    members: list[MemberOut]
    transactions: list[str]
    first_step: int
    last_step: int
    total: float
    score: float
    summary: str

    @classmethod
    def of(cls, p: Pattern) -> PatternOut:
        """From a found pattern."""
        members = [MemberOut(account_id=m.account_id, role=m.role) for m in p.members]
        return cls(
            id=p.id,
            kind=p.kind,
            members=members,
            transactions=list(p.transactions),
            first_step=p.first_step,
            last_step=p.last_step,
            total=p.total,
            score=p.score,
            summary=p.sentence(),
        )


class PaymentOut(BaseModel):
    """A stored payment."""

    tx_id: str
    source: str
    target: str
    amount: str
    currency: str
    step: int
    occurred_at: str
    channel: str


class AccountOut(BaseModel):
    """An account with its finding, patterns and payments."""

    account_id: str
    holder_name: str
    score: float | None
    flagged: bool
    explanation: ExplanationOut | None
    patterns: list[PatternOut]
    transactions: list[PaymentOut]


@router.post("/load", **upload_route(FILE_BODY, MAX_FILE_BYTES))
async def load(
    principal: Writer,
    session: DbSession,
    request: Request,
    file_name: FileName = "transactions.csv",
    fmt: Annotated[Literal["csv", "amlworld"], Query(alias="format")] = "csv",
) -> LoadOut:
    """Load transactions (plain CSV or AMLworld): validated whole, all or nothing, once."""
    data = await read_upload(request, MAX_FILE_BYTES, "the transactions file")
    if fmt == "amlworld":

        def read() -> readers.BankRecords:
            return readers.read_amlworld(data, file_name)
    else:

        def read() -> readers.BankRecords:
            return readers.read_csv(None, "", data, file_name)

    outcome = loading.load_records(
        session, {file_name: data}, f"{fmt}:{file_name}", read, principal.username
    )
    notes = [
        NoteOut(file=n.file_name, row=n.row, column=n.column, reason=n.reason)
        for n in outcome.notes
    ]
    return LoadOut(
        file_name=outcome.file_name,
        accounts=outcome.accounts,
        accounts_new=outcome.accounts_new,
        transactions=outcome.transactions,
        already_loaded=outcome.already_loaded,
        unreadable_values=notes[:1000],
    )


SCAN_JOB = "finance.scan"


def scan_work(actor: str) -> jobs.Work:
    """The scan as a job's work: the same service as `ctip finance scan`."""

    def work(session: Session, progress: jobs.Progress) -> dict[str, Any]:
        outcome = service.scan(session, actor, progress=progress)
        return {**dataclasses.asdict(outcome), "summary": _summary(outcome)}

    return work


def _summary(outcome: service.ScanOutcome) -> str:
    return (
        f"Scan {outcome.scan_id}: {outcome.transactions} transactions, {outcome.accounts} "
        f"accounts, {outcome.flagged} flagged, {outcome.patterns} patterns."
    )


@router.post("/scan", status_code=202, response_model=jobs.JobView)
def scan(principal: Writer, database: Annotated[Database, Depends(get_database)]) -> JSONResponse:
    """Scan every stored payment as one job (typologies, red flags, links; one score per
    account): 202 with the job at once; when done its `result` holds the scan's counts."""
    job = jobs.submit(database.session, SCAN_JOB, principal.username, scan_work(principal.username))
    return job_accepted(job)


@router.get("/flags", responses=FOUND)
def flags(principal: Reader, session: DbSession, flagged: bool | None = None) -> list[FlagOut]:
    """FLAGS.csv as JSON: every account of the newest scan (or only flagged ones)."""
    rows = []
    for account_id, score, is_flagged, typologies, red_flags, text in service.flag_rows(
        session, flagged
    ):
        rows.append(
            FlagOut(
                account_id=account_id,
                score=float(score),
                flagged=is_flagged == "true",
                typologies=[t for t in typologies.split(",") if t],
                red_flags=[r for r in red_flags.split(",") if r],
                explanation=text,
            )
        )
    return rows


@router.get("/flags.csv", responses=FOUND)
def flags_csv(principal: Reader, session: DbSession) -> Response:
    """FLAGS.csv itself."""
    out = io.StringIO()
    service.flags_csv(session, out)
    return Response(out.getvalue(), media_type="text/csv")


@router.get("/accounts", responses=FOUND)
def account(principal: Reader, session: DbSession, account_id: AccountId) -> AccountOut:
    """An account: its score and why, its patterns and its payments (the read is audited)."""
    view = service.account_view(session, account_id, principal.username)
    finding = view.finding
    return AccountOut(
        account_id=view.account_id,
        holder_name=view.account.holder_name if view.account else "",
        score=float(finding.score) if finding else None,
        flagged=bool(finding.flagged) if finding else False,
        explanation=ExplanationOut.of(view.explanation) if view.explanation else None,
        patterns=[PatternOut.of(p) for p, _ in view.patterns],
        transactions=[
            PaymentOut(
                tx_id=t.tx_id,
                source=t.source,
                target=t.target,
                amount=t.amount,
                currency=t.currency,
                step=t.step,
                occurred_at=t.occurred_at,
                channel=t.channel,
            )
            for t in view.transactions
        ],
    )


@router.get("/patterns", responses=FOUND)
def pattern(
    principal: Reader,
    session: DbSession,
    pattern_id: Annotated[str, Query(alias="pattern", min_length=3, max_length=40)],
) -> PatternOut:
    """A pattern of the newest scan."""
    return PatternOut.of(service.pattern(session, pattern_id))


@router.get("/sar", responses=FOUND)
def sar_draft(
    principal: Reader,
    session: DbSession,
    account_id: AccountId,
    fmt: Annotated[Literal["text", "pdf"], Query(alias="format")] = "text",
) -> Response:
    """The draft SAR narrative of an account (five Ws, marked DRAFT), as text or PDF."""
    narrative = sar.draft(service.account_view(session, account_id, principal.username))
    if fmt == "pdf":
        return Response(sar.pdf_bytes(narrative), media_type="application/pdf")
    return Response(narrative.text(), media_type="text/plain; charset=utf-8")
