"""Need-to-know for entities, walked per role (issue 10, item 11), and audited reads (item 7).

The networks area writes each ad network's unknown poster, its phones and accounts into the
shared entity store (source "ads"). Before, a victim specialist or a trade analyst, who may
not open the networks area, found that poster by its phone, by name, on its page and in the
link graph. Now the sources an area owns are seen only by the roles its action admits.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ctip.api.app import API_PREFIX
from ctip.authz import audit, need_to_know
from ctip.ingest.ftm_import import import_ftm_bytes
from ctip.model.roles import Role
from ctip.networks.access import NetworkAction
from ctip.store.db import Database
from tests.conftest import TokenFor

ENTITIES = f"{API_PREFIX}/entities"
GRAPH = f"{API_PREFIX}/graph"
PHONE = "+12025550199"
POSTER = "poster-n1"
ACCOUNT = "account-n1"
MARIA = "maria-example"  # stated by a case file, with one e-mail only the ads state
ADS_EMAIL = "n1-booking@example.org"
ADS = [
    {
        "id": POSTER,
        "schema": "LegalEntity",
        "properties": {"name": ["Poster of ad network N-1"], "phone": [PHONE]},
    },
    {"id": ACCOUNT, "schema": "UserAccount", "properties": {"username": ["n1booking"]}},
    {
        "id": "link-n1",
        "schema": "UnknownLink",
        "properties": {"subject": [POSTER], "object": [ACCOUNT], "role": ["posts ads"]},
    },
    {"id": MARIA, "schema": "Person", "properties": {"email": [ADS_EMAIL]}},
]
CASE_FILE = [
    {"id": MARIA, "schema": "Person", "properties": {"name": ["Maria Example"], "phone": [PHONE]}}
]
NETWORK_ROLES = (Role.ADMIN, Role.SUPERVISOR, Role.INVESTIGATOR, Role.INTEL_ANALYST)
OTHER_READERS = (Role.TRADE_ANALYST, Role.VICTIM_SPECIALIST)


def _lines(entities: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(e) + "\n" for e in entities).encode()


@pytest.fixture
def ads_owned_by_networks() -> None:
    """The networks area itself declares that it owns source "ads" (through the registry)."""
    assert need_to_know.owned_sources().get("ads") == NetworkAction.READ


@pytest.fixture
def store(client: TestClient, role_headers: TokenFor, ads_owned_by_networks: None) -> Database:
    """The ads' entities and a case file's person who shares the poster's phone."""
    role_headers(Role.ADMIN)  # the users exist
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.session() as session:
        import_ftm_bytes(session, _lines(ADS), "ads.ijson", "ads", "test-setup")
        import_ftm_bytes(session, _lines(CASE_FILE), "case.ijson", "case-files", "test-setup")
    return database


def _ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return sorted(r["id"] for r in response.json()["results"])


def _by_phone(client: TestClient, headers: dict[str, str], value: str = PHONE) -> list[str]:
    return _ids(client.get(f"{ENTITIES}/by-identifier", params={"value": value}, headers=headers))


@pytest.mark.parametrize("role", NETWORK_ROLES, ids=lambda r: r.value)
def test_network_roles_see_the_poster_everywhere(
    client: TestClient, role_headers: TokenFor, store: Database, role: Role
) -> None:
    headers = role_headers(role)
    assert _by_phone(client, headers) == sorted([POSTER, MARIA])
    assert _by_phone(client, headers, ADS_EMAIL) == [MARIA]
    found = client.get(f"{ENTITIES}/search", params={"q": "poster network"}, headers=headers)
    assert _ids(found) == [POSTER]
    assert client.get(f"{ENTITIES}/{POSTER}", headers=headers).status_code == 200
    maria = client.get(f"{ENTITIES}/{MARIA}", headers=headers).json()
    assert ADS_EMAIL in json.dumps(maria)
    hood = client.get(f"{GRAPH}/entities/{MARIA}/neighbourhood", headers=headers).json()
    assert POSTER in {n["id"] for n in hood["nodes"]}


