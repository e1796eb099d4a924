"""The resolve API: batches, bad rows as 422, look-ups that follow replaced ids, judgements."""

from __future__ import annotations

from fastapi.testclient import TestClient

from ctip.model.roles import Role
from tests.conftest import TokenFor

ANA = {"first_name": "Ana", "last_name": "Lima"}


def test_a_batch_a_merge_and_a_look_up_by_the_replaced_id(
    client: TestClient, role_headers: TokenFor
) -> None:
    headers = role_headers(Role.INVESTIGATOR)
    first = client.post(
        "/api/v1/resolve/batch",
        headers=headers,
        json={
            "records": [
                {"id": "x", **ANA, "birth_date": "1990-01-02"},
                {"id": "y", **ANA, "phone": "+5511987654321"},
            ]
        },
    )
    assert first.status_code == 200, first.text
    ids = {c["id"]: c["cluster_id"] for c in first.json()["clusters"]}
    assert ids["x"] != ids["y"]
    bridge = {"id": "z", **ANA, "birth_date": "1990-01-02", "phone": "+5511987654321"}
    second = client.post("/api/v1/resolve/batch", headers=headers, json={"records": [bridge]})
    assert second.json()["merged"] == [{"replaced": ids["y"], "by": ids["x"]}]
    found = client.get("/api/v1/resolve/clusters", headers=headers, params={"ref": ids["y"]})
    assert found.status_code == 200
    assert found.json()["cluster_id"] == ids["x"]
    assert {r["id"] for r in found.json()["records"]} == {"x", "y", "z"}


def test_bad_records_are_422_with_each_row_and_nothing_is_resolved(
    client: TestClient, role_headers: TokenFor
) -> None:
    headers = role_headers(Role.INTEL_ANALYST)
    body = {"records": [{"id": "a", "birth_date": "31/02/1990"}, {"id": "b", "phone": "12"}]}
    response = client.post("/api/v1/resolve/batch", headers=headers, json=body)
    assert response.status_code == 422
    assert "birth_date" in response.text and "31/02/1990" in response.text
    phone = {"records": [{"id": "b", "phone": "12"}]}
    refused = client.post("/api/v1/resolve/batch", headers=headers, json=phone)
    assert refused.status_code == 422 and "phone" in refused.text
    missing = client.get("/api/v1/resolve/clusters", headers=headers, params={"ref": "a"})
    assert missing.status_code == 404


def test_a_judgement_without_a_reason_is_refused_and_a_trade_analyst_cannot_judge(
    client: TestClient, role_headers: TokenFor
) -> None:
    headers = role_headers(Role.SUPERVISOR)
    records = [{"id": "p", **ANA}, {"id": "q", "first_name": "Bea", "last_name": "Souza"}]
    client.post("/api/v1/resolve/batch", headers=headers, json={"records": records})
    body = {"left": "p", "right": "q", "decision": "same", "why": " "}
    assert client.post("/api/v1/resolve/judgements", headers=headers, json=body).status_code == 422
    body["why"] = "same passport"
    refused = client.post(
        "/api/v1/resolve/judgements", headers=role_headers(Role.TRADE_ANALYST), json=body
    )
    assert refused.status_code == 403
    done = client.post("/api/v1/resolve/judgements", headers=headers, json=body)
    assert done.status_code == 201
    assert done.json()["effect"].startswith("merged")
