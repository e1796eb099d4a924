"""Need-to-know on the workbench: the Entities pages and the link graph pages hide what a
role's areas do not open (404 for the entity itself), and every entity page view is audited."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ctip.authz import audit, need_to_know
from ctip.model.roles import Role
from ctip.networks.access import NetworkAction
from ctip.store.db import Database
from tests.support.workbench import import_lines, sign_in

PHONE = "+12025550188"
POSTER = "poster-web-n2"
POSTER_LINE = {
    "id": POSTER,
    "schema": "LegalEntity",
    "properties": {"name": ["Poster of ad network N-2"], "phone": [PHONE]},
}


@pytest.fixture
def poster(web: TestClient) -> Iterator[Database]:
    """An ad network's poster in the store, source "ads" owned by the networks area."""
    declared_before = "ads" in need_to_know.owned_sources()
    need_to_know.declare_sources({"ads": NetworkAction.READ})
    database: Database = web.app.state.database  # type: ignore[attr-defined]
    import_lines(database, json.dumps(POSTER_LINE).encode() + b"\n", "ads")
    yield database
    if not declared_before:
        need_to_know.withdraw_sources({"ads": NetworkAction.READ})


def test_an_investigator_finds_the_poster_and_the_view_is_audited(
    web: TestClient, poster: Database
) -> None:
    sign_in(web, Role.INVESTIGATOR)
    found = web.get("/entities", params={"identifier": PHONE}).text
    assert f'href="/entities/{POSTER}"' in found
    page = web.get(f"/entities/{POSTER}")
    assert page.status_code == 200 and "Poster of ad network N-2" in page.text
    with poster.session() as session:
        event = audit.recent_events(session, 1)[0]
    assert (event.actor, event.action, event.resource) == (
        "investigator",
        "entity.read",
        f"entity:{POSTER}",
    )
    assert json.loads(event.detail) == {"rows": 2, "channel": "web"}
    assert web.get(f"/graph/{POSTER}").status_code == 200


@pytest.mark.parametrize("role", [Role.TRADE_ANALYST, Role.VICTIM_SPECIALIST], ids=str)
def test_other_roles_never_meet_the_poster_on_the_workbench(
    web: TestClient, poster: Database, role: Role
) -> None:
    sign_in(web, role)
    by_phone = web.get("/entities", params={"identifier": PHONE}).text
    by_name = web.get("/entities", params={"q": "Poster ad network N-2"}).text
    assert POSTER not in by_phone and POSTER not in by_name
    page = web.get(f"/entities/{POSTER}")
    assert page.status_code == 404 and "Poster of ad network" not in page.text
    if role is Role.TRADE_ANALYST:  # the graph is an analysts' page
        assert web.get(f"/graph/{POSTER}").status_code == 404
        assert POSTER not in web.get("/graph", params={"q": "Poster N-2"}).text