@pytest.mark.parametrize("role", OTHER_READERS, ids=lambda r: r.value)
def test_roles_outside_networks_never_meet_the_poster(
    client: TestClient, role_headers: TokenFor, store: Database, role: Role
) -> None:
    headers = role_headers(role)
    assert _by_phone(client, headers) == [MARIA]  # the case file states her phone
    assert _by_phone(client, headers, ADS_EMAIL) == []  # only the ads state this e-mail
    found = client.get(f"{ENTITIES}/search", params={"q": "poster network"}, headers=headers)
    assert _ids(found) == []
    for hidden in (POSTER, ACCOUNT, "link-n1"):
        page = client.get(f"{ENTITIES}/{hidden}", headers=headers)
        assert page.status_code == 404, "404, not 403: its existence is not revealed"
        assert client.get(f"{ENTITIES}/{hidden}/links", headers=headers).status_code == 404
    maria = client.get(f"{ENTITIES}/{MARIA}", headers=headers)
    assert maria.status_code == 200 and ADS_EMAIL not in maria.text
    assert {p["source"] for p in maria.json()["provenance"]} == {"case-files"}


def test_the_link_graph_hides_the_poster_from_a_trade_analyst(
    client: TestClient, role_headers: TokenFor, store: Database
) -> None:
    headers = role_headers(Role.TRADE_ANALYST)
    hood = client.get(f"{GRAPH}/entities/{MARIA}/neighbourhood", headers=headers)
    assert hood.status_code == 200
    assert {n["id"] for n in hood.json()["nodes"]} == {MARIA}
    assert (
        client.get(f"{GRAPH}/entities/{POSTER}/neighbourhood", headers=headers).status_code == 404
    )
    path = client.get(f"{GRAPH}/path", params={"source": MARIA, "target": POSTER}, headers=headers)
    assert path.status_code == 404 or not path.json()["connected"]
    exported = client.get(f"{GRAPH}/entities/{MARIA}/export", headers=headers)
    assert POSTER not in exported.text and ADS_EMAIL not in exported.text


def test_an_export_leaves_out_what_the_exporter_may_not_see_and_is_audited(
    client: TestClient, role_headers: TokenFor, store: Database
) -> None:
    headers = role_headers(Role.TRADE_ANALYST)
    response = client.get(f"{ENTITIES}/export", headers=headers)
    assert response.status_code == 200
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [e["id"] for e in lines] == [MARIA]
    assert "email" not in lines[0]["properties"]
    with store.session() as session:
        event = audit.recent_events(session, 1)[0]
    assert (event.actor, event.action, event.resource) == (
        "trade-analyst",
        "entities.export",
        "entities:all",
    )
    assert json.loads(event.detail)["rows"] == len(lines) == 1


def _last_event(database: Database) -> tuple[str, str, str, dict[str, Any]]:
    with database.session() as session:
        event = audit.recent_events(session, 1)[0]
    return event.actor, event.action, event.resource, json.loads(event.detail)


def test_entity_pages_links_and_graph_exports_are_audited_with_their_row_counts(
    client: TestClient, role_headers: TokenFor, store: Database
) -> None:
    headers = role_headers(Role.INVESTIGATOR)
    maria = client.get(f"{ENTITIES}/{MARIA}", headers=headers).json()
    actor, action, resource, detail = _last_event(store)
    assert (actor, action, resource) == ("investigator", "entity.read", f"entity:{MARIA}")
    assert detail["rows"] == len(maria["provenance"]) == 3  # name, phone, the ads' e-mail
    links = client.get(f"{ENTITIES}/{POSTER}/links", headers=headers).json()
    actor, action, resource, detail = _last_event(store)
    assert (action, resource, detail["rows"]) == ("entity.links.read", f"entity:{POSTER}", 1)
    assert len(links) == 1
    exported = client.get(f"{GRAPH}/entities/{MARIA}/export", headers=headers)
    actor, action, resource, detail = _last_event(store)
    assert (action, resource) == ("graph.export", f"entity:{MARIA}")
    assert detail["rows"] == len(exported.text.splitlines()) > 1
    source = client.get(f"{ENTITIES}/export", params={"source": "ads"}, headers=headers)
    actor, action, resource, detail = _last_event(store)
    assert (action, resource) == ("entities.export", "source:ads")
    assert detail["rows"] == len(source.text.splitlines()) == len(ADS)
