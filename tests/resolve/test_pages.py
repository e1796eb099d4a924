"""The resolve workbench: a cluster with the evidence for each link, confirm/reject forms."""

from __future__ import annotations

from fastapi.testclient import TestClient

from ctip.model.roles import Role
from ctip.resolve import service
from ctip.resolve.records import record_from_row
from ctip.store.db import Database
from tests.support.workbench import form_token, sign_in


def _seed(client: TestClient) -> str:
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    people = [
        {"id": "p1", "name": "Ana Lima", "birth_date": "1990-01-02", "source": "intake"},
        {"id": "p2", "name": "Ana Lima", "birth_date": "1990-01-02", "source": "tips"},
        {"id": "p3", "name": "Ana Lima", "birth_date": "1990-01-02", "source": "cases"},
    ]
    with database.session() as session:
        records = [record_from_row(p, "web") for p in people]
        outcome = service.resolve_batch(session, records, "setup")
    return outcome.assignment["p1"]


def test_a_cluster_page_explains_each_link_and_a_rejection_splits_it(web: TestClient) -> None:
    cluster = _seed(web)
    sign_in(web, Role.INVESTIGATOR)
    page = web.get(f"/resolve/clusters/{cluster}")
    assert page.status_code == 200
    assert "p1" in page.text and "p3" in page.text
    assert "Exact match on birth_date" in page.text
    assert "Confirm: same" in page.text
    form = {
        "csrf_token": form_token(page.text),
        "left": "p1",
        "right": "p3",
        "decision": "different",
        "why": "different fathers' names on the documents",
    }
    response = web.post(f"/resolve/clusters/{cluster}/judge", data=form, follow_redirects=True)
    assert response.status_code == 200
    assert "different fathers" in response.text
    database: Database = web.app.state.database  # type: ignore[attr-defined]
    with database.session() as session:
        assigned = service.clusters_of(session, ["p1", "p2", "p3"])
    assert assigned["p1"] != assigned["p3"]


def test_a_judgement_without_a_csrf_token_is_refused(web: TestClient) -> None:
    cluster = _seed(web)
    sign_in(web, Role.INVESTIGATOR)
    form = {"left": "p1", "right": "p3", "decision": "different", "why": "x"}
    response = web.post(f"/resolve/clusters/{cluster}/judge", data=form)
    assert response.status_code == 403


def test_a_trade_analyst_reads_clusters_but_cannot_judge(web: TestClient) -> None:
    cluster = _seed(web)
    sign_in(web, Role.TRADE_ANALYST)
    page = web.get(f"/resolve/clusters/{cluster}")
    assert page.status_code == 200
    assert "Confirm: same" not in page.text
    response = web.post(f"/resolve/clusters/{cluster}/judge", data={"decision": "same"})
    assert response.status_code == 403


def test_an_unknown_cluster_is_404_and_the_list_shows_clusters(web: TestClient) -> None:
    cluster = _seed(web)
    sign_in(web, Role.INTEL_ANALYST)
    assert web.get("/resolve/clusters/cl-999999").status_code == 404
    listing = web.get("/resolve")
    assert listing.status_code == 200
    assert cluster in listing.text
