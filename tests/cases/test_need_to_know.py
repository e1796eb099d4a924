"""Need-to-know in the cases area: a subject or an evidence link names an entity of the
store only if the person adding it may see a statement of it. An entity stated only by a
source they may not open is refused exactly as an unknown one, so its existence is not
revealed; a person who may open that source adds it as any other."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ctip.model.roles import Role
from ctip.store.db import Database
from tests.cases.conftest import import_people
from tests.conftest import TokenFor
from tests.support.need_to_know import CUSTOMS_SOURCE, customs_files_owned, import_entities

API = "/api/v1/cases"
CASE = {
    "title": "Garment workers, Houston",
    "type": "labour_trafficking",
    "opened_on": "2021-03-01",
}
BROKER = "customs-broker-1"
BROKER_LINE = json.dumps(
    {"id": BROKER, "schema": "Company", "properties": {"name": ["Harbor Bay Consolidators"]}}
)


@pytest.fixture
def store(client: TestClient, role_headers: TokenFor) -> Iterator[Database]:
    """The case-test people, and a customs broker only the customs files state."""
    role_headers(Role.ADMIN)  # the users exist
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    import_people(database)
    with customs_files_owned():
        import_entities(database, CUSTOMS_SOURCE, BROKER_LINE)
        yield database


def _open_case(client: TestClient, headers: dict[str, str]) -> str:
    opened = client.post(API, json=CASE, headers=headers)
    assert opened.status_code == 201, opened.text
    return str(opened.json()["number"])


def _add(client: TestClient, headers: dict[str, str], number: str, path: str, body: Any) -> Any:
    return client.post(f"{API}/{number}/{path}", json=body, headers=headers)


def _error(response: Any) -> tuple[int, str]:
    """Status and message, with the entity id taken out (to compare two refusals)."""
    message = response.json()["error"]["message"]
    return response.status_code, message.replace(BROKER, "X").replace("nobody-at-all", "X")


def test_an_investigator_cannot_name_an_entity_only_a_hidden_source_states(
    client: TestClient, role_headers: TokenFor, store: Database
) -> None:
    headers = role_headers(Role.INVESTIGATOR)
    number = _open_case(client, headers)
    hidden = _add(client, headers, number, "subjects", {"kind": "entity", "value": BROKER})
    unknown = _add(
        client, headers, number, "subjects", {"kind": "entity", "value": "nobody-at-all"}
    )
    assert 400 <= hidden.status_code < 500
    assert _error(hidden) == _error(unknown), "refused as unknown: its existence is not revealed"
    assert "Harbor Bay" not in hidden.text
    link = {"kind": "entity", "record_id": BROKER, "why": "books the containers"}
    refused = _add(client, headers, number, "evidence", link)
    missing = _add(client, headers, number, "evidence", link | {"record_id": "nobody-at-all"})
    assert 400 <= refused.status_code < 500 and _error(refused) == _error(missing)
    seen = _add(client, headers, number, "subjects", {"kind": "entity", "value": "case-test-olena"})
    assert seen.status_code == 200 and seen.json()["subject"]["label"] == "Olena Petrova (Person)"
    company = link | {"record_id": "case-test-company"}
    assert _add(client, headers, number, "evidence", company).status_code == 200
    case = client.get(f"{API}/{number}", headers=headers).json()
    assert BROKER not in json.dumps(case) and "Harbor Bay" not in json.dumps(case)


def test_a_supervisor_who_may_open_the_source_names_the_entity(
    client: TestClient, role_headers: TokenFor, store: Database
) -> None:
    headers = role_headers(Role.SUPERVISOR)
    number = _open_case(client, headers)
    added = _add(client, headers, number, "subjects", {"kind": "entity", "value": BROKER})
    assert added.status_code == 200, added.text
    assert added.json()["subject"]["label"] == "Harbor Bay Consolidators (Company)"
    link = {"kind": "entity", "record_id": BROKER, "why": "books the containers"}
    linked = _add(client, headers, number, "evidence", link)
    assert linked.status_code == 200 and linked.json()["record_id"] == BROKER
