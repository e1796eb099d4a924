"""The finance API: load, scan, flags, an account, a pattern, the SAR draft; roles and 4xx."""

from __future__ import annotations

import io
import time
from typing import Any

from fastapi.testclient import TestClient
from pypdf import PdfReader

from ctip.model.roles import Role
from tests.conftest import TokenFor
from tests.finance.conftest import TX_HEADER, csv_bytes, fan_in_records

API = "/api/v1/finance"


def _finished(client: TestClient, location: str, headers: dict[str, str]) -> dict[str, Any]:
    for _ in range(600):
        job: dict[str, Any] = client.get(location, headers=headers).json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError("the scan job did not end")


def test_load_scan_and_read_the_findings(client: TestClient, role_headers: TokenFor) -> None:
    headers = role_headers(Role.INTEL_ANALYST)
    _, txs = fan_in_records()
    loaded = client.post(f"{API}/load", content=txs, headers=headers, params={"file_name": "t.csv"})
    assert loaded.status_code == 200, loaded.text
    assert loaded.json()["transactions"] == 46
    again = client.post(f"{API}/load", content=txs, headers=headers, params={"file_name": "t.csv"})
    assert again.json()["already_loaded"] is True
    accepted = client.post(f"{API}/scan", headers=headers)
    assert accepted.status_code == 202
    job = _finished(client, accepted.headers["location"], headers)
    assert job["state"] == "done" and job["result"]["flagged"] >= 6
    flags = client.get(f"{API}/flags", params={"flagged": True}, headers=headers).json()
    hub = next(f for f in flags if f["account_id"] == "HUB")
    assert "fan_in" in hub["typologies"] and "Score" in hub["explanation"]
    account = client.get(f"{API}/accounts", params={"account": "HUB"}, headers=headers).json()
    assert account["flagged"] and account["explanation"]["features"]
    pattern_id = account["patterns"][0]["id"]
    pattern = client.get(f"{API}/patterns", params={"pattern": pattern_id}, headers=headers)
    assert pattern.json()["members"]
    text = client.get(f"{API}/sar", params={"account": "HUB"}, headers=headers).text
    assert "DRAFT" in text and "HUMAN TRAFFICKING FIN-2020-A008" in text
    pdf = client.get(f"{API}/sar", params={"account": "HUB", "format": "pdf"}, headers=headers)
    read = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "DRAFT" in read and "HUMAN TRAFFICKING FIN-2020-A008" in read and "odd0" in read
    exported = client.get(f"{API}/flags.csv", headers=headers).text
    assert exported.startswith("account_id,score,flagged,typologies,red_flags,explanation")


def test_roles_outside_financial_analysis_are_refused(
    client: TestClient, role_headers: TokenFor
) -> None:
    for role in (Role.TRADE_ANALYST, Role.OUTREACH, Role.VICTIM_SPECIALIST):
        response = client.get(f"{API}/flags", headers=role_headers(role))
        assert response.status_code == 403, role


def test_bad_input_gets_4xx_with_json(client: TestClient, role_headers: TokenFor) -> None:
    headers = role_headers(Role.INVESTIGATOR)
    bad = csv_bytes(TX_HEADER, [("t1", "", "B", "1", "", "", "", "", "")])
    response = client.post(f"{API}/load", content=bad, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["row"] == 2
    assert client.get(f"{API}/flags", headers=headers).status_code == 404
    missing = client.get(f"{API}/accounts", params={"account": "nobody"}, headers=headers)
    assert missing.status_code == 404 and "error" in missing.json()
