"""The `ctip graph` commands: neighbours, paths, communities, centrality, FtM export.

Each command calls the same service functions as the API and the workbench.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from ctip.commands.common import (
    FormatOption,
    OutputFormat,
    errors,
    fail,
    print_rows,
    store_session,
)
from ctip.graph import service
from ctip.graph.build import Edge, LinkGraph, cached_graph
from ctip.graph.export import export_network

app = typer.Typer(
    help="The link graph: neighbours, paths, communities, centrality, FtM export.",
    no_args_is_help=True,
)
console = Console()
Depth = Annotated[int, typer.Option(min=1, max=service.MAX_DEPTH, help="hops from the entity")]


@contextmanager
def _graph() -> Iterator[tuple[Session, LinkGraph]]:
    """A session on the configured store and its link graph, with a progress spinner."""

    with store_session() as session:
        with errors.status("building the link graph"):
            graph = cached_graph(session)
        yield session, graph


def _evidence(edge: Edge) -> str:
    facts = ", ".join(f"{k}={v}" for k, v in edge.evidence)
    via = f" via {edge.via}" if edge.via else ""
    return escape(f"{edge.label}{via} [{facts}]")


@app.command("neighbours")
def neighbours(entity_id: str, depth: Depth = 1) -> None:
    """The entities within DEPTH hops of ENTITY_ID, and the links among them."""
    with _graph() as (_, graph):
        network = service.neighbourhood(graph, [entity_id], depth)
    table = Table("hops", "id", "schema", "caption")
    for node in sorted(network.nodes, key=lambda n: (network.hops[n.id], n.caption)):
        table.add_row(
            str(network.hops[node.id]), escape(node.id), node.schema, escape(node.caption)
        )
    console.print(table)
    for edge in network.edges:
        console.print(f"{escape(edge.source)} — {escape(edge.target)}: {_evidence(edge)}")
    cut = " (cut at the limit)" if network.truncated else ""
    console.print(f"{len(network.nodes)} entities, {len(network.edges)} links{cut}")


@app.command("path")
def path(source: str, target: str) -> None:
    """Every shortest chain of links between two entities, each hop with its evidence."""
    with _graph() as (_, graph):
        paths = service.shortest_paths(graph, source, target)
    if not paths:
        raise fail(f"{source} and {target} are not connected")
    for number, found in enumerate(paths, start=1):
        console.print(f"[bold]path {number}[/] ({found.length} links)")
        for hop in found.hops:
            console.print(escape(f"  {hop.source.caption} → {hop.target.caption}"), highlight=False)
            for edge in hop.edges:
                console.print(f"      {_evidence(edge)}", highlight=False)


@app.command("communities")
def communities(
    min_size: Annotated[int, typer.Option(min=1, help="leave out smaller communities")] = 3,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Leiden communities of the whole graph, largest first (fixed seed: repeatable)."""
    with _graph() as (_, graph):
        groups = service.communities(graph, min_size)
    _print_groups(groups, output)


@app.command("components")
def components(
    min_size: Annotated[int, typer.Option(min=1, help="leave out smaller components")] = 2,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Connected components, largest first."""
    with _graph() as (_, graph):
        groups = service.components(graph, min_size)
    _print_groups(groups, output)


def _print_groups(groups: list[service.Group], output: OutputFormat) -> None:
    """A table shows the first five members; CSV and JSON name every one."""
    shown = 5 if output is OutputFormat.TABLE else None
    rows = [
        (g.number, g.size, g.edge_count, ", ".join(n.caption for n in g.members[:shown]))
        for g in groups
    ]
    members = "members (first 5)" if shown else "members"
    print_rows(output, ("number", "entities", "links", members), rows)
    if output is OutputFormat.TABLE:
        console.print(f"{len(groups)} groups")


@app.command("central")
def central(
    top: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    entity: Annotated[str | None, typer.Option(help="only this entity's component")] = None,
    community: Annotated[int | None, typer.Option(min=1, help="only this community")] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """The most central entities by PageRank, with degree and betweenness."""
    with _graph() as (_, graph):
        scope = _scope(graph, entity, community)
        rows = service.centrality(graph, scope, top)
    columns = ("id", "schema", "caption", "degree", "betweenness", "PageRank")
    cells = [
        (r.node.id, r.node.schema, r.node.caption, r.degree, r.betweenness, r.pagerank)
        for r in rows
    ]
    print_rows(output, columns, cells)
    if output is OutputFormat.TABLE and rows and rows[0].approximate:
        limit = service.BETWEENNESS_CUTOFF
        console.print(f"betweenness counts paths of up to {limit} links (a large scope)")


def _scope(graph: LinkGraph, entity: str | None, community: int | None) -> list[str] | None:
    if entity is not None:
        return service.component_of(graph, entity)
    if community is not None:
        return service.community_members(graph, community)
    return None


@app.command("export")
def export(
    entity_id: str,
    out: Annotated[Path, typer.Option(dir_okay=False, help="FtM JSON lines file to write")],
    depth: Depth = 2,
) -> None:
    """The sub-network around ENTITY_ID as FtM JSON lines (entities and edge entities)."""
    with _graph() as (session, graph):
        network = service.neighbourhood(graph, [entity_id], depth)
        count = 0
        with out.open("w", encoding="utf-8") as stream:
            for entity in export_network(session, network):
                stream.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
    console.print(f"wrote {count} entities ({len(network.edges)} links) to {out}")
