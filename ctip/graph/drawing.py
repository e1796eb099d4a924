"""A sub-network laid out for drawing: positions from networkx's spring layout (seeded, so the
same network is always drawn the same way), colours by FtM schema, one labelled line per pair.

Only geometry and labels live here; the workbench template turns them into inline SVG.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from followthemoney import model

from ctip.graph.build import Edge, Node, pair
from ctip.graph.service import SubNetwork

WIDTH = 960
HEIGHT = 640
MARGIN = 60
LAYOUT_SEED = 7
SCHEMA_COLOURS = {
    "Person": "#1f77b4",
    "Company": "#d62728",
    "Organization": "#9467bd",
    "LegalEntity": "#8c564b",
    "PublicBody": "#7f7f7f",
    "Address": "#2ca02c",
    "BankAccount": "#ff7f0e",
    "UserAccount": "#17becf",
    "Vessel": "#bcbd22",
    "Vehicle": "#bcbd22",
}
OTHER_COLOUR = "#555555"
TIMES = "\N{MULTIPLICATION SIGN}"


@dataclass(frozen=True)
class DrawnNode:
    """An entity at a position, with its colour and whether it is a centre of the view."""

    node: Node
    x: float
    y: float
    colour: str
    centre: bool
    hops: int


@dataclass(frozen=True)
class DrawnEdge:
    """The line between two entities, labelled by the kinds of link it stands for."""

    x1: float
    y1: float
    x2: float
    y2: float
    label: str
    count: int

    @property
    def mid_x(self) -> float:
        """Where the label goes."""
        return (self.x1 + self.x2) / 2

    @property
    def mid_y(self) -> float:
        """Where the label goes."""
        return (self.y1 + self.y2) / 2


@dataclass(frozen=True)
class Drawing:
    """Everything the SVG template needs."""

    width: int
    height: int
    nodes: tuple[DrawnNode, ...]
    edges: tuple[DrawnEdge, ...]
    legend: tuple[tuple[str, str], ...]


def schema_colour(schema: str) -> str:
    """The fill colour of a schema's nodes."""
    return SCHEMA_COLOURS.get(schema, OTHER_COLOUR)


def layout(network: SubNetwork) -> dict[str, tuple[float, float]]:
    """Spring-layout positions scaled into the drawing area (the centre nodes pulled in)."""
    import networkx as nx  # loaded when a network is drawn, not at start

    graph = nx.Graph()
    graph.add_nodes_from(sorted(n.id for n in network.nodes))
    graph.add_edges_from(sorted({pair(e.source, e.target) for e in network.edges}))
    if graph.number_of_nodes() == 1:
        return {next(iter(graph.nodes)): (WIDTH / 2, HEIGHT / 2)}
    raw = nx.spring_layout(graph, seed=LAYOUT_SEED, iterations=100)
    return {node: _scale(float(x), float(y)) for node, (x, y) in raw.items()}


def _scale(x: float, y: float) -> tuple[float, float]:
    """From spring_layout's [-1, 1] square into the drawing's margins."""
    span_x, span_y = (WIDTH - 2 * MARGIN) / 2, (HEIGHT - 2 * MARGIN) / 2
    return (round(WIDTH / 2 + x * span_x, 1), round(HEIGHT / 2 + y * span_y, 1))


def draw(network: SubNetwork) -> Drawing:
    """The sub-network as positioned, coloured, labelled shapes."""
    positions = layout(network)
    centre = set(network.centre)
    nodes = tuple(
        DrawnNode(n, *positions[n.id], schema_colour(n.schema), n.id in centre, network.hops[n.id])
        for n in network.nodes
    )
    legend = tuple(sorted({(n.schema, schema_colour(n.schema)) for n in network.nodes}))
    return Drawing(WIDTH, HEIGHT, nodes, _edges(network.edges, positions), legend)


def _edges(
    edges: tuple[Edge, ...], positions: dict[str, tuple[float, float]]
) -> tuple[DrawnEdge, ...]:
    """One line per pair of entities, labelled 'Payment x3' or 'Payment, Address'."""
    kinds: dict[tuple[str, str], Counter[str]] = {}
    for edge in edges:
        kinds.setdefault(pair(edge.source, edge.target), Counter())[type_label(edge)] += 1
    return tuple(
        DrawnEdge(*positions[a], *positions[b], _edge_label(counts), sum(counts.values()))
        for (a, b), counts in sorted(kinds.items())
    )


def type_label(edge: Edge) -> str:
    """'Payment', 'Ownership'... for an edge entity; the property or identifier otherwise."""
    schema = model.get(edge.kind)
    return schema.label if schema is not None else edge.label


def _edge_label(counts: Counter[str]) -> str:
    parts = [f"{label} {TIMES}{n}" if n > 1 else label for label, n in sorted(counts.items())]
    return ", ".join(parts)
