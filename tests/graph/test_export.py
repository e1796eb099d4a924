"""A sub-network exported as FtM lines opens in any FtM tool with every entity and link."""

from __future__ import annotations

import json

from followthemoney import model

from ctip.graph import service
from ctip.graph.build import build_graph
from ctip.graph.export import export_network
from ctip.store.db import Database
from tests.graph.network import CLIQUE_A, PAYMENT, entities, import_network


def test_export_reparses_with_followthemoney(database: Database) -> None:
    import_network(database)
    with database.session() as session:
        graph = build_graph(session)
        network = service.neighbourhood(graph, ["a1"], 1)
        lines = [json.dumps(e) for e in export_network(session, network)]
    proxies = {p.id: p for p in (model.get_proxy(json.loads(line)) for line in lines)}
    links = {f"link-{x}-{y}" for i, x in enumerate(CLIQUE_A) for y in CLIQUE_A[i + 1 :]}
    assert set(proxies) == set(CLIQUE_A) | {"b1"} | links | {PAYMENT}
    for proxy in proxies.values():  # every edge's two ends travel with it
        if proxy.schema.edge:
            ends = proxy.get(proxy.schema.edge_source) + proxy.get(proxy.schema.edge_target)
            assert set(ends) <= set(proxies), proxy.id
    original = {e["id"]: e for e in entities()}
    payment = proxies[PAYMENT]
    assert payment.schema.name == "Payment"
    assert payment.get("amount") == original[PAYMENT]["properties"]["amount"]
    assert proxies["a2"].get("phone") == ["+12025550100"]
