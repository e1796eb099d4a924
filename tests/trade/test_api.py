"""The trade API: batch screening with explanations, detentions step by step, errors as 4xx."""

from __future__ import annotations

from fastapi.testclient import TestClient

from ctip.model.roles import Role
from tests.conftest import TokenFor
from tests.trade.conftest import entry_csv, raw_row

API = "/api/v1/trade"
FILE = entry_csv(
    [
        raw_row(manufacturer_address="No. 9 Road, 乌鲁木齐", country_of_origin="CN"),
        raw_row(line_number="2"),
    ]
)
DET = "DET-ABC12345671-001"


def test_batch_screen_explains_each_line_and_stores_it(
    client: TestClient, role_headers: TokenFor
) -> None:
    headers = role_headers(Role.TRADE_ANALYST)
    body = client.post(f"{API}/screen", content=FILE, headers=headers).json()
    assert (body["lines"], body["detain"], body["release"]) == (2, 1, 1)
    first = body["decisions"][0]
    assert first["decision"] == "detain" and first["features"][0]["name"] == "xuar_address"
    assert "Urumqi" in first["features"][0]["evidence"]
    stored = client.get(f"{API}/lines", params={"decision": "detain"}, headers=headers).json()
    assert [(s["entry_number"], s["line_number"]) for s in stored] == [("ABC12345671", 1)]


def test_a_bad_file_is_refused_with_its_rows(client: TestClient, role_headers: TokenFor) -> None:
    bad = entry_csv([raw_row(line_number="first")])
    response = client.post(f"{API}/entries", content=bad, headers=role_headers(Role.ADMIN))
    assert response.status_code == 422
    (detail,) = response.json()["error"]["details"]
    assert detail["row"] == 2 and "line_number" in detail["reason"]
    lines = client.get(f"{API}/lines", headers=role_headers(Role.ADMIN)).json()
    assert lines == []


def test_an_unreadable_value_is_listed_and_not_evidence(
    client: TestClient, role_headers: TokenFor
) -> None:
    headers = role_headers(Role.TRADE_ANALYST)
    odd = entry_csv([raw_row(hts_code="123", country_of_origin="Atlantis")])
    strict = client.post(f"{API}/screen", params={"strict": True}, content=odd, headers=headers)
    assert strict.status_code == 422
    assert [d["row"] for d in strict.json()["error"]["details"]] == [2, 2]
    body = client.post(f"{API}/screen", content=odd, headers=headers).json()
    assert body["values_not_read"] == 2
    found = [(w["row"], w["column"], w["value"]) for w in body["warnings"]]
    assert found == [(2, "country_of_origin", "Atlantis"), (2, "hts_code", "123")]
    (decision,) = body["decisions"]
    sentences = [f["evidence"] for f in decision["features"] if f["name"] == "not_read"]
    assert sentences == [
        "Country of origin not read (written 'Atlantis'): not used as evidence.",
        "HTS code not read (written '123'): not used as evidence.",
    ]
    assert decision["decision"] == "release" and decision["score"] == 0.0
    again = client.post(f"{API}/entries", content=odd, headers=headers).json()
    assert (again["already_loaded"], again["values_not_read"]) == (True, 2)
    assert again["warnings"][0]["column"] == "country_of_origin"


def test_a_detention_from_flagged_to_decided(client: TestClient, role_headers: TokenFor) -> None:
    analyst, investigator = role_headers(Role.TRADE_ANALYST), role_headers(Role.INVESTIGATOR)
    client.post(f"{API}/screen", content=FILE, headers=analyst)
    opened = client.post(
        f"{API}/detentions",
        json={
            "entry_number": "ABC-1234567-1",
            "line_number": 1,
            "reason": "XUAR",
            "opened_on": "2025-03-03",
        },
        headers=analyst,
    )
    assert opened.status_code == 200 and opened.json()["id"] == DET
    clean = {"entry_number": "ABC-1234567-1", "line_number": 2, "reason": "hunch"}
    assert client.post(f"{API}/detentions", json=clean, headers=analyst).status_code == 409
    step = {"kind": "presented", "reason": "exam", "occurred_on": "2025-03-04"}
    params = {"detention": DET}
    assert (
        client.post(
            f"{API}/detentions/steps", params=params, json=step, headers=analyst
        ).status_code
        == 200
    )
    decision = {"outcome": "released", "reason": "proof of origin", "decided_on": "2025-03-20"}
    refused = client.post(
        f"{API}/detentions/decision", params=params, json=decision, headers=investigator
    )
    assert refused.status_code == 403
    decided = client.post(
        f"{API}/detentions/decision", params=params, json=decision, headers=analyst
    )
    assert decided.json()["status"] == "released"
    again = client.post(f"{API}/detentions/decision", params=params, json=decision, headers=analyst)
    assert again.status_code == 409
    ledger = client.get(f"{API}/detentions/ledger", params=params, headers=investigator).json()
    assert [e["kind"] for e in ledger["events"]] == ["opened", "presented", "decided"]
    unknown = client.get(
        f"{API}/detentions/ledger", params={"detention": "DET-XYZ12345670-001"}, headers=analyst
    )
    assert unknown.status_code == 404
    figures = client.get(f"{API}/figures", params={"fiscal_year": 2025}, headers=analyst).json()
    assert figures == [
        {
            "fiscal_year": 2025,
            "detained": 1,
            "released": 1,
            "excluded": 0,
            "seized": 0,
            "value_detained": "1200.00",
            "value_seized": "0",
        }
    ]
