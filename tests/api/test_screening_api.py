"""POST /api/v1/screen: a batch of names against a loaded list, hits with features."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from ctip.model.roles import Role
from tests.api.jobs import finished_job
from tests.conftest import TokenFor

LIST_CSV = (
    "id,name,aliases,schema,country\n"
    "E1,Xinjiang Huafu Textile Co. Ltd.,新疆华孚纺织有限公司,Company,cn\n"
    "E2,Ivan Petrov,,Person,ru\n"
).encode()


def load(client: TestClient, headers: dict[str, str]) -> None:
    loaded = client.post(
        "/api/v1/lists/load", params={"list": "team"}, content=LIST_CSV, headers=headers
    )
    assert finished_job(client, headers, loaded)["state"] == "done"


def test_batch_returns_hits_with_features(client: TestClient, role_headers: TokenFor) -> None:
    headers = role_headers(Role.TRADE_ANALYST)
    load(client, headers)
    body = {
        "list": "team",
        "queries": [
            {"id": "q1", "name": "新疆华孚纺织有限公司", "country": ["China"]},
            {"id": "q2", "name": "Someone Unrelated", "schema": "Person"},
        ],
    }
    response = client.post("/api/v1/screen", json=body, headers=headers)
    assert response.status_code == 200, response.text
    found = response.json()
    assert found["queries"] == 2 and found["matches"] == 1
    (hit,) = found["hits"]
    assert (hit["query_id"], hit["match"], hit["listed_name"]) == (
        "q1",
        True,
        "Xinjiang Huafu Textile Co. Ltd.",
    )
    names = {f["name"]: f for f in hit["features"]}
    assert names["country"]["value"] == 1.0
    assert "alias" in names["name"]["evidence"]


def test_an_ambiguous_date_is_a_warning_and_strict_refuses_it(
    client: TestClient, role_headers: TokenFor
) -> None:
    """12/03/1970 is 3 December or 12 March: not evidence, reported; `strict` makes it a 422."""
    headers = role_headers(Role.TRADE_ANALYST)
    load(client, headers)
    query = {"id": "q1", "name": "Ivan", "birth_date": ["12/03/1970"]}
    body: dict[str, object] = {"list": "team", "queries": [query]}
    forgiving = client.post("/api/v1/screen", json=body, headers=headers)
    assert forgiving.status_code == 200 and "12/03/1970" in json.dumps(forgiving.json()["warnings"])
    strict = client.post("/api/v1/screen", json=body | {"strict": True}, headers=headers)
    assert strict.status_code == 422
    assert "12/03/1970" in strict.text


def test_unknown_list_is_404(client: TestClient, role_headers: TokenFor) -> None:
    body = {"list": "nope", "queries": [{"id": "q1", "name": "Ivan"}]}
    response = client.post("/api/v1/screen", json=body, headers=role_headers(Role.INVESTIGATOR))
    assert response.status_code == 404
    assert response.json()["error"]["message"]


def test_victim_specialists_may_not_screen(client: TestClient, role_headers: TokenFor) -> None:
    body = {"list": "team", "queries": [{"id": "q1", "name": "Ivan"}]}
    response = client.post(
        "/api/v1/screen", json=body, headers=role_headers(Role.VICTIM_SPECIALIST)
    )
    assert response.status_code == 403
