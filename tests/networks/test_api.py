"""The networks API: load, read, build, list, search by any phone format, profiles."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from ctip.model.roles import Role
from ctip.networks.synthetic import generate
from tests.conftest import TokenFor

API = "/api/v1/networks"


def _seeded(client: TestClient, headers: dict[str, str]) -> None:
    world = generate(120, 2, seed=4)
    body = "\n".join(json.dumps(row) for row in world.ads).encode()
    response = client.post(f"{API}/ads/load", content=body, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["ads_new"] == len(world.ads)
    assert client.post(f"{API}/build", headers=headers).status_code == 200


def test_profile_search_and_list_agree(client: TestClient, role_headers: TokenFor) -> None:
    """Also: a bad file is refused with its rows, and a search needs a criterion."""
    headers = role_headers(Role.INVESTIGATOR)
    bad = b'{"site": "s.example", "ad_id": "1", "posted_at": "soon", "body": "x"}\nnot json\n'
    refused = client.post(f"{API}/ads/load", content=bad, headers=headers)
    assert refused.status_code == 422
    assert "2 bad row" in refused.json()["error"]["message"]
    assert client.get(f"{API}/search", headers=headers).status_code == 400
    _seeded(client, headers)
    page = client.get(API, headers=headers).json()
    top = page["results"][0]
    profiles = client.get(
        f"{API}/profiles", params={"network_id": [top["id"], "net-missing"]}, headers=headers
    ).json()
    assert profiles["missing"] == ["net-missing"]
    (found,) = profiles["profiles"]
    assert len(found["ads"]) == top["ad_count"]
    assert all(link["kind"] for link in found["links"])
    phone = next(i["value"] for i in found["identifiers"] if i["kind"] == "phone")
    national = f"({phone[2:5]}) {phone[5:8]}-{phone[8:]}"
    search = client.get(
        f"{API}/search", params={"kind": "phone", "value": national}, headers=headers
    ).json()
    assert top["id"] in [n["id"] for n in search["results"]]


def test_read_shows_hidden_phone_and_indicator_words(
    client: TestClient, role_headers: TokenFor
) -> None:
    body = {"texts": [{"title": "New in town", "body": "She is 19, call 2o2 five5five 0l43"}]}
    response = client.post(f"{API}/ads/read", json=body, headers=role_headers(Role.INTEL_ANALYST))
    (reading,) = response.json()
    assert [p["value"] for p in reading["phones"]] == ["+12025550143"]
    fired = {f["rule_id"]: f["evidence"] for f in reading["indicators"]}
    assert fired["ads.movement"] == ["new in town"]
    assert fired["ads.third_person"] == ["she is"]
