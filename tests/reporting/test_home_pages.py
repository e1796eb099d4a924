"""Home pages by role: each role sees counts of its own work, linked, and nobody else's."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from ctip.model.roles import Role
from ctip.networks import demo as networks_demo
from ctip.store.db import Database
from tests.support.workbench import sign_in

TRADE_TILES = ("detentions due in 5 days or overdue", "flagged lines to review")
NETWORK_TILE = "ad networks with a high indicator score"
OUTREACH_TILE = "trainings and presentations in the next 30 days"


def _tiles(html: str) -> dict[str, int]:
    found = re.findall(
        r'<strong class="count">(\d+)</strong>\s*<span class="work-label">([^<]+)</span>', html
    )
    return {label: int(count) for count, label in found}


def test_each_role_sees_its_own_work(web: TestClient) -> None:
    database: Database = web.app.state.database  # type: ignore[attr-defined]
    with database.session() as session:
        networks_demo.seed_demo(session)
    expectations = {
        Role.INVESTIGATOR: ({NETWORK_TILE}, {*TRADE_TILES, OUTREACH_TILE}),
        Role.TRADE_ANALYST: (set(TRADE_TILES), {NETWORK_TILE, OUTREACH_TILE}),
        Role.OUTREACH: ({OUTREACH_TILE}, {*TRADE_TILES, NETWORK_TILE}),
    }
    for role, (shown, hidden) in expectations.items():
        sign_in(web, role)
        tiles = _tiles(web.get("/").text)
        assert all(any(s in label for label in tiles) for s in shown), (role, tiles)
        assert not any(h in label for h in hidden for label in tiles), (role, tiles)
        web.cookies.clear()
    sign_in(web, Role.INVESTIGATOR)
    tiles = _tiles(web.get("/").text)
    assert tiles[NETWORK_TILE] == networks_demo.DEMO_NETWORKS  # the planted ones score high
