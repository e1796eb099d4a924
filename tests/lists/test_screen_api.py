"""POST /api/v1/screen reads values as the CLI does: unreadable ones come back as warnings."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from ctip.lists import screen_api
from ctip.matching.screening import Hit, screen_names
from ctip.matching.types import MatchQuery
from ctip.model.roles import Role
from tests.api.jobs import finished_job
from tests.conftest import TokenFor

LIST_CSV = (
    "id,name,aliases,schema,country,birth_date\n"
    "un-0,Xinjiang Huafu Textile Co. Ltd.,新疆华孚纺织有限公司,Company,cn,\n"
    "un-1,Ivan Petrov,,Person,ru,1970-03-12\n"
).encode()


def test_messy_values_are_warned_and_hits_name_the_lists_own_id(
    client: TestClient, role_headers: TokenFor
) -> None:
    headers = role_headers(Role.TRADE_ANALYST)
    loaded = client.post(
        "/api/v1/lists/load", params={"list": "team"}, content=LIST_CSV, headers=headers
    )
    assert finished_job(client, headers, loaded)["state"] == "done"
    body = {
        "list": "TEAM",
        "queries": [
            {"id": "q1", "name": "Ivan Petrov", "schema": "Person", "birth_date": ["1970-3-12"]},
            {"id": "q2", "name": "新疆华孚纺织有限公司", "country": ["Atlantis"]},
        ],
    }
    response = client.post("/api/v1/screen", json=body, headers=headers)
    assert response.status_code == 200, response.text
    found = response.json()
    assert found["list_name"] == "team"
    hits = {h["query_id"]: h for h in found["hits"]}
    assert (hits["q1"]["entity_id"], hits["q1"]["store_entity_id"]) == ("un-1", "team-un-1")
    assert hits["q1"]["query_name"] == "Ivan Petrov"
    assert hits["q2"]["matched_alias"] == "新疆华孚纺织有限公司"
    assert [(w["query"], w["id"], w["field"]) for w in found["warnings"]] == [(1, "q2", "country")]
    strict = client.post("/api/v1/screen", json={**body, "strict": True}, headers=headers)
    assert strict.status_code == 422
    assert strict.json()["error"]["details"][0]["id"] == "q2"


def test_an_unknown_list_is_404_with_a_suggestion(
    client: TestClient, role_headers: TokenFor
) -> None:
    headers = role_headers(Role.TRADE_ANALYST)
    loaded = client.post(
        "/api/v1/lists/load", params={"list": "team"}, content=LIST_CSV, headers=headers
    )
    assert finished_job(client, headers, loaded)["state"] == "done"
    body = {"list": "teams", "queries": [{"id": "q1", "name": "Ivan"}]}
    response = client.post("/api/v1/screen", json=body, headers=headers)
    assert response.status_code == 404
    assert "did you mean team?" in response.text
    repeated = {"list": "team", "queries": [{"id": "q1", "name": "A"}, {"id": "q1", "name": "B"}]}
    assert client.post("/api/v1/screen", json=repeated, headers=headers).status_code == 422


def test_a_batch_screened_in_turns_answers_as_one_screening(
    client: TestClient, role_headers: TokenFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = role_headers(Role.TRADE_ANALYST)
    loaded = client.post(
        "/api/v1/lists/load", params={"list": "team"}, content=LIST_CSV, headers=headers
    )
    assert finished_job(client, headers, loaded)["state"] == "done"
    names = ["Ivan Petrov", "Xinjiang Huafu Textile", "Ivan Petrof", "Nobody Listed", "华孚纺织"]
    body = {"list": "team", "queries": [{"id": f"q{n}", "name": names[n % 5]} for n in range(7)]}
    whole = client.post("/api/v1/screen", json=body, headers=headers).json()
    turns: list[int] = []

    def counted(queries: list[MatchQuery], *args: Any) -> list[Hit]:
        assert screen_api._screening.locked()  # each turn holds the worker's screening lock
        turns.append(len(queries))
        return screen_names(queries, *args)

    monkeypatch.setattr(screen_api, "SCREENING_TURN", 3)
    monkeypatch.setattr(screen_api, "screen_names", counted)
    in_turns = client.post("/api/v1/screen", json=body, headers=headers).json()
    assert turns == [3, 3, 1]
    assert whole["matches"] > 0 and in_turns["hits"] == whole["hits"]
