"""/api/v1/lists: load a list file as a job, read entries, compare editions."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from ctip.lists import api
from ctip.lists.formats import file_reader
from ctip.lists.readers import PreparedList
from ctip.model.roles import Role
from tests.api.jobs import finished_job
from tests.conftest import TokenFor

HEADER = "id,name,aliases,schema,country,birth_date,address\n"
V1 = (HEADER + "A1,Acme Textiles,,Company,cn,,\nB1,Blue Reef,,Vessel,,,\n").encode()
V2 = (HEADER + "A1,Acme Textiles,Acme,Company,cn,,\nC1,Coral Star,,,,,\n").encode()
WRO_TABLE = (
    b"date,country,entity,merchandise,status,type\n"
    b'2021-11-23,Malaysia,"Brightway Holdings Sdn Bhd, Laglove (M) Sdn Bhd, '
    b'and Biopro (M) Sdn Bhd",Gloves,Active,WRO\n'
)


def send(
    client: TestClient,
    headers: dict[str, str],
    data: bytes,
    list_name: str = "team",
    **params: str,
) -> Response:
    """POST the file to /lists/load as a client would."""
    response: Response = client.post(
        "/api/v1/lists/load", params={"list": list_name, **params}, content=data, headers=headers
    )
    return response


def load(client: TestClient, headers: dict[str, str], data: bytes, edition: str) -> dict[str, Any]:
    """Load a file as an edition and wait for its job: the job's result when it is done."""
    accepted = send(client, headers, data, edition=edition, file_name=f"{edition}.csv")
    job = finished_job(client, headers, accepted)
    assert job["state"] == "done", job
    result: dict[str, Any] = job["result"]
    return result


def job_count(client: TestClient, headers: dict[str, str]) -> int:
    """How many jobs the person has (each one they may follow)."""
    return len(client.get("/api/v1/jobs", headers=headers).json())


def test_a_list_name_in_capitals_is_the_same_list(
    client: TestClient, role_headers: TokenFor
) -> None:
    headers = role_headers(Role.TRADE_ANALYST)
    job = finished_job(client, headers, send(client, headers, V1, list_name="Team"))
    assert job["state"] == "done", job
    lists = client.get("/api/v1/lists", headers=headers).json()
    assert [x["list_name"] for x in lists] == ["team"]
    page = client.get("/api/v1/lists/entries", params={"list": "TEAM"}, headers=headers)
    assert page.status_code == 200 and page.json()["total"] == 2


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
    wro = finished_job(client, headers, send(client, headers, WRO_TABLE, "cbp-wro", format="wro"))
    assert wro["state"] == "done", wro
    assert wro["result"]["entries"] == 3
    assert wro["result"]["review"] == "pending"  # an official list waits for four eyes
    assert "approves it" in wro["result"]["summary"]


def test_a_load_is_a_job_that_ends_with_the_editions_figures(
    client: TestClient, role_headers: TokenFor
) -> None:
    """202 at once with the job and where to follow it; when done, the result names the
    edition, its entries, the values not read, and the same file again changes nothing."""
    headers = role_headers(Role.INVESTIGATOR)
    data = (HEADER + "A1,Acme Textiles,,Company,Atlantis,,\nB1,Blue Reef,,Vessel,,,\n").encode()
    accepted = send(client, headers, data, edition="v1", file_name="v1.csv")
    assert accepted.status_code == 202, accepted.text
    queued = accepted.json()
    assert queued["kind"] == "lists.load" and queued["state"] in ("queued", "running", "done")
    assert accepted.headers["Location"] == f"/api/v1/jobs/{queued['id']}"
    job = finished_job(client, headers, accepted)
    assert job["state"] == "done", job
    result = job["result"]
    assert (result["list_name"], result["edition"], result["entries"]) == ("team", "v1", 2)
    assert result["already_loaded"] is False and result["review"] == "approved"
    assert result["warnings"] == 1
    assert [(w["row"], w["column"]) for w in result["warning_rows"]] == [(2, "country")]
    assert "2 entries" in result["summary"] and "1 value(s)" in result["summary"]
    # 2 entries read, 2 entry rows and the parties' statements written, 2 entries indexed
    assert job["progress"] > 3 * 2
    again = load(client, headers, data, "v1")
    assert again["already_loaded"] is True and "nothing changed" in again["summary"]
    page = client.get("/api/v1/lists/entries", params={"list": "team"}, headers=headers).json()
    assert page["edition"] == "v1" and page["total"] == 2


