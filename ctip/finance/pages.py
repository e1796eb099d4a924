"""Workbench pages of the finance area: the flagged-accounts queue, an account (its score
and why, its money-flow drawing, its patterns and payments), a pattern with its payments in
a table, and the draft SAR narrative. Every page calls the same services as the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from markupsafe import Markup

from ctip.authz.policy import Principal
from ctip.finance import drawing, sar, service
from ctip.finance.access import FinanceAction
from ctip.model.errors import NotFound
from ctip.web.auth import WebSession, page_for
from ctip.web.frame import error_page, page_context
from ctip.web.rendering import render
from ctip.web.table import Column, FilterKind, Table, table_page

router = APIRouter(include_in_schema=False)
FinanceReader = Annotated[Principal, Depends(page_for(FinanceAction.READ))]

QUEUE = Table(
    "accounts",
    (
        Column("account", "Account", sortable=True, value=lambda e: e.account_id),
        Column("holder", "Holder", sortable=True, value=lambda e: e.holder),
        Column("score", "Score", sortable=True, numeric=True, value=lambda e: round(e.score, 4)),
        Column(
            "typologies",
            "Typologies",
            filter=FilterKind.TEXT,
            value=lambda e: e.typologies,
        ),
        Column("red_flags", "Red flags", filter=FilterKind.TEXT, value=lambda e: e.red_flags),
    ),
    search_label="Account or holder",
    default_sort="score",
    default_descending=True,
)


@router.get("/finance")
def queue(request: Request, principal: FinanceReader, session: WebSession) -> Response:
    """Accounts the newest scan flagged, highest score first; paged, sorted, filtered in
    SQL and exported whole as CSV."""
    listing = service.queue_listing()
    return table_page(request, principal, session, QUEUE, listing, "finance/queue.html", "/finance")


@router.get("/finance/accounts/{account_id}")
def account_page(
    request: Request, principal: FinanceReader, session: WebSession, account_id: str
) -> Response:
    """One account: why it scored as it did, its money flows drawn, its patterns, payments."""
    try:
        view = service.account_view(session, account_id, principal.username)
    except NotFound as error:
        return error_page(request, principal, 404, error.message)
    pattern_ids = {tx for p, _ in view.patterns for tx in p.transactions}
    flows = [t for t in view.transactions if t.tx_id in pattern_ids] or view.transactions[:40]
    context = page_context(
        request,
        principal,
        active="/finance",
        view=view,
        svg=Markup(drawing.flow_svg(account_id, flows)),
    )
    return render(request, "finance/account.html", context)


@router.get("/finance/patterns/{pattern_id}")
def pattern_page(
    request: Request, principal: FinanceReader, session: WebSession, pattern_id: str
) -> Response:
    """A pattern: its accounts and roles, its flows drawn, its payments in a table."""
    try:
        found = service.pattern(session, pattern_id)
    except NotFound as error:
        return error_page(request, principal, 404, error.message)
    payments = service.pattern_transactions(session, found)
    hub = next(
        (m.account_id for m in found.members if m.role == "hub"), found.members[0].account_id
    )
    context = page_context(
        request,
        principal,
        active="/finance",
        pattern=found,
        payments=payments,
        svg=Markup(drawing.flow_svg(hub, payments)),
    )
    return render(request, "finance/pattern.html", context)


@router.get("/finance/accounts/{account_id}/sar")
def sar_page(
    request: Request,
    principal: FinanceReader,
    session: WebSession,
    account_id: str,
    format: str = "text",
) -> Response:
    """The draft SAR narrative: on the page, or downloaded as text (`txt`) or PDF."""
    try:
        narrative = sar.draft(service.account_view(session, account_id, principal.username))
    except NotFound as error:
        return error_page(request, principal, 404, error.message)
    if format == "pdf":
        return Response(
            sar.pdf_bytes(narrative),
            media_type="application/pdf",
            headers=_attachment(account_id, "pdf"),
        )
    if format == "txt":
        return Response(
            narrative.text(),
            media_type="text/plain; charset=utf-8",
            headers=_attachment(account_id, "txt"),
        )
    context = page_context(
        request, principal, active="/finance", narrative=narrative, account_id=account_id
    )
    return render(request, "finance/sar.html", context)


def _attachment(account_id: str, suffix: str) -> dict[str, str]:
    """Download headers naming the draft after its account (only safe characters kept)."""
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in account_id)[:80]
    return {"Content-Disposition": f'attachment; filename="sar-draft-{name}.{suffix}"'}
