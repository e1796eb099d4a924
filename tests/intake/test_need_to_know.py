"""Need-to-know in intake: what a tip or an allegation connects to in the entity store is
found only through sources the reader may open.

A trade analyst reviews forced-labour allegations but may not open the networks area, so an
ad network's poster (source "ads") named like the alleged company is not among the matches
shown to them; a supervisor, who may open both, sees it. The tip triagers (investigators and
intel analysts) may open the networks area, so a source only trade officers may open
("customs-files") stands in for one hidden from them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ctip.intake.tips import TipInput, submit_tip
from ctip.model.roles import Role
from ctip.store.db import Database
from tests.conftest import TokenFor
from tests.support.need_to_know import CUSTOMS_SOURCE, customs_files_owned, import_entities
from tests.support.workbench import sign_in

COMPANY = "Golden Lotus Apparel Trading"
POSTER, REGISTERED = "ads-golden-lotus", "registry-golden-lotus"
PHONE = "+12025550147"
BROKER, CONTACT = "customs-broker-7", "case-contact-7"


def _entity(entity_id: str, schema: str, name: str, **more: str) -> str:
    properties = {"name": [name]} | {key: [value] for key, value in more.items()}
    return json.dumps({"id": entity_id, "schema": schema, "properties": properties})


def _seed(database: Database) -> dict[str, str]:
    """An ads poster and a registered company both named like the allegation's company, a
    customs broker and a case contact who both hold the tip's phone; and the two tips."""
    import_entities(database, "ads", _entity(POSTER, "LegalEntity", COMPANY))
    import_entities(database, "registry", _entity(REGISTERED, "Company", COMPANY))
    import_entities(database, CUSTOMS_SOURCE, _entity(BROKER, "Company", "Bay Line", phone=PHONE))
    import_entities(database, "case-files", _entity(CONTACT, "Person", "Ana Ruiz", phone=PHONE))
    where, story = "inside_us", "Workers cannot leave the plant."
    allegation = TipInput(where, "forced labor in goods", story, company=COMPANY, country="CN")
    tip = TipInput(where, "labor trafficking", story, phones=(PHONE,))
    with database.session() as session:
        return {
            "allegation": submit_tip(session, allegation, "web").tip_id,
            "tip": submit_tip(session, tip, "web").tip_id,
        }


@pytest.fixture
def tips(client: TestClient, role_headers: TokenFor) -> Iterator[dict[str, str]]:
    role_headers(Role.ADMIN)  # the users exist
    with customs_files_owned():
        yield _seed(client.app.state.database)  # type: ignore[attr-defined]


def _entities_named(client: TestClient, headers: dict[str, str], path: str) -> set[str]:
    """The store entities a tip's explanation refers to, through the API."""
    response = client.get(f"/api/v1/intake/{path}", headers=headers)
    assert response.status_code == 200, response.text
    features: list[dict[str, Any]] = response.json()["links"]["features"]
    urls = {r["url"] for f in features for r in f["references"]}
    return {url.removeprefix("/entities/") for url in urls if url.startswith("/entities/")}


def test_a_trade_analyst_never_meets_the_ad_poster_in_an_allegations_matches(
    client: TestClient, role_headers: TokenFor, tips: dict[str, str]
) -> None:
    path = f"allegations/{tips['allegation']}"
    assert _entities_named(client, role_headers(Role.TRADE_ANALYST), path) == {REGISTERED}
    assert _entities_named(client, role_headers(Role.SUPERVISOR), path) == {POSTER, REGISTERED}


def test_tip_triage_finds_the_store_only_through_sources_the_triager_may_open(
    client: TestClient, role_headers: TokenFor, tips: dict[str, str]
) -> None:
    path = f"tips/{tips['tip']}"
    for role in (Role.INVESTIGATOR, Role.INTEL_ANALYST):
        assert _entities_named(client, role_headers(role), path) == {CONTACT}
    assert _entities_named(client, role_headers(Role.ADMIN), path) == {BROKER, CONTACT}


@pytest.fixture
def web_tips(web: TestClient) -> Iterator[dict[str, str]]:
    with customs_files_owned():
        yield _seed(web.app.state.database)  # type: ignore[attr-defined]


def test_the_allegation_page_hides_the_poster_from_a_trade_analyst(
    web: TestClient, web_tips: dict[str, str]
) -> None:
    sign_in(web, Role.TRADE_ANALYST)
    page = web.get(f"/intake/allegations/{web_tips['allegation']}")
    assert page.status_code == 200
    assert f"/entities/{REGISTERED}" in page.text and POSTER not in page.text


def test_the_tip_page_shows_an_admin_both_holders_of_the_phone(
    web: TestClient, web_tips: dict[str, str]
) -> None:
    sign_in(web, Role.ADMIN)
    page = web.get(f"/intake/tips/{web_tips['tip']}")
    assert page.status_code == 200
    assert f"/entities/{BROKER}" in page.text and f"/entities/{CONTACT}" in page.text


def test_the_tip_page_hides_the_broker_from_an_investigator(
    web: TestClient, web_tips: dict[str, str]
) -> None:
    sign_in(web, Role.INVESTIGATOR)
    page = web.get(f"/intake/tips/{web_tips['tip']}")
    assert page.status_code == 200
    assert f"/entities/{CONTACT}" in page.text and BROKER not in page.text
    assert "Bay Line" not in page.text
