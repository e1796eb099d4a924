"""An account's money flows drawn as SVG on the server: the payments of its patterns, each
arrow labelled with the amount and the step (day), laid out by networkx with a fixed seed so
the same account is always drawn the same way. No script library reaches the browser."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Final

from ctip.finance.tables import TransactionRow

WIDTH: Final = 860
HEIGHT: Final = 520
MARGIN: Final = 60
MAX_EDGES: Final = 120
SEED: Final = 7


def flow_svg(account_id: str, payments: Sequence[TransactionRow]) -> str:
    """The flows among the accounts of the payments, the account itself highlighted."""
    import networkx as nx

    drawn = list(payments)[:MAX_EDGES]
    if not drawn:
        return ""
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    graph.add_node(account_id)
    for tx in drawn:
        graph.add_edge(tx.source, tx.target)
    layout = nx.spring_layout(graph, seed=SEED)
    xs = [p[0] for p in layout.values()]
    ys = [p[1] for p in layout.values()]
    spread_x, spread_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0

    def at(node: str) -> tuple[float, float]:
        x, y = layout[node]
        return (
            MARGIN + (x - min(xs)) / spread_x * (WIDTH - 2 * MARGIN),
            MARGIN + (y - min(ys)) / spread_y * (HEIGHT - 2 * MARGIN),
        )

    parts = [
        f'<svg class="money-flow" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>Money flows of account {escape(account_id)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" '
        'markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/>'
        "</marker></defs>",
    ]
    for tx in drawn:
        (x1, y1), (x2, y2) = at(tx.source), at(tx.target)
        label = f"{tx.amount} @ {tx.occurred_at or tx.step}"
        parts.append(
            f'<g class="flow"><line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            'stroke="#555" marker-end="url(#arrow)"/>'
            f'<text x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2 - 3:.1f}" font-size="10">'
            f"{escape(label)}</text></g>"
        )
    for node in graph.nodes:
        x, y = at(node)
        own = ' class="account own"' if node == account_id else ' class="account"'
        parts.append(
            f'<g{own}><circle cx="{x:.1f}" cy="{y:.1f}" r="{12 if node == account_id else 8}" '
            f'fill="{"#b00" if node == account_id else "#36c"}"/>'
            f'<text x="{x + 12:.1f}" y="{y + 4:.1f}" font-size="11">{escape(node)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
