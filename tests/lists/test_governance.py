"""Governed reference lists: official lists change only by a trade analyst or admin, and an
edition counts for trade screening only after a supervisor or admin other than its loader
approves it; private watchlists never change another user's trade decisions; each decision
names the editions it read."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from ctip.lists import governance
from ctip.lists.store import load_watchlist
from ctip.model.errors import Conflict, Forbidden, InvalidInput
from ctip.model.roles import Role
from ctip.store.db import Database
from ctip.store.tables import LedgerEventRow
from ctip.trade.lists.uflpa import sample_bytes
from tests.api.jobs import finished_job
from tests.conftest import TokenFor
from tests.trade.conftest import entry_csv, raw_row

HOSHINE = "Hoshine Silicon Industry (Shanshan) Co. Ltd."
DUMMY_EDITION = (
    b"name,aliases,address,country,date_added,section\nDummy Co.,,,cn,2099-01-01,2(d)(2)(B)(i)\n"
)
HARMLESS = "Quiet Harbour Trading Ltd"
HOSHINE_LINE = entry_csv(
    [
        raw_row(
            entry_number="HSN-1234567-1",
            manufacturer=HOSHINE,
            manufacturer_address="Industrial Park Road 8",
            country_of_origin="CN",
            hts_code="2804690000",
        ),
        raw_row(
            entry_number="HSN-1234567-1",
            line_number="2",
            manufacturer=HARMLESS,
            manufacturer_address="Yokohama",
            country_of_origin="JP",
            hts_code="9503000073",
        ),
    ]
)


def load_list(
    client: TestClient,
    headers: dict[str, str],
    data: bytes,
    list_name: str = "uflpa",
    edition: str = "sample",
    format: str = "uflpa",
) -> Any:
    """The load's answer as a client sees it in the end: the route's own refusal (403...), or
    once its job has ended, 200 with the job when done and 422 with it when failed."""
    params = {"list": list_name, "format": format, "edition": edition}
    response = client.post("/api/v1/lists/load", params=params, content=data, headers=headers)
    if response.status_code != 202:
        return response
    job = finished_job(client, headers, response)
    return Response(200 if job["state"] == "done" else 422, json=job)


def decide(
    client: TestClient, headers: dict[str, str], verb: str, edition: str, why: str = "checked"
) -> Any:
    params = {"list": "uflpa", "edition": edition}
    return client.post(f"/api/v1/lists/{verb}", params=params, json={"why": why}, headers=headers)


def screen(client: TestClient, headers: dict[str, str], *chosen: str) -> dict[str, str]:
    """Screen the two lines; line number -> decision."""
    params = {"file_name": "hoshine.csv", "list": list(chosen)}
    response = client.post(
        "/api/v1/trade/screen", params=params, content=HOSHINE_LINE, headers=headers
    )
    assert response.status_code == 200, response.text
    return {str(d["line_number"]): d["decision"] for d in response.json()["decisions"]}


@pytest.fixture
def approved_sample(client: TestClient, role_headers: TokenFor) -> TestClient:
    """The shipped UFLPA excerpt, loaded by a trade analyst and approved by a supervisor."""
    loaded = load_list(client, role_headers(Role.TRADE_ANALYST), sample_bytes())
    assert loaded.status_code == 200, loaded.text
    assert decide(client, role_headers(Role.SUPERVISOR), "approve", "sample").status_code == 200
    return client


@pytest.mark.parametrize(
    "role", [Role.INVESTIGATOR, Role.INTEL_ANALYST, Role.SUPERVISOR], ids=lambda r: r.value
)
def test_only_a_trade_analyst_or_admin_loads_an_official_list(
    client: TestClient, role_headers: TokenFor, role: Role
) -> None:
    refused = load_list(client, role_headers(role), DUMMY_EDITION, edition="2099-01-01")
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["code"] == "forbidden"
    editions = client.get(
        "/api/v1/lists/editions", params={"list": "uflpa"}, headers=role_headers(role)
    )
    assert editions.json() == []
    own = load_list(
        client, role_headers(role), b"id,name\nw1,Someone\n", "my-list", "1", "watchlist"
    )
    assert own.status_code == 200, own.text  # a private list stays every analyst's own work


def test_an_unapproved_edition_does_not_change_screening(
    approved_sample: TestClient, role_headers: TokenFor
) -> None:
    """The attack of the issue: a 2099 edition with one dummy row must not free Hoshine."""
    client, analyst = approved_sample, role_headers(Role.TRADE_ANALYST)
    before = screen(client, analyst)
    assert before["1"] == "detain"
    loaded = load_list(client, analyst, DUMMY_EDITION, edition="2099-01-01")
    assert loaded.status_code == 200, loaded.text
    assert loaded.json()["result"]["review"] == "pending"
    assert screen(client, analyst) == before
    states = client.get("/api/v1/lists/editions", params={"list": "uflpa"}, headers=analyst)
    by_edition = {e["edition"]: (e["status"], e["in_effect"]) for e in states.json()}
    assert by_edition == {"sample": ("approved", True), "2099-01-01": ("pending", False)}


def test_the_submitter_cannot_approve_their_own_edition(
    client: TestClient, role_headers: TokenFor
) -> None:
    admin = role_headers(Role.ADMIN)
    assert load_list(client, admin, sample_bytes()).status_code == 200
    own = decide(client, admin, "approve", "sample")
    assert own.status_code == 403, own.text
    assert "another person" in own.json()["error"]["message"]
    analyst = decide(client, role_headers(Role.TRADE_ANALYST), "approve", "sample")
    assert analyst.status_code == 403  # a trade analyst loads, never approves
    assert screen(client, role_headers(Role.TRADE_ANALYST))["1"] == "review"  # not yet listed
    states = client.get("/api/v1/lists/editions", params={"list": "uflpa"}, headers=admin)
    assert [e["status"] for e in states.json()] == ["pending"]


def test_after_approval_the_edition_is_used_and_recorded_with_each_decision(
    approved_sample: TestClient, role_headers: TokenFor
) -> None:
    client, analyst = approved_sample, role_headers(Role.TRADE_ANALYST)
    assert screen(client, analyst)["1"] == "detain"
    assert load_list(client, analyst, DUMMY_EDITION, edition="2099-01-01").status_code == 200
    approved = decide(client, role_headers(Role.ADMIN), "approve", "2099-01-01", "new edition")
    assert approved.status_code == 200, approved.text
    assert approved.json()["actor"] == "admin" and approved.json()["why"] == "new edition"
    assert screen(client, analyst)["1"] == "review"  # the approved edition no longer lists it
    lines = client.get("/api/v1/trade/lines", headers=analyst).json()
    used = {line["line_number"]: line["list_editions"] for line in lines}
    assert used[1] == [
        {"list": "uflpa", "edition": "2099-01-01", "kind": "uflpa", "official": True}
    ]


def test_a_rejected_edition_never_counts_and_cannot_then_be_approved(
    approved_sample: TestClient, role_headers: TokenFor
) -> None:
    client, analyst = approved_sample, role_headers(Role.TRADE_ANALYST)
    assert load_list(client, analyst, DUMMY_EDITION, edition="2099-01-01").status_code == 200
    supervisor = role_headers(Role.SUPERVISOR)
    assert decide(client, supervisor, "reject", "2099-01-01", "not published").status_code == 200
    assert decide(client, supervisor, "approve", "2099-01-01").status_code == 409
    assert decide(client, supervisor, "approve", "2099-01-01", "  ").status_code == 422
    assert screen(client, analyst)["1"] == "detain"


def test_a_private_watchlist_does_not_change_trade_decisions(
    approved_sample: TestClient, role_headers: TokenFor
) -> None:
    client, analyst = approved_sample, role_headers(Role.TRADE_ANALYST)
    before = screen(client, analyst)
    assert before["2"] == "release"
    watchlist = f"id,name,country\nq1,{HARMLESS},jp\n".encode()
    investigator = role_headers(Role.INVESTIGATOR)
    own = load_list(client, investigator, watchlist, "team-watch", "1", "watchlist")
    assert own.status_code == 200, own.text
    assert screen(client, analyst) == before  # someone else's list changes nothing
    chosen = screen(client, role_headers(Role.SUPERVISOR), "team-watch")
    assert chosen["2"] != "release"  # read only when the person screening chooses it


def test_an_admin_marks_a_list_official(client: TestClient, role_headers: TokenFor) -> None:
    admin, investigator = role_headers(Role.ADMIN), role_headers(Role.INVESTIGATOR)
    watchlist = b"id,name\nw1,Someone\n"
    assert load_list(client, investigator, watchlist, "ofac", "1", "watchlist").status_code == 200
    marked = client.post(
        "/api/v1/lists/official", params={"list": "ofac"}, json={"why": "policy"}, headers=admin
    )
    assert marked.status_code == 200, marked.text
    again = load_list(client, investigator, b"id,name\nw2,Other\n", "ofac", "2", "watchlist")
    assert again.status_code == 403


def test_four_eyes_in_the_store_and_the_ledger(database: Database) -> None:
    with database.session() as session:
        load_watchlist(session, b"id,name\nu1,Listed Co\n", "u.csv", "uflpa", "loader", "e1")
        assert governance.screening_editions(session) == []  # nothing approved yet
        with pytest.raises(Forbidden):
            governance.approve(session, "uflpa", "e1", "loader", "mine")
        with pytest.raises(InvalidInput):
            governance.approve(session, "uflpa", "e1", "checker", "")
        event = governance.approve(session, "uflpa", "e1", "checker", "checked")
        assert governance.approve(session, "uflpa", "e1", "checker", "again").id == event.id
        with pytest.raises(Conflict):
            governance.reject(session, "uflpa", "e1", "other", "too late")
        used = governance.screening_editions(session)
        assert [(u.list_name, u.edition, u.official) for u in used] == [("uflpa", "e1", True)]
        rows = session.scalars(
            select(LedgerEventRow).where(LedgerEventRow.stream_kind == "list_edition")
        ).all()
        assert [(r.stream_id, r.kind, r.actor, r.reason) for r in rows] == [
            ("uflpa/e1", "approved", "checker", "checked")
        ]


def test_name_screening_reads_the_approved_edition_unless_one_is_named(
    client: TestClient, role_headers: TokenFor
) -> None:
    analyst = role_headers(Role.TRADE_ANALYST)
    assert load_list(client, analyst, sample_bytes()).status_code == 200
    body: dict[str, Any] = {"list": "uflpa", "queries": [{"id": "q1", "name": HOSHINE}]}
    pending = client.post("/api/v1/screen", json=body, headers=analyst)
    assert pending.status_code == 404 and "no approved edition" in pending.text
    named = client.post("/api/v1/screen", json={**body, "edition": "sample"}, headers=analyst)
    assert named.status_code == 200 and named.json()["matches"] == 1
    assert decide(client, role_headers(Role.SUPERVISOR), "approve", "sample").status_code == 200
    approved = client.post("/api/v1/screen", json=body, headers=analyst)
    assert approved.status_code == 200 and approved.json()["matches"] == 1
