"""The graph API: neighbourhood, paths, communities, centrality and FtM export over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from followthemoney import model

from ctip.api.app import create_app
from ctip.authz import users
from ctip.config import Environment, Settings
from ctip.store.db import Database
from tests.conftest import TEST_PASSWORD
from tests.graph.network import CLIQUE_A, CLIQUE_B, PAYMENT, SHARED_PHONE, import_network

BASE = "/api/v1/graph"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app for the module, holding the planted network (the tests only read)."""
    path = tmp_path_factory.mktemp("graph-api") / "ctip.sqlite3"
    app = create_app(Settings(env=Environment.TEST, database_url=f"sqlite:///{path}"))
    database: Database = app.state.database
    import_network(database)
    with database.session() as session:
        users.add_user(session, "test-setup", "investigator", TEST_PASSWORD, "investigator")
    with TestClient(app) as test_client:
        yield test_client
    database.dispose()


@pytest.fixture(scope="module")
def headers(client: TestClient) -> dict[str, str]:
    """An investigator's bearer token (investigators read the graph)."""
    body = {"username": "investigator", "password": TEST_PASSWORD}
    token = client.post("/api/v1/auth/token", json=body).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def test_neighbourhood_has_nodes_and_edges_with_evidence(
    client: TestClient, headers: dict[str, str]
) -> None:
    response = client.get(f"{BASE}/entities/a1/neighbourhood", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert {n["id"]: n["hops"] for n in body["nodes"]} == {
        "a1": 0,
        "a2": 1,
        "a3": 1,
        "a4": 1,
        "b1": 1,
    }
    payment = next(e for e in body["edges"] if e["kind"] == "Payment")
    assert payment["id"] == payment["via"] == PAYMENT
    assert {"name": "amount", "value": "9500"} in payment["evidence"]
    assert payment["sources"] == ["planted"]


def test_path_names_each_hops_evidence(client: TestClient, headers: dict[str, str]) -> None:
    params = {"source": "a4", "target": "b2"}
    body = client.get(f"{BASE}/path", params=params, headers=headers).json()
    assert body["connected"] is True
    hops = [[h["source"]["id"], h["target"]["id"]] for h in body["paths"][0]["hops"]]
    assert hops == [["a4", "a2"], ["a2", "b2"]]
    bridge = body["paths"][0]["hops"][1]["edges"][0]
    assert bridge["kind"] == "sharesIdentifier"
    assert {"name": "value", "value": SHARED_PHONE} in bridge["evidence"]
    apart = client.get(f"{BASE}/path", params={"source": "a1", "target": "hub"}, headers=headers)
    assert apart.json() == {"source": "a1", "target": "hub", "connected": False, "paths": []}


def test_communities_and_centrality(client: TestClient, headers: dict[str, str]) -> None:
    groups = client.get(f"{BASE}/communities", params={"min_size": 4}, headers=headers).json()
    members = sorted(sorted(m["id"] for m in g["members"]) for g in groups)
    assert sorted(CLIQUE_B) in members and sorted([*CLIQUE_A, "addr"]) in members
    top = client.get(f"{BASE}/centrality", params={"top": 1}, headers=headers).json()
    assert top[0]["entity"]["id"] == "hub" and top[0]["degree"] == 6
    scoped = client.get(f"{BASE}/centrality", params={"entity_id": "b4"}, headers=headers).json()
    assert {r["entity"]["id"] for r in scoped} == {*CLIQUE_A, *CLIQUE_B, "addr"}
    components = client.get(f"{BASE}/components", headers=headers).json()
    assert [c["size"] for c in components] == [9, 7]


def test_export_is_ftm_lines(client: TestClient, headers: dict[str, str]) -> None:
    response = client.get(f"{BASE}/entities/hub/export", params={"depth": 1}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    proxies = [model.get_proxy(json.loads(line)) for line in response.text.splitlines()]
    schemata = sorted(p.schema.name for p in proxies)
    assert schemata == ["Company"] + ["Directorship"] * 6 + ["Person"] * 6


def test_bad_requests_get_json_errors(client: TestClient, headers: dict[str, str]) -> None:
    missing = client.get(f"{BASE}/entities/nobody/neighbourhood", headers=headers)
    assert missing.status_code == 404 and "nobody" in missing.json()["error"]["message"]
    deep = client.get(f"{BASE}/entities/a1/neighbourhood", params={"depth": 9}, headers=headers)
    assert deep.status_code == 422
    both = client.get(
        f"{BASE}/centrality", params={"entity_id": "a1", "community": 1}, headers=headers
    )
    assert both.status_code == 400
    nowhere = client.get(f"{BASE}/centrality", params={"community": 999}, headers=headers)
    assert nowhere.status_code == 404
    assert client.get(f"{BASE}/communities").status_code == 401  # the public may not
