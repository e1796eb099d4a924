"""POST /api/v1/screen: a batch of names against a loaded list, hits with features."""

from __future__ import annotations

from fastapi.testclient import TestClient

from ctip.authz.policy import Role
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
    assert loaded.status_code in (200, 201), loaded.text


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


def test_invalid_queries_get_422_with_reasons(client: TestClient, role_headers: TokenFor) -> None:
    headers = role_headers(Role.TRADE_ANALYST)
    load(client, headers)
    body = {"list": "team", "queries": [{"id": "q1", "name": "Ivan", "birth_date": ["12/03/1970"]}]}
    response = client.post("/api/v1/screen", json=body, headers=headers)
    assert response.status_code == 422
    assert "12/03/1970" in response.text


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
