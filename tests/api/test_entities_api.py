"""Entities over HTTP: import a real FtM file, find its entities, read them back, export them.

The file is the public German party-donations FtM export beside the project (474 entities:
donors, parties, addresses and the payments between them).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ctip.api.app import API_PREFIX, create_app
from ctip.config import Environment, Settings
from ctip.model.roles import Role
from tests.api.jobs import import_answer
from tests.conftest import TEST_PASSWORD, TokenFor, add_role_users, shared_data

ENTITIES = f"{API_PREFIX}/entities"
DONATIONS_ENTITIES = 474
LINA_DACHNER = "f9c295f21b233ac878fbac4d271bb6fd13d7952a"  # a donor (Person)
LINA_ADDRESS = "97149caa3aef14e2be5ae6b3974c6882e7536d88"
MLPD = "6d03aec76fdeec8f9697d8b19954ab6fc2568bc8"  # the party she paid
LINA_PAYMENT = "2216b422a31242fe204654ce194864661f515921"
IRENE_NIERSTENHOEFER = "0de4751d255c3131cbeff1431ad5f908cbd511c6"  # "Nierstenhöfer"
METALL_BAYERN = "62ad0fe6f56dbbf6fee57ce3da76e88c437024d5"

EntityKey = tuple[str, str, tuple[tuple[str, str], ...]]


@pytest.fixture
def donations() -> bytes:
    """The FtM JSON lines of the donations file."""
    return shared_data("name_matching", "donations.ftm.ijson").read_bytes()


@pytest.fixture
def admin(role_headers: TokenFor) -> dict[str, str]:
    """Bearer headers of an administrator (who may import and export)."""
    return role_headers(Role.ADMIN)


def import_lines(
    client: TestClient, headers: dict[str, str], data: bytes, source: str
) -> dict[str, Any]:
    """POST the bytes as an import and return the JSON answer (any status)."""
    response = client.post(
        f"{ENTITIES}/import", params={"source": source}, content=data, headers=headers
    )
    return import_answer(client, headers, response)


def search(client: TestClient, headers: dict[str, str], q: str, **params: str) -> list[str]:
    """The ids a name search finds."""
    response = client.get(f"{ENTITIES}/search", params={"q": q, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()["results"]]


def by_identifier(
    client: TestClient, headers: dict[str, str], value: str, kind: str | None = None
) -> list[str]:
    """The ids an identifier look-up finds."""
    params = {"value": value} | ({"kind": kind} if kind else {})
    response = client.get(f"{ENTITIES}/by-identifier", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()["results"]]


def export(client: TestClient, headers: dict[str, str], **params: str) -> bytes:
    """The export as raw FtM JSON lines."""
    response = client.get(f"{ENTITIES}/export", params=params, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    content: bytes = response.content
    return content


def entity_keys(lines: bytes) -> set[EntityKey]:
    """Each entity as (id, schema, sorted (property, value) pairs): comparable across stores."""
    return {_entity_key(json.loads(line)) for line in lines.splitlines() if line.strip()}


def _entity_key(entity: dict[str, Any]) -> EntityKey:
    pairs = _pairs(entity.get("properties", {}).items())
    return entity["id"], entity["schema"], tuple(sorted(pairs))


def _pairs(properties: Iterable[tuple[str, list[str]]]) -> set[tuple[str, str]]:
    return {(prop, value) for prop, values in properties for value in values}


def error_of(response_body: dict[str, Any]) -> dict[str, Any]:
    """The inside of a JSON error body, checking its shape."""
    error: dict[str, Any] = response_body["error"]
    assert set(error) == {"code", "message", "details"}
    return error


def test_import_reports_what_it_wrote(
    client: TestClient, admin: dict[str, str], donations: bytes
) -> None:
    outcome = import_lines(client, admin, donations, "donations")
    assert outcome["_status"] == 200, outcome
    assert outcome["entities"] == DONATIONS_ENTITIES
    assert outcome["already_imported"] is False
    assert outcome["statements_new"] > DONATIONS_ENTITIES
    assert outcome["statements_seen_again"] == 0
    assert len(entity_keys(export(client, admin))) == DONATIONS_ENTITIES


def test_reimporting_the_same_file_changes_nothing(
    client: TestClient, admin: dict[str, str], donations: bytes
) -> None:
    first = import_lines(client, admin, donations, "donations")
    exported = export(client, admin)
    entity_before = client.get(f"{ENTITIES}/{LINA_DACHNER}", headers=admin).json()

    again = import_lines(client, admin, donations, "donations")

    assert again["_status"] == 200, again
    assert again["already_imported"] is True
    assert again["statements_new"] == 0
    assert again["import_id"] == first["import_id"]
    assert again["content_sha256"] == first["content_sha256"]
    assert export(client, admin) == exported
    assert client.get(f"{ENTITIES}/{LINA_DACHNER}", headers=admin).json() == entity_before
    imports = _audit_actions(client, admin).count("entities.import")
    assert imports == 1, "a repeated file must not be written (or audited) twice"


def _audit_actions(client: TestClient, headers: dict[str, str]) -> list[str]:
    response = client.get(f"{API_PREFIX}/audit/events", params={"limit": 1000}, headers=headers)
    assert response.status_code == 200, response.text
    return [event["action"] for event in response.json()]


BAD_FILE = b"\n".join(
    [
        b'{"id": "bad-file-1", "schema": "Person", "properties": {"name": ["Quirinus Zabel"]}}',
        b'{"id": "bad-file-2", "schema": "Company", "properties": {"name": ["Zabel Logistik"]}}',
        b'{"id": "bad-file-3", "schema": "Person", "properties": {"name": ["Broken Line"]',
        b'{"id": "bad-file-4", "schema": "Person", "properties": {"name": ["Xaver Zabel"]}}',
        b'{"id": "bad-file-5", "schema": "Person", "properties": {"shoeSize": ["44"]}}',
    ]
)


def test_a_file_with_bad_lines_is_refused_whole_naming_each_line(
    client: TestClient, admin: dict[str, str], donations: bytes
) -> None:
    import_lines(client, admin, donations, "donations")
    exported = export(client, admin)

    refused = import_lines(client, admin, BAD_FILE, "bad-file")

    assert refused["_status"] == 422, refused
    error = error_of(refused)
    assert error["code"] == "invalid_request"
    rows = {d["row"]: d["reason"] for d in error["details"]}
    assert sorted(rows) == [3, 5]
    assert "JSON" in rows[3]
    assert "shoeSize" in rows[5]
    assert search(client, admin, "zabel") == []
    assert export(client, admin) == exported
    again = import_lines(client, admin, BAD_FILE, "bad-file")
    assert again["_status"] == 422, "a refused file must not be remembered as imported"


def test_name_search_ignores_case_accents_and_word_order(
    client: TestClient, admin: dict[str, str], donations: bytes
) -> None:
    import_lines(client, admin, donations, "donations")
    assert search(client, admin, "nierstenhofer IRENE") == [IRENE_NIERSTENHOEFER]
    assert search(client, admin, "NIERSTENHÖFER") == [IRENE_NIERSTENHOEFER]
    assert search(client, admin, "Líña DÄCHNER") == [LINA_DACHNER]
    assert METALL_BAYERN in search(client, admin, "elektroindustrie BAYERISCHEN")
    assert search(client, admin, "Irene Dachner") == [], "every word of the query must match"
    assert search(client, admin, "MLPD", schema="Organization") == [MLPD]
    assert search(client, admin, "MLPD", schema="Person") == []


def test_search_with_an_unknown_schema_is_a_422(client: TestClient, admin: dict[str, str]) -> None:
    response = client.get(
        f"{ENTITIES}/search", params={"q": "x", "schema": "Starship"}, headers=admin
    )
    assert response.status_code == 422, response.text
    assert "Starship" in error_of(response.json())["message"]


IDENTIFIED = b"\n".join(
    [
        b'{"id": "id-person", "schema": "Person", "properties": {"name": ["Ana Petrova"], '
        b'"phone": ["+1 202-555-0143"], "email": ["Ana.Petrova@Example.org"]}}',
        b'{"id": "id-company", "schema": "Company", "properties": {"name": ["Petrova Trading"], '
        b'"registrationNumber": ["HRB 123 456"]}}',
        b'{"id": "id-account", "schema": "BankAccount", "properties": '
        b'{"iban": ["DE89 3704 0044 0532 0130 00"]}}',
    ]
)


def test_lookup_by_identifier_in_any_written_form(
    client: TestClient, admin: dict[str, str]
) -> None:
    assert import_lines(client, admin, IDENTIFIED, "identified")["_status"] == 200
    assert by_identifier(client, admin, "(202) 555-0143", "phone") == ["id-person"]
    assert by_identifier(client, admin, "+12025550143") == ["id-person"]
    assert by_identifier(client, admin, "ana.petrova@EXAMPLE.ORG", "email") == ["id-person"]
    assert by_identifier(client, admin, "hrb123456", "registration") == ["id-company"]
    assert by_identifier(client, admin, "DE89370400440532013000", "account") == ["id-account"]
    assert by_identifier(client, admin, "(202) 555-0143", "email") == []
    assert by_identifier(client, admin, "+1 202 555 0199") == []


def test_lookup_with_an_unknown_identifier_kind_is_refused(
    client: TestClient, admin: dict[str, str]
) -> None:
    response = client.get(
        f"{ENTITIES}/by-identifier", params={"value": "1", "kind": "shoe"}, headers=admin
    )
    assert response.status_code == 422, response.text
    details = error_of(response.json())["details"]
    assert [d["location"] for d in details] == [["query", "kind"]]


def test_an_entity_comes_with_the_provenance_of_every_value(
    client: TestClient, admin: dict[str, str], donations: bytes
) -> None:
    import_lines(client, admin, donations, "donations")
    response = client.get(f"{ENTITIES}/{LINA_DACHNER}", headers=admin)
    assert response.status_code == 200, response.text
    entity = response.json()
    assert (entity["id"], entity["schema"], entity["caption"]) == (
        LINA_DACHNER,
        "Person",
        "Frau Lina Dachner",
    )
    assert entity["properties"]["name"] == ["Frau Lina Dachner"]
    stated = {(p["prop"], p["value"]) for p in entity["provenance"]}
    assert stated == _pairs(entity["properties"].items())
    for provenance in entity["provenance"]:
        assert provenance["source"] == "donations"
        assert provenance["first_seen"] and provenance["first_seen"] <= provenance["last_seen"]


def test_an_unknown_entity_is_a_404(client: TestClient, admin: dict[str, str]) -> None:
    for path in ("no-such-entity", "no-such-entity/links"):
        response = client.get(f"{ENTITIES}/{path}", headers=admin)
        assert response.status_code == 404, response.text
        assert error_of(response.json())["code"] == "not_found"


def test_links_follow_edges_both_ways(
    client: TestClient, admin: dict[str, str], donations: bytes
) -> None:
    import_lines(client, admin, donations, "donations")
    response = client.get(f"{ENTITIES}/{LINA_DACHNER}/links", headers=admin)
    assert response.status_code == 200, response.text
    links = {
        (link["direction"], link["other"]["id"], (link["via"] or {}).get("id"))
        for link in response.json()
    }
    assert ("outgoing", LINA_ADDRESS, None) in links
    assert ("incoming", MLPD, LINA_PAYMENT) in links, "the payment leads on to the party paid"
    party_links = client.get(f"{ENTITIES}/{MLPD}/links", headers=admin).json()
    assert LINA_DACHNER in {link["other"]["id"] for link in party_links}


def test_export_round_trip_gives_the_same_entities(
    client: TestClient, admin: dict[str, str], donations: bytes, tmp_path: Path
) -> None:
    import_lines(client, admin, donations, "donations")
    exported = export(client, admin)
    assert entity_keys(exported) == entity_keys(donations)
    assert entity_keys(export(client, admin, source="donations")) == entity_keys(donations)
    assert export(client, admin, source="no-such-source") == b""

    second_url = f"sqlite:///{tmp_path / 'second.sqlite3'}"
    other = create_app(Settings(env=Environment.TEST, database_url=second_url))
    add_role_users(other.state.database)
    with TestClient(other) as second:
        headers = _admin_headers(second)
        assert import_lines(second, headers, exported, "from-export")["_status"] == 200
        assert entity_keys(export(second, headers)) == entity_keys(donations)
    other.state.database.dispose()


def _admin_headers(client: TestClient) -> dict[str, str]:
    body = {"username": "admin", "password": TEST_PASSWORD}
    token = client.post(f"{API_PREFIX}/auth/token", json=body).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}