def test_a_refused_file_fails_its_job_with_each_bad_row(
    client: TestClient, role_headers: TokenFor
) -> None:
    """A bad row fails the job with its rows (an unknown schema is a value warning, not a bad
    row) and loads nothing."""
    headers = role_headers(Role.INVESTIGATOR)
    bad = send(client, headers, (HEADER + "A1,,,Company,,,\nA2,Fine Co,,Alien,,,\n").encode())
    job = finished_job(client, headers, bad)
    assert job["state"] == "failed" and job["error_code"] == "invalid_request", job
    assert [r["row"] for r in job["rejects"]] == [2] and job["total_rejects"] == 1
    assert "nothing was imported" in job["message"]
    assert client.get("/api/v1/lists", headers=headers).json() == []


def test_refusals_are_answered_at_once_without_a_job(
    client: TestClient, role_headers: TokenFor
) -> None:
    """Who may not load, an unknown format, an empty or non-UTF-8 file and a taken edition
    label are 4xx JSON at once; no job is queued for them."""
    headers = role_headers(Role.INVESTIGATOR)
    load(client, headers, V1, "v1")
    oversight = role_headers(Role.SUPERVISOR)  # follows everyone's jobs
    before = job_count(client, oversight)
    assert before >= 1  # the investigator's load above is among them
    outreach = send(client, role_headers(Role.OUTREACH), V2)
    assert outreach.status_code == 403 and outreach.json()["error"]["code"] == "forbidden"
    official = send(client, headers, WRO_TABLE, "cbp-wro", format="wro")
    assert official.status_code == 403, official.text
    assert "official list" in official.json()["error"]["message"]
    refusals = {
        "unknown format": (send(client, headers, V2, format="nope"), 422),
        "empty": (send(client, headers, b" \n"), 422),
        "not UTF-8": (send(client, headers, b"id,name\nA1,Caf\xe9 Ltd\n"), 422),
        "edition taken": (send(client, headers, V2, edition="v1"), 409),
        "bad list name": (send(client, headers, V2, "Team List"), 422),
    }
    for what, (response, status) in refusals.items():
        assert response.status_code == status, (what, response.text)
        assert response.json()["error"]["message"], what
    utf8 = refusals["not UTF-8"][0].json()["error"]
    assert "not UTF-8" in utf8["message"] and utf8["details"][0]["row"] == 1
    assert job_count(client, oversight) == before
    params = {"list": "team", "edition": "nope"}
    missing = client.get("/api/v1/lists/entries", params=params, headers=headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    never = client.get("/api/v1/lists/entries", params={"list": "never"}, headers=headers)
    assert never.status_code == 200 and never.json()["total"] == 0


def test_a_sent_file_waits_on_disk_for_its_job_which_deletes_it(
    client: TestClient, role_headers: TokenFor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The job reads the file spooled to disk, not bytes held for it; the spooled file is gone
    when the job ends, done or failed, and when the load is refused before a job."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    read: list[tuple[Path, bool]] = []

    def spying(format: str) -> Any:
        def read_file(path: Path, file_name: str, list_name: str) -> PreparedList:
            read.append((path, path.exists()))
            prepared: PreparedList = file_reader(format)(path, file_name, list_name)
            return prepared

        return read_file

    monkeypatch.setattr(api, "file_reader", spying)
    headers = role_headers(Role.INVESTIGATOR)
    assert load(client, headers, V1, "v1")["entries"] == 2
    bad = finished_job(client, headers, send(client, headers, (HEADER + "A1,,,,,,\n").encode()))
    assert bad["state"] == "failed"
    assert [(path.parent, there) for path, there in read] == [(tmp_path, True)] * 2
    assert send(client, headers, V2, edition="v1").status_code == 409
    assert send(client, headers, b"id,name\nA1,Caf\xe9\n").status_code == 422
    monkeypatch.setattr(api, "MAX_LIST_BYTES", 10)
    assert send(client, headers, V2).status_code == 413
    assert len(read) == 2 and list(tmp_path.glob("ctip-list-*")) == []
