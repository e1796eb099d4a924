"""Need-to-know in entity resolution: every analyst reads clusters, but a trade analyst may
not open the networks area, so a record of an ad network's poster (source "ads") is withheld
from them: not in the cluster, its links, judgements or history, not counted in the review
list, and its id is unknown (404). An investigator, who may open the networks area, sees the
cluster whole. Resolution itself runs over every source: the cluster ids are the same for all.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ctip.authz.need_to_know import hidden_sources
from ctip.authz.policy import Principal
from ctip.model.roles import Role
from ctip.resolve import service
from ctip.store.db import Database
from ctip.store.paging import PageQuery
from tests.conftest import TokenFor
from tests.support.need_to_know import import_entities

API = "/api/v1/resolve"
POSTER, CONTACT, OTHER = "ads-poster-ana", "case-contact-ana", "case-carlos"
ANA = {"name": ["Ana Lima"], "birthDate": ["1990-01-02"], "phone": ["+5511987654321"]}


def _person(entity_id: str, properties: dict[str, list[str]]) -> str:
    return json.dumps({"id": entity_id, "schema": "Person", "properties": properties})


@pytest.fixture
def resolved(client: TestClient, role_headers: TokenFor) -> Iterator[Database]:
    """An ad poster and a case contact who are one person, resolved from the store, and a
    judgement confirming it."""
    investigator = role_headers(Role.INVESTIGATOR)
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    import_entities(database, "ads", _person(POSTER, ANA))
    import_entities(
        database,
        "case-files",
        _person(CONTACT, ANA),
        _person(OTHER, {"name": ["Carlos Reis"], "birthDate": ["1970-03-04"]}),
    )
    assert client.post(f"{API}/store", headers=investigator).status_code == 200
    body = {"left": POSTER, "right": CONTACT, "decision": "same", "why": "same phone and birth"}
    assert client.post(f"{API}/judgements", json=body, headers=investigator).status_code == 201
    yield database


def _cluster(client: TestClient, headers: dict[str, str], ref: str) -> Any:
    return client.get(f"{API}/clusters", params={"ref": ref}, headers=headers)


def test_an_investigator_sees_the_cluster_whole(
    client: TestClient, role_headers: TokenFor, resolved: Database
) -> None:
    headers = role_headers(Role.INVESTIGATOR)
    cluster = _cluster(client, headers, POSTER)
    assert cluster.status_code == 200
    view = cluster.json()
    assert {r["id"] for r in view["records"]} == {POSTER, CONTACT}
    assert view["links"] and view["judgements"]
    history = client.get(f"{API}/clusters/history", params={"ref": CONTACT}, headers=headers)
    assert "judged" in {e["event"] for e in history.json()}


def test_a_trade_analyst_never_meets_the_posters_record(
    client: TestClient, role_headers: TokenFor, resolved: Database
) -> None:
    headers = role_headers(Role.TRADE_ANALYST)
    assert _cluster(client, headers, POSTER).status_code == 404
    cluster = _cluster(client, headers, CONTACT)
    assert cluster.status_code == 200
    view = cluster.json()
    assert [r["id"] for r in view["records"]] == [CONTACT]
    assert view["links"] == [] and view["judgements"] == []
    assert POSTER not in cluster.text
    history = client.get(f"{API}/clusters/history", params={"ref": CONTACT}, headers=headers)
    assert history.status_code == 200 and POSTER not in history.text
    assert "judged" not in {e["event"] for e in history.json()}
    by_id = client.get(f"{API}/clusters", params={"ref": view["cluster_id"]}, headers=headers)
    assert [r["id"] for r in by_id.json()["records"]] == [CONTACT]


def _listed(database: Database, role: Role) -> list[tuple[str, int]]:
    hidden = hidden_sources(Principal(role.value, role, user_id=0))
    with database.session() as session:
        rows = service.cluster_listing(hidden).page(session, PageQuery()).rows
    return [(row.cluster_id, row.size) for row in rows]


def test_the_review_list_counts_only_the_records_a_reader_may_see(resolved: Database) -> None:
    with resolved.session() as session:
        cluster_id = service.clusters_of(session, [CONTACT])[CONTACT]
    assert _listed(resolved, Role.INVESTIGATOR) == [(cluster_id, 2)]
    assert _listed(resolved, Role.TRADE_ANALYST) == []  # one record left: nothing to review


def test_a_judge_may_not_name_a_record_withheld_from_them(resolved: Database) -> None:
    with resolved.session() as session, pytest.raises(service.UnknownReference):
        service.judge(session, "judge", POSTER, OTHER, False, "apart", frozenset({"ads"}))
    with resolved.session() as session:
        outcome = service.judge(session, "judge", CONTACT, OTHER, False, "apart", frozenset())
    assert outcome.decision == service.DIFFERENT
