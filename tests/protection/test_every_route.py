"""Walk every GET route of the whole app (API and workbench, every area, found from
`app.routes` so new routes are covered without editing this test), for every role and the
anonymous public, with path parameters filled with the victim's pseudonym and relief ids.
The marker name appears only where the assigned specialist reads it, or where a supervisor
reads it after a recorded break-glass."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from ctip.model.roles import STAFF_ROLES, Role
from ctip.protection import relief
from ctip.store.db import Database
from tests.conftest import TEST_PASSWORD
from tests.protection.conftest import CLOCK, MARKER_BITS, add_marker_victim
from tests.support.workbench import sign_in

PARAM = re.compile(r"{([^}:]+)(?::[^}]*)?}")
SPECIALIST = Role.VICTIM_SPECIALIST.value.replace("_", "-")


def _get_paths(client: TestClient, values: dict[str, str]) -> list[str]:
    """Every GET route's path with its parameters filled (a relief id where the name says
    relief, the victim's pseudonym everywhere else), plus a CSV export of each page."""
    paths = []
    for context in iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        if "GET" not in (context.methods or ()) or not isinstance(context.original_route, APIRoute):
            continue
        path = PARAM.sub(lambda m: _value(m.group(1), values), context.path or "")
        paths += [path, f"{path}?export=csv"]
    return sorted(set(paths))


def _value(name: str, values: dict[str, str]) -> str:
    if "relief" in name:
        return values["relief"]
    if "case" in name:
        return values["case"]
    return values["victim"]


def _leaks(client: TestClient, paths: list[str], headers: dict[str, str] | None = None) -> set[str]:
    found = set()
    for path in paths:
        try:
            response = client.get(path, headers=headers or {})
        except Exception:
            continue
        if any(bit in response.text for bit in MARKER_BITS):
            found.add(path.split("?")[0])  # a route that ignores ?export= reads the same
    return found


def _token(client: TestClient, username: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token", json={"username": username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _seed(web: TestClient) -> dict[str, str]:
    database: Database = web.app.state.database  # type: ignore[attr-defined]
    victim = add_marker_victim(database, SPECIALIST)
    with database.session() as session:
        t = relief.request(session, SPECIALIST, victim, "t-visa", "2021-04-01", clock=CLOCK)
        cp = relief.request(
            session, "ivan", victim, "continued-presence", "2021-04-01", clock=CLOCK
        )
        relief.decide(session, "ccht", cp, True, "2021-05-01", clock=CLOCK)
    return {"victim": victim, "relief": t, "case": "HSI-2021-00042"}


def test_the_marker_shows_only_to_the_assigned_specialist_and_after_break_glass(
    web: TestClient,
) -> None:
    values = _seed(web)
    paths = _get_paths(web, values)
    victim_pages = {
        f"/protection/victims/{values['victim']}",
        f"/api/v1/protection/victims/{values['victim']}",
        f"/api/v1/protection/victims/{values['victim']}/identity",
    }
    assert victim_pages <= set(paths)
    assert _leaks(web, paths) == set()  # the anonymous public
    for role in STAFF_ROLES:
        username = role.value.replace("_", "-")
        api_leaks = _leaks(web, [p for p in paths if p.startswith("/api/")], _token(web, username))
        web.cookies.clear()
        sign_in(web, role)
        page_leaks = _leaks(web, [p for p in paths if not p.startswith("/api/")])
        expected = victim_pages if role is Role.VICTIM_SPECIALIST else set()
        assert api_leaks | page_leaks == expected, role
        web.cookies.clear()
    supervisor = _token(web, Role.SUPERVISOR.value)
    opened = web.post(
        f"/api/v1/protection/victims/{values['victim']}/break-glass",
        json={"reason": "victim missing from shelter; police need a description"},
        headers=supervisor,
    )
    assert opened.status_code == 200 and any(bit in opened.text for bit in MARKER_BITS)
    after = _leaks(web, [p for p in paths if p.startswith("/api/")], supervisor)
    assert after == {p for p in victim_pages if p.startswith("/api/")}
    admin = _token(web, Role.ADMIN.value)
    refused = web.post(
        f"/api/v1/protection/victims/{values['victim']}/break-glass",
        json={"reason": "the admin wants to see it right now"},
        headers=admin,
    )
    assert refused.status_code == 403 and not any(bit in refused.text for bit in MARKER_BITS)
    assert _leaks(web, [p for p in paths if p.startswith("/api/")], admin) == set()
