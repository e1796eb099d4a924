"""The network view pages over the donations data (server-rendered, without a browser)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from ctip.model.roles import Role
from tests.support.workbench import sign_in

DONOR = "f9c295f21b233ac878fbac4d271bb6fd13d7952a"  # Frau Lina Dachner
PARTY = "6d03aec76fdeec8f9697d8b19954ab6fc2568bc8"  # MLPD
NODE = re.compile(r'data-entity-id="([^"]+)"')


def test_donor_view_draws_the_party_and_the_payment(web: TestClient) -> None:
    sign_in(web, Role.INVESTIGATOR)
    page = web.get(f"/graph/{DONOR}")
    assert page.status_code == 200
    assert "<svg" in page.text and "Network of Frau Lina Dachner" in page.text
    drawn = set(NODE.findall(page.text))
    assert PARTY in drawn and DONOR in drawn
    assert ">Payment</text>" in page.text  # the edge is labelled by its type
    assert f'href="/entities/{DONOR}"' in page.text  # the side panel's provenance link


def test_expanding_a_node_merges_its_neighbours_into_a_fragment(web: TestClient) -> None:
    sign_in(web, Role.INVESTIGATOR)
    before = set(NODE.findall(web.get(f"/graph/{DONOR}").text))
    fragment = web.get(
        f"/graph/{DONOR}",
        params={"expand": PARTY, "selected": PARTY},
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<div id="graph-view"')
    after = set(NODE.findall(fragment.text))
    assert before < after  # the party's other donors joined the drawing
    assert 'id="panel-title"' in fragment.text and "MLPD" in fragment.text


def test_graph_pages_follow_the_policy(web: TestClient) -> None:
    sign_in(web, Role.VICTIM_SPECIALIST)
    assert web.get(f"/graph/{DONOR}").status_code == 403
    assert "Network view" not in web.get(f"/entities/{DONOR}").text


def test_index_and_unknown_entity(web: TestClient) -> None:
    sign_in(web, Role.INTEL_ANALYST)
    index = web.get("/graph", params={"q": "Dachner"})
    assert index.status_code == 200 and f"/graph/{DONOR}" in index.text
    assert "Most central entities" in index.text
    assert web.get("/graph/no-such-entity").status_code == 404
    assert "Network view" in web.get(f"/entities/{DONOR}").text


def test_an_edge_entity_opens_on_both_its_ends(web: TestClient) -> None:
    sign_in(web, Role.INVESTIGATOR)
    payment = "2216b422a31242fe204654ce194864661f515921"  # Dachner paid MLPD
    response = web.get(f"/graph/{payment}")
    assert response.status_code == 303
    assert response.headers["location"] == f"/graph/{DONOR}?expand={PARTY}&selected={PARTY}"
