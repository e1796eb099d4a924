"""Workbench pages of the link graph: pick an entity, then see and grow its network.

`/graph/{entity_id}` draws the entity's neighbourhood as inline SVG laid out on the server.
Clicking a node asks htmx for the same view with that node expanded and selected; the
server answers with the view fragment only. Every fact shown comes from `ctip.graph.service`
and the store, as the API's do.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request, Response

from ctip.authz.need_to_know import hidden_sources
from ctip.authz.policy import Principal
from ctip.graph import service
from ctip.graph.access import GraphAction
from ctip.graph.build import cached_graph
from ctip.graph.drawing import draw, schema_colour, type_label
from ctip.store import entities as store
from ctip.web import views
from ctip.web.auth import WebSession, page_for
from ctip.web.frame import error_page, page_context, page_or_fragment
from ctip.web.rendering import redirect, render

router = APIRouter(include_in_schema=False)
GraphReader = Annotated[Principal, Depends(page_for(GraphAction.READ))]
MAX_SEARCH_CHARS = 200
MAX_EXPANDED = 20
MAX_DRAWN = 150
"""More entities than this make an unreadable drawing; the view says it was cut."""
TOP_CENTRAL = 10


@router.get("/graph")
def graph_index(
    request: Request, principal: GraphReader, session: WebSession, q: str = ""
) -> Response:
    """Find an entity to start from; the most central entities are offered as starts too."""
    q, hidden = q.strip()[:MAX_SEARCH_CHARS], hidden_sources(principal)
    found = store.search_by_name(session, q, store.DEFAULT_LIMIT, hidden=hidden) if q else []
    central = service.centrality(cached_graph(session, hidden), None, TOP_CENTRAL)
    context = page_context(request, principal, active="/graph", q=q, found=found, central=central)
    return render(request, "graph/index.html", context)


def graph_href(centre: str, expanded: list[str], selected: str | None = None) -> str:
    """The view of `centre` with `expanded` nodes' neighbours merged in."""
    params = [("expand", e) for e in expanded]
    if selected:
        params.append(("selected", selected))
    query = f"?{urlencode(params)}" if params else ""
    return f"/graph/{quote(centre, safe='')}{query}"


@router.get("/graph/{entity_id:path}")
def graph_view(
    request: Request,
    principal: GraphReader,
    session: WebSession,
    entity_id: str,
    expand: Annotated[list[str] | None, Query()] = None,
    selected: str | None = None,
) -> Response:
    """The entity's network; a fragment (the drawing and side panel) for htmx requests. An
    entity the user's areas do not let them see is not in their graph (404)."""
    hidden = hidden_sources(principal)
    graph = cached_graph(session, hidden)
    ends = graph.edge_ends(entity_id) if entity_id not in graph.index else None
    if ends is not None:  # a payment, ownership...: show both of its ends
        return redirect(graph_href(ends[0], [ends[1]], ends[1]))
    expanded = [e for e in dict.fromkeys(expand or []) if e in graph.index][:MAX_EXPANDED]
    try:
        network = service.neighbourhood(graph, [entity_id, *expanded], 1, MAX_DRAWN)
    except service.UnknownEntity:
        message = "No entity with this id is in the link graph."
        return error_page(request, principal, 404, message)
    focus = selected if selected in network.hops else entity_id
    context = _view_context(session, network, entity_id, expanded, focus, hidden)
    return page_or_fragment(
        request, principal, "graph/view.html", "graph/_view.html", context, "/graph"
    )


def _view_context(
    session: WebSession,
    network: service.SubNetwork,
    centre: str,
    expanded: list[str],
    focus: str,
    hidden: store.Hidden,
) -> dict[str, Any]:
    """The drawing, each node's expand link, and the selected node's panel."""
    drawing = draw(network)
    expand_links = {
        n.node.id: graph_href(centre, [*expanded, n.node.id], n.node.id) for n in drawing.nodes
    }
    return {
        "centre": network.centre[0],
        "centre_node": next(n for n in network.nodes if n.id == centre),
        "drawing": drawing,
        "network": network,
        "expand_links": expand_links,
        "panel": _panel(session, network, focus, hidden),
        "edge_rows": [(e, type_label(e)) for e in network.edges],
        "captions": {n.id: n.caption for n in network.nodes},
    }


def _panel(
    session: WebSession, network: service.SubNetwork, focus: str, hidden: store.Hidden
) -> dict[str, object]:
    """The selected entity's properties with provenance, and its links in the view."""
    record = store.get_entity(session, focus, hidden)
    links = store.entity_links(session, focus, hidden) if record is not None else []
    node = next(n for n in network.nodes if n.id == focus)
    return {
        "node": node,
        "colour": schema_colour(node.schema),
        "properties": views.property_views(record, links) if record is not None else [],
        "edges": [(e, type_label(e)) for e in network.edges if focus in (e.source, e.target)],
    }
