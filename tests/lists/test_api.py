"""/api/v1/lists: load a list file as a batch, read entries, compare editions."""

from __future__ import annotations

from fastapi.testclient import TestClient

from ctip.model.roles import Role
from tests.conftest import TokenFor

HEADER = "id,name,aliases,schema,country,birth_date,address\n"
V1 = (HEADER + "A1,Acme Textiles,,Company,cn,,\nB1,Blue Reef,,Vessel,,,\n").encode()
V2 = (HEADER + "A1,Acme Textiles,Acme,Company,cn,,\nC1,Coral Star,,,,,\n").encode()
WRO_TABLE = (
    b"date,country,entity,merchandise,status,type\n"
    b'2021-11-23,Malaysia,"Brightway Holdings Sdn Bhd, Laglove (M) Sdn Bhd, '
    b'and Biopro (M) Sdn Bhd",Gloves,Active,WRO\n'
)


def load(
    client: TestClient, headers: dict[str, str], data: bytes, edition: str
) -> dict[str, object]:
    response = client.post(
        "/api/v1/lists/load",
        params={"list": "team", "edition": edition, "file_name": f"{edition}.csv"},
        content=data,
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_load_read_diff(client: TestClient, role_headers: TokenFor) -> None:
    headers = role_headers(Role.TRADE_ANALYST)
    assert load(client, headers, V1, "v1")["entries"] == 2
    assert load(client, headers, V1, "v1")["already_loaded"] is True
    load(client, headers, V2, "v2")
    lists = client.get("/api/v1/lists", headers=headers).json()
    summary = [(x["list_name"], x["editions"], x["latest"]["edition"]) for x in lists]
    assert summary == [("team", 2, "v2")]
    params = {"list": "team", "edition": "v1"}
    old = client.get("/api/v1/lists/entries", params=params, headers=headers).json()
    assert [e["name"] for e in old["entries"]] == ["Acme Textiles", "Blue Reef"]
    assert old["entries"][1]["schema"] == "Vessel"
    diff = client.get("/api/v1/lists/diff", params={"list": "team"}, headers=headers).json()
    assert (diff["old"], diff["new"]) == ("v1", "v2")
    assert [e["entry_id"] for e in diff["added"]] == ["C1"]
    assert [e["entry_id"] for e in diff["removed"]] == ["B1"]
    assert diff["changed"][0]["fields"]["aliases"] == [[], ["Acme"]]
    wro = client.post(
        "/api/v1/lists/load",
        params={"list": "cbp-wro", "format": "wro"},
        content=WRO_TABLE,
        headers=headers,
    )
    assert wro.status_code == 200, wro.text
    assert wro.json()["entries"] == 3


def test_refusals(client: TestClient, role_headers: TokenFor) -> None:
    """A bad file is 422 with its rows (an unknown schema is a value warning, not a bad row),
    a missing edition 404, outreach may not load."""
    headers = role_headers(Role.INVESTIGATOR)
    bad = client.post(
        "/api/v1/lists/load",
        params={"list": "team"},
        content=(HEADER + "A1,,,Company,,,\nA2,Fine Co,,Alien,,,\n").encode(),
        headers=headers,
    )
    assert bad.status_code == 422
    assert [d["row"] for d in bad.json()["error"]["details"]] == [2]
    load(client, headers, V1, "v1")
    params = {"list": "team", "edition": "nope"}
    missing = client.get("/api/v1/lists/entries", params=params, headers=headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    never = client.get("/api/v1/lists/entries", params={"list": "never"}, headers=headers)
    assert never.status_code == 200 and never.json()["total"] == 0
    refused = client.post(
        "/api/v1/lists/load",
        params={"list": "team"},
        content=V2,
        headers=role_headers(Role.OUTREACH),
    )
    assert refused.status_code == 403
