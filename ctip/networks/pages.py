"""Workbench pages of the networks area: the list of ad networks and one network's view.

The view draws the network (ads and the phones, e-mails and accounts they share) as inline
SVG laid out on the server; clicking a node loads the ads behind it into a side panel with
htmx. Pages call the same services as the API and the CLI.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Depends, Request, Response

from ctip.authz.policy import Principal
from ctip.networks import explain, profile
from ctip.networks.access import NetworkAction
from ctip.networks.drawing import draw
from ctip.networks.tables import AdRow
from ctip.web.auth import WebSession, page_for
from ctip.web.frame import error_page, page_context, page_or_fragment
from ctip.web.rendering import render
from ctip.web.table import Column, Table, export_csv, parse_query, table_view, wants_export

router = APIRouter(include_in_schema=False)
NetworkReader = Annotated[Principal, Depends(page_for(NetworkAction.READ))]
MAX_QUERY: Final = 200
NODE_KINDS: Final = frozenset({"ad", "phone", "email", "account", "handle", "image"})
NOT_FOUND: Final = "No ad network with this id. It may have been merged into another one."


NETWORKS = Table(
    "networks",
    (
        Column("network", "Network", sortable=True, value=lambda n: n.id),
        Column("ads", "Ads", sortable=True, numeric=True, value=lambda n: n.ad_count),
        Column("first_posted", "First posted", sortable=True, value=lambda n: n.first_posted),
        Column("last_posted", "Last posted", sortable=True, value=lambda n: n.last_posted),
        Column(
            "score",
            "Top indicator score",
            sortable=True,
            numeric=True,
            value=lambda n: round(n.max_indicator_score, 4),
        ),
        Column("status", "Status", value=lambda n: n.status),
    ),
    default_sort="ads",
    default_descending=True,
)


@router.get("/networks")
def networks_list(
    request: Request, principal: NetworkReader, session: WebSession, phone: str = ""
) -> Response:
    """Ad networks, most ads first, a page at a time; or the networks holding a phone number.
    Sorted in the database and exported whole as CSV."""
    phone = phone.strip()[:MAX_QUERY]
    listing, query = profile.network_listing(phone), parse_query(request.query_params, NETWORKS)
    if wants_export(request):
        return export_csv(session, principal, NETWORKS, listing, query)
    view = table_view(request, NETWORKS, listing.page(session, query), keep=("phone",))
    context = {"networks": view, "phone": phone}
    return page_or_fragment(
        request, principal, "networks/list.html", "networks/_list.html", context, "/networks"
    )


@router.get("/networks/{network_id}")
def network_view(
    request: Request, principal: NetworkReader, session: WebSession, network_id: str
) -> Response:
    """One network: the drawing, its circuit, identifiers, indicators, ads and link evidence."""
    found = profile.network_profile(session, network_id)
    if found is None:
        return error_page(request, principal, 404, NOT_FOUND)
    context = page_context(
        request,
        principal,
        active="/networks",
        network=found,
        drawing=draw(found),
        why=explain.network_explanation(found),
    )
    return render(request, "networks/network.html", context)


@router.get("/networks/{network_id}/node")
def network_node(
    request: Request,
    principal: NetworkReader,
    session: WebSession,
    network_id: str,
    kind: str = "",
    value: str = "",
) -> Response:
    """The ads behind one node of the drawing (an ad itself, or a shared identifier)."""
    if kind not in NODE_KINDS or not value or len(value) > 500:
        return error_page(request, principal, 404, "No such node in this network.")
    ads = _node_ads(session, network_id, kind, value)
    context = {"network_id": network_id, "kind": kind, "value": value, "ads": ads}
    return page_or_fragment(
        request, principal, "networks/node.html", "networks/_node.html", context, "/networks"
    )


def _node_ads(
    session: WebSession, network_id: str, kind: str, value: str
) -> list[profile.AdSummary]:
    if kind != "ad":
        return profile.ads_with_identifier(session, network_id, kind, value)
    members = {ad.id for ad in profile.network_ads(session, network_id)}
    if not value.isdigit() or int(value) not in members:
        return []
    row = session.get(AdRow, int(value))
    return [profile.ad_summary(row)] if row is not None else []
