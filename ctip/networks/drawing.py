"""The drawing of a network: ads and the identifiers that join them, laid out server-side.

networkx computes a seeded spring layout (the same network is always drawn the same way);
the workbench renders the positions as inline SVG, so no script library is downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import networkx as nx

from ctip.networks.profile import NetworkProfile

WIDTH: Final = 900
HEIGHT: Final = 560
MARGIN: Final = 30
MAX_ADS_DRAWN: Final = 200
DRAWN_KINDS: Final = ("phone", "email", "account", "handle")
LAYOUT_SEED: Final = 7


@dataclass(frozen=True)
class Node:
    """A point of the drawing: an ad, or an identifier ads share."""

    id: str
    kind: str
    value: str
    label: str
    x: float
    y: float
    size: float


@dataclass(frozen=True)
class Edge:
    """A line of the drawing, with what it stands for."""

    source: Node
    target: Node
    kind: str


@dataclass(frozen=True)
class Drawing:
    """Nodes and edges with positions in a WIDTH x HEIGHT box; `truncated` if ads were left out."""

    nodes: list[Node]
    edges: list[Edge]
    width: int
    height: int
    truncated: bool


def _graph(profile: NetworkProfile) -> tuple[nx.Graph, dict[str, tuple[str, str, str]]]:
    graph: nx.Graph = nx.Graph()
    info: dict[str, tuple[str, str, str]] = {}
    drawn = profile.ads[:MAX_ADS_DRAWN]
    keys = {f"{ad.site}/{ad.ad_id}" for ad in drawn}
    for ad in drawn:
        node = f"ad:{ad.key}"
        info[node] = ("ad", str(ad.key), f"{ad.location or '?'} {ad.posted_at[:10]}")
        graph.add_node(node)
    shared = [i for i in profile.identifiers if i.kind in DRAWN_KINDS and i.ads > 1]
    ad_of = {f"{ad.site}/{ad.ad_id}": f"ad:{ad.key}" for ad in drawn}
    for identifier in shared:
        node = f"{identifier.kind}:{identifier.value}"
        info[node] = (identifier.kind, identifier.value, identifier.value)
        graph.add_node(node)
    for link in profile.links:
        if link.ad_a not in keys or link.ad_b not in keys:
            continue
        a, b = ad_of[link.ad_a], ad_of[link.ad_b]
        if link.kind in DRAWN_KINDS and f"{link.kind}:{link.value}" in info:
            hub = f"{link.kind}:{link.value}"
            graph.add_edge(a, hub, kind=link.kind)
            graph.add_edge(b, hub, kind=link.kind)
        else:
            graph.add_edge(a, b, kind=link.kind)
    return graph, info


def draw(profile: NetworkProfile) -> Drawing:
    """Lay the network out; identifier nodes grow with the number of ads behind them."""
    graph, info = _graph(profile)
    positions = nx.spring_layout(graph, seed=LAYOUT_SEED) if len(graph) else {}
    nodes: dict[str, Node] = {}
    for name, (x, y) in positions.items():
        kind, value, label = info[name]
        size = 6.0 if kind == "ad" else 8.0 + min(10.0, graph.degree(name) / 2)
        nodes[name] = Node(
            name,
            kind,
            value,
            label,
            round(MARGIN + (x + 1) / 2 * (WIDTH - 2 * MARGIN), 1),
            round(MARGIN + (y + 1) / 2 * (HEIGHT - 2 * MARGIN), 1),
            size,
        )
    edges = [Edge(nodes[a], nodes[b], data["kind"]) for a, b, data in graph.edges(data=True)]
    return Drawing(list(nodes.values()), edges, WIDTH, HEIGHT, len(profile.ads) > MAX_ADS_DRAWN)
