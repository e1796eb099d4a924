"""Workbench pages of the resolve area: clusters to review, one cluster with the evidence for
each link, and the confirm / reject forms that write to the judgement ledger.

Every page calls the same `ctip.resolve.service` functions as the API and the CLI.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response

from ctip.authz.need_to_know import hidden_sources
from ctip.authz.policy import Principal, can
from ctip.resolve import explain, service
from ctip.resolve.access import ResolveAction
from ctip.web.auth import WebSession, csrf_ok, page_for
from ctip.web.forms import FormText, Token
from ctip.web.frame import error_page, form_expired, page_context
from ctip.web.rendering import redirect, render
from ctip.web.table import Column, Table, table_page

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(page_for(ResolveAction.READ))]
Judge = Annotated[Principal, Depends(page_for(ResolveAction.JUDGE))]
MAX_REF = 255


CLUSTERS = Table(
    "clusters",
    (
        Column("cluster", "Cluster", sortable=True, value=lambda c: c.cluster_id),
        Column("records", "Records", sortable=True, numeric=True, value=lambda c: c.size),
    ),
    search_label="Cluster id contains",
    default_sort="records",
    default_descending=True,
)


@router.get("/resolve")
def review_list(
    request: Request, principal: Reader, session: WebSession, ref: str = ""
) -> Response:
    """Clusters to review, largest first, a page at a time; and a look-up by cluster or
    record id."""
    if ref.strip():
        return redirect(f"/resolve/clusters/{quote(ref.strip()[:MAX_REF], safe='')}")
    listing = service.cluster_listing(hidden_sources(principal))
    return table_page(
        request, principal, session, CLUSTERS, listing, "resolve/index.html", "/resolve"
    )


def _cluster_page(
    request: Request,
    principal: Principal,
    session: WebSession,
    ref: str,
    error: str = "",
    status: int = 200,
) -> Response:
    hidden = hidden_sources(principal)
    try:
        view = service.get_cluster(session, ref, hidden)
    except service.UnknownReference:
        return error_page(request, principal, 404, "No cluster or record with this id.")
    context = page_context(
        request,
        principal,
        active="/resolve",
        view=view,
        explanations=[
            explain.link_explanation(k, view.judgements, view.cluster_id) for k in view.links
        ],
        history=service.history(session, view.cluster_id, hidden),
        can_judge=can(principal, ResolveAction.JUDGE),
        error=error,
    )
    return render(request, "resolve/cluster.html", context, status_code=status)


@router.get("/resolve/clusters/{ref}")
def cluster_page(request: Request, principal: Reader, session: WebSession, ref: str) -> Response:
    """One cluster: its records, each link with the weight of every comparison, judgements."""
    return _cluster_page(request, principal, session, ref)


@router.post("/resolve/clusters/{ref}/judge")
def judge(
    request: Request,
    principal: Judge,
    session: WebSession,
    ref: str,
    left: FormText = "",
    right: FormText = "",
    decision: FormText = "",
    why: FormText = "",
    token: Token = "",
) -> Response:
    """Confirm or reject a merge, then show the cluster as the ledger now makes it."""
    if not csrf_ok(request, token):
        return form_expired(request, principal)
    if decision not in (service.SAME, service.DIFFERENT):
        return _cluster_page(request, principal, session, ref, "Choose same or different.", 400)
    try:
        outcome = service.judge(
            session,
            principal.username,
            left[:MAX_REF],
            right[:MAX_REF],
            decision == service.SAME,
            why[: service.MAX_WHY],
            hidden_sources(principal),
        )
    except (ValueError, LookupError) as error:
        return _cluster_page(request, principal, session, ref, str(error), 400)
    target = outcome.left_cluster if left == ref or ref.startswith("cl-") else left
    return redirect(f"/resolve/clusters/{quote(target, safe='')}")
