"""Least privilege, route by route: a declared allow table, checked over HTTP for every role.

The table below is the contract. A route of the API that is not in it fails the suite, so a
new route cannot ship without someone deciding who may call it; each route is then called
as every role (the anonymous public included) and must admit exactly the roles it lists,
refusing the others with 403 (signed in) or 401 (anonymous) and the JSON error body.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from ctip.api.app import API_PREFIX, create_app
from ctip.api.deps import required_action
from ctip.authz import users
from ctip.authz.policy import Action, allowed_roles
from ctip.config import Environment, Settings
from ctip.ingest.ftm_import import import_ftm_bytes
from ctip.lists.store import load_watchlist
from ctip.model.roles import STAFF_ROLES, Role
from ctip.store import jobs
from ctip.store.db import Database
from ctip.store.tables import FileImportRow, StatementRow, User
from tests.conftest import TEST_PASSWORD, add_role_users

RouteKey = tuple[str, str]
"""(method, path template), e.g. ("GET", "/api/v1/entities/{entity_id}")."""

EVERYONE = frozenset(Role)
SIGNED_IN = frozenset(STAFF_ROLES)
ANALYSTS = frozenset(
    {Role.ADMIN, Role.SUPERVISOR, Role.INVESTIGATOR, Role.INTEL_ANALYST, Role.TRADE_ANALYST}
)
ENTITY_READERS = ANALYSTS | {Role.VICTIM_SPECIALIST}
OVERSIGHT = frozenset({Role.ADMIN, Role.SUPERVISOR})
ADMINS = frozenset({Role.ADMIN})

ACCESS: dict[RouteKey, frozenset[Role]] = {
    ("GET", "/api/v1/health"): EVERYONE,
    ("POST", "/api/v1/auth/token"): EVERYONE,
    ("GET", "/api/v1/auth/me"): SIGNED_IN,
    ("POST", "/api/v1/auth/logout"): SIGNED_IN,
    ("GET", "/api/v1/auth/sessions"): SIGNED_IN,
    ("DELETE", "/api/v1/auth/sessions/{session_id}"): SIGNED_IN,
    ("POST", "/api/v1/users/{username}/revoke"): ADMINS,
    ("GET", "/api/v1/entities/search"): ENTITY_READERS,
    ("GET", "/api/v1/entities/by-identifier"): ENTITY_READERS,
    ("GET", "/api/v1/entities/{entity_id}"): ENTITY_READERS,
    ("GET", "/api/v1/entities/{entity_id}/links"): ENTITY_READERS,
    ("GET", "/api/v1/entities/export"): ANALYSTS,
    ("POST", "/api/v1/entities/import"): ANALYSTS,
    ("GET", "/api/v1/users"): OVERSIGHT,
    ("POST", "/api/v1/users"): ADMINS,
    ("POST", "/api/v1/users/{username}/disable"): ADMINS,
    ("POST", "/api/v1/users/{username}/enable"): ADMINS,
    ("PUT", "/api/v1/users/{username}/role"): ADMINS,
    ("GET", "/api/v1/audit/events"): OVERSIGHT,
    ("GET", "/api/v1/audit/verify"): OVERSIGHT,
    ("GET", "/api/v1/jobs"): SIGNED_IN,
    ("GET", "/api/v1/jobs/{job_id}"): SIGNED_IN,
    **dict.fromkeys(
        [
            ("POST", "/api/v1/networks/ads/load"),
            ("POST", "/api/v1/networks/ads/read"),
            ("POST", "/api/v1/networks/build"),
            ("GET", "/api/v1/networks"),
            ("GET", "/api/v1/networks/search"),
            ("GET", "/api/v1/networks/profiles"),
        ],
        frozenset({Role.ADMIN, Role.SUPERVISOR, Role.INVESTIGATOR, Role.INTEL_ANALYST}),
    ),
    ("GET", "/api/v1/graph/entities/{entity_id}/neighbourhood"): ANALYSTS,
    ("GET", "/api/v1/graph/entities/{entity_id}/export"): ANALYSTS,
    ("GET", "/api/v1/graph/path"): ANALYSTS,
    ("GET", "/api/v1/graph/communities"): ANALYSTS,
    ("GET", "/api/v1/graph/components"): ANALYSTS,
    ("GET", "/api/v1/graph/centrality"): ANALYSTS,
    ("GET", "/api/v1/lists"): ANALYSTS,
    ("GET", "/api/v1/lists/entries"): ANALYSTS,
    ("GET", "/api/v1/lists/diff"): ANALYSTS,
    ("POST", "/api/v1/lists/load"): ANALYSTS,
    ("GET", "/api/v1/lists/editions"): ANALYSTS,
    ("POST", "/api/v1/lists/approve"): OVERSIGHT,
    ("POST", "/api/v1/lists/reject"): OVERSIGHT,
    ("POST", "/api/v1/lists/official"): ADMINS,
    ("POST", "/api/v1/screen"): ANALYSTS,
    # trade (the detention the later routes act on is seeded by the world fixture)
    ("POST", "/api/v1/trade/entries"): frozenset({Role.ADMIN, Role.SUPERVISOR, Role.TRADE_ANALYST}),
    ("POST", "/api/v1/trade/screen"): frozenset({Role.ADMIN, Role.SUPERVISOR, Role.TRADE_ANALYST}),
    ("GET", "/api/v1/trade/lines"): ANALYSTS,
    ("POST", "/api/v1/trade/suppliers"): frozenset(
        {Role.ADMIN, Role.SUPERVISOR, Role.TRADE_ANALYST}
    ),
    ("GET", "/api/v1/trade/trace"): ANALYSTS,
    ("GET", "/api/v1/trade/figures"): ANALYSTS,
    ("POST", "/api/v1/trade/detentions"): frozenset(
        {Role.ADMIN, Role.SUPERVISOR, Role.TRADE_ANALYST}
    ),
    ("GET", "/api/v1/trade/detentions"): ANALYSTS,
    ("GET", "/api/v1/trade/detentions/ledger"): ANALYSTS,
    ("POST", "/api/v1/trade/detentions/steps"): frozenset(
        {Role.ADMIN, Role.SUPERVISOR, Role.TRADE_ANALYST}
    ),
    ("POST", "/api/v1/trade/detentions/decision"): frozenset(
        {Role.ADMIN, Role.SUPERVISOR, Role.TRADE_ANALYST}
    ),
    # resolve (the clusters the later routes look at are seeded by the world fixture)
    ("POST", "/api/v1/resolve/batch"): ANALYSTS - {Role.TRADE_ANALYST},
    ("POST", "/api/v1/resolve/store"): ANALYSTS - {Role.TRADE_ANALYST},
    ("GET", "/api/v1/resolve/clusters"): ANALYSTS,
    ("GET", "/api/v1/resolve/clusters/history"): ANALYSTS,
    ("POST", "/api/v1/resolve/judgements"): ANALYSTS - {Role.TRADE_ANALYST},
}
"""Who may call each route. The tip submitter is the anonymous public (no token)."""

PUBLIC_ROUTE_ACTIONS: dict[RouteKey, Action] = {
    ("GET", "/api/v1/health"): Action.HEALTH,
    ("POST", "/api/v1/auth/token"): Action.SIGN_IN,
}
"""Routes that check no action in a dependency because anyone may call them."""

ENTITY_ID = "access-test-person"
ENTITY_LINE = (
    b'{"id": "access-test-person", "schema": "Person", '
    b'"properties": {"name": ["Access Test Person"], "phone": ["+12025550143"]}}\n'
)
TARGET_USER = "access-target"  # disabled, enabled and re-roled by the user admin routes
LOGIN_USER = "access-login"  # signs in through the token route
PATH_VALUES = {"entity_id": ENTITY_ID, "username": TARGET_USER, "session_id": "0"}
ENDS_ITS_TOKEN = frozenset(
    {("POST", "/api/v1/auth/logout"), ("DELETE", "/api/v1/auth/sessions/{session_id}")}
)
"""Routes that end the caller's token: called with a throwaway one."""
OWN_JOB = ("GET", "/api/v1/jobs/{job_id}")
"""Shows only the caller's own job (another's is 404): called with a job of the role's user."""
_new_user_numbers = itertools.count(1)

RequestArgs = dict[str, Any]
CALLS: dict[RouteKey, Callable[[], RequestArgs]] = {
    ("POST", "/api/v1/auth/token"): lambda: {
        "json": {"username": LOGIN_USER, "password": TEST_PASSWORD}
    },
    ("GET", "/api/v1/entities/search"): lambda: {"params": {"q": "access test"}},
    ("GET", "/api/v1/entities/by-identifier"): lambda: {"params": {"value": "202 555 0143"}},
    ("GET", "/api/v1/graph/path"): lambda: {"params": {"source": ENTITY_ID, "target": ENTITY_ID}},
    ("GET", "/api/v1/lists/entries"): lambda: {"params": {"list": "access-list"}},
    ("GET", "/api/v1/lists/diff"): lambda: {"params": {"list": "access-list"}},
    ("POST", "/api/v1/lists/load"): lambda: {
        "params": {"list": "access-list"},
        "content": b"id,name\nA1,Access Listed Trading Co.\n",
    },
    ("GET", "/api/v1/lists/editions"): lambda: {"params": {"list": "access-list"}},
    ("POST", "/api/v1/lists/approve"): lambda: {
        "params": {"list": "uflpa", "edition": "access-approve"},
        "json": {"why": "access test"},
    },
    ("POST", "/api/v1/lists/reject"): lambda: {
        "params": {"list": "uflpa", "edition": "access-reject"},
        "json": {"why": "access test"},
    },
    ("POST", "/api/v1/lists/official"): lambda: {
        "params": {"list": "access-official"},
        "json": {"why": "access test"},
    },
    ("POST", "/api/v1/screen"): lambda: {
        "json": {"list": "access-list", "queries": [{"id": "q1", "name": "Access Listed Trading"}]}
    },
    ("POST", "/api/v1/entities/import"): lambda: {
        "params": {"source": "access-test"},
        "content": ENTITY_LINE,
    },
    ("POST", "/api/v1/users"): lambda: {
        "json": {
            "username": f"access-new-{next(_new_user_numbers)}",
            "password": TEST_PASSWORD,
            "role": Role.OUTREACH.value,
        }
    },
    ("PUT", "/api/v1/users/{username}/role"): lambda: {"json": {"role": Role.OUTREACH.value}},
    ("POST", "/api/v1/networks/ads/load"): lambda: {
        "content": b'{"site": "s.example", "ad_id": "1", "posted_at": "2026-01-01", '
        b'"body": "call 202 555 0143"}\n'
    },
    ("POST", "/api/v1/networks/ads/read"): lambda: {"json": {"texts": [{"body": "new in town"}]}},
    ("GET", "/api/v1/networks/search"): lambda: {
        "params": {"kind": "phone", "value": "2025550143"}
    },
    ("GET", "/api/v1/networks/profiles"): lambda: {"params": {"network_id": "net-none"}},
    ("POST", "/api/v1/trade/entries"): lambda: {"content": TRADE_ENTRY_CSV},
    ("POST", "/api/v1/trade/screen"): lambda: {"content": TRADE_ENTRY_CSV},
    ("POST", "/api/v1/trade/suppliers"): lambda: {
        "content": b"buyer,supplier,material\nA,B,cotton\n"
    },
    ("GET", "/api/v1/trade/trace"): lambda: {"params": {"entity": "A"}},
    ("POST", "/api/v1/trade/detentions"): lambda: {
        "json": {"entry_number": "ACC-1234567-1", "line_number": 1, "reason": "access test"}
    },
    ("GET", "/api/v1/trade/detentions/ledger"): lambda: {"params": {"detention": TRADE_DETENTION}},
    ("POST", "/api/v1/trade/detentions/steps"): lambda: {
        "params": {"detention": TRADE_DETENTION},
        "json": {"kind": "note", "reason": "access test"},
    },
    ("POST", "/api/v1/trade/detentions/decision"): lambda: {
        "params": {"detention": TRADE_DETENTION},
        "json": {"outcome": "excluded", "reason": "access test", "correction": True},
    },
    ("POST", "/api/v1/resolve/batch"): lambda: {
        "json": {
            "records": [
                {"id": "access-r1", "name": "Ana Lima", "birth_date": "1990-01-02"},
                {"id": "access-r2", "name": "Bea Souza", "birth_date": "1985-07-30"},
            ]
        }
    },
    ("GET", "/api/v1/resolve/clusters"): lambda: {"params": {"ref": "access-r1"}},
    ("GET", "/api/v1/resolve/clusters/history"): lambda: {"params": {"ref": "access-r1"}},
    ("POST", "/api/v1/resolve/judgements"): lambda: {
        "json": {"left": "access-r1", "right": "access-r2", "decision": "different", "why": "t"}
    },
}
TRADE_ENTRY_CSV = (
    b"entry_number,line_number,importer,manufacturer,manufacturer_address,seller,shipper,"
    b"country_of_origin,hts_code,description,value_usd,quantity,unit,arrival_date,port\n"
    b"ACC-1234567-1,1,Imp,Mill,Urumqi,S,T,CN,5205111000,yarn,10.00,1,KG,2025-01-02,2704\n"
)
TRADE_DETENTION = "DET-ACC12345671-001"
"""A minimal valid request per route that needs more than its path (default: nothing)."""


@dataclass
class World:
    """One app for the whole module, with a bearer header per staff role."""

    app: FastAPI
    client: TestClient
    database: Database
    headers: dict[Role, dict[str, str]]

    def call(self, key: RouteKey, role: Role) -> Response:
        """Call a route as `role` with harmless values for its path and a minimal body."""
        method, template = key
        args = CALLS.get(key, dict)()
        headers = self.headers.get(role, {})
        values = dict(PATH_VALUES)
        if key in ENDS_ITS_TOKEN and headers:  # a throwaway token, so the role's own lives on
            headers, values["session_id"] = self.throwaway_token(role)
        values["job_id"] = str(self.own_job(role))
        url = template.format(**values)
        response: Response = self.client.request(method, url, headers=headers, **args)
        if response.status_code == 202 and "Location" in response.headers:
            jobs.runner().wait(response.json()["id"], 120)  # the store settles before the next
        return response

    def own_job(self, role: Role) -> int:
        """A finished job of the role's user (0 for the anonymous public, who has none)."""
        if role is Role.TIP_SUBMITTER:
            return 0
        job = jobs.submit(
            self.database.session, "access-test", role.value.replace("_", "-"), _nothing
        )
        jobs.runner().wait(job.id, 60)
        return job.id

    def throwaway_token(self, role: Role) -> tuple[dict[str, str], str]:
        """A new token of the role's user and its session id (the newest of theirs)."""
        headers = _bearer(self.client, role.value.replace("_", "-"))
        mine = self.client.get(f"{API_PREFIX}/auth/sessions", headers=headers).json()
        return headers, str(mine[0]["id"])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A fresh app on its own SQLite file, one user per role, and one entity to look at."""
    path: Path = tmp_path_factory.mktemp("access") / "ctip.sqlite3"
    app = create_app(Settings(env=Environment.TEST, database_url=f"sqlite:///{path}"))
    database: Database = app.state.database
    names = add_role_users(database)
    with database.session() as session:
        for name in (TARGET_USER, LOGIN_USER):
            users.add_user(session, "test-setup", name, TEST_PASSWORD, Role.OUTREACH.value)
        import_ftm_bytes(session, ENTITY_LINE, "seed.ijson", "access-seed", "test-setup")
        for edition in ("access-approve", "access-reject"):  # uflpa editions to decide
            data = f"id,name\n{edition},Access {edition} Co.\n".encode()
            load_watchlist(session, data, f"{edition}.csv", "uflpa", "test-setup", edition)
    with TestClient(app) as client:
        headers = {role: _bearer(client, name) for role, name in names.items()}
        world = World(app, client, database, headers)
        _seed_through_the_api(world)
        yield world
    database.dispose()


SEED_CALLS: tuple[RouteKey, ...] = (
    ("POST", "/api/v1/lists/load"),
    ("POST", "/api/v1/trade/entries"),
    ("POST", "/api/v1/trade/screen"),
    ("POST", "/api/v1/trade/detentions"),
    ("POST", "/api/v1/resolve/batch"),
)
"""Writes that later routes act on (a list to screen, a detention, clusters), made up front so
each route's test stands alone, whatever order or subset of the tests runs."""


def _nothing(_session: object, _progress: object) -> dict[str, str]:
    return {}


def _seed_through_the_api(world: World) -> None:
    for key in SEED_CALLS:
        response = world.call(key, Role.ADMIN)
        assert response.status_code < 300, (key, response.text)


def _bearer(client: TestClient, username: str) -> dict[str, str]:
    body = {"username": username, "password": TEST_PASSWORD}
    response = client.post(f"{API_PREFIX}/auth/token", json=body)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def api_routes(app: FastAPI) -> dict[RouteKey, Dependant]:
    """Every (method, path) the app serves under /api/v1, with the dependant that guards it."""
    found: dict[RouteKey, Dependant] = {}
    for context in iter_route_contexts(app.routes):
        path = context.path or ""
        if isinstance(context.original_route, APIRoute) and path.startswith(API_PREFIX):
            for method in context.methods or ():
                found[(method, path)] = context.dependant
    return found


def checked_actions(dependant: Dependant) -> set[Action]:
    """The actions a route's dependencies (at any depth) check with `require`."""
    actions = set()
    for dependency in dependant.dependencies:
        action = required_action(dependency.call)
        if action is not None:
            actions.add(action)
        actions |= checked_actions(dependency)
    return actions


def assert_error_body(response: Response, status: int, code: str) -> None:
    """A refusal carries the typed JSON error body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], list)


def store_state(database: Database) -> tuple[object, ...]:
    """What a refused request must leave as it was: users, their roles and states, statements."""
    with database.session() as session:
        people = session.execute(
            select(User.username, User.role, User.disabled).order_by(User.username)
        ).all()
        statements = session.execute(select(func.count()).select_from(StatementRow)).scalar()
        imports = session.execute(select(func.count()).select_from(FileImportRow)).scalar()
    return tuple(people), statements, imports


def test_every_api_route_has_a_declared_rule(world: World) -> None:
    """A route without a rule (or a rule for a route that is gone) fails the suite."""
    served = set(api_routes(world.app))
    assert served, "no API routes found: the route walk is broken"
    missing = sorted(served - ACCESS.keys())
    stale = sorted(ACCESS.keys() - served)
    assert not missing, f"routes with no entry in ACCESS (declare who may call them): {missing}"
    assert not stale, f"ACCESS entries for routes the app no longer serves: {stale}"


def test_every_route_checks_one_action_the_policy_agrees_with(world: World) -> None:
    """The table, the action each route checks and `can` say the same thing."""
    for key, dependant in sorted(api_routes(world.app).items()):
        actions = checked_actions(dependant)
        if not actions:
            assert key in PUBLIC_ROUTE_ACTIONS, f"{key} checks no action and is not declared public"
            actions = {PUBLIC_ROUTE_ACTIONS[key]}
        assert len(actions) == 1, f"{key} checks several actions: {sorted(actions)}"
        (action,) = actions
        assert ACCESS[key] == allowed_roles(action), (
            f"{key} checks {action.value}: the policy allows "
            f"{sorted(r.value for r in allowed_roles(action))}, "
            f"the table {sorted(r.value for r in ACCESS[key])}"
        )


def test_public_routes_are_public_in_the_policy() -> None:
    """A route declared public checks no action because the policy lets anyone do it."""
    for key, action in PUBLIC_ROUTE_ACTIONS.items():
        assert allowed_roles(action) == EVERYONE, key
        assert ACCESS[key] == EVERYONE, key


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("key", list(ACCESS), ids=lambda k: f"{k[0]} {k[1]}")
def test_route_admits_exactly_the_declared_roles(world: World, key: RouteKey, role: Role) -> None:
    """Allowed roles get a 2xx; others 403 (or 401 without a token) and no change at all."""
    before = store_state(world.database)
    response = world.call(key, role)
    if role in ACCESS[key]:
        assert 200 <= response.status_code < 300, f"{role.value} refused: {response.text}"
    elif role is Role.TIP_SUBMITTER:
        assert_error_body(response, 401, "not_signed_in")
        assert response.headers["www-authenticate"] == "Bearer"
        assert store_state(world.database) == before
    else:
        assert_error_body(response, 403, "forbidden")
        assert store_state(world.database) == before


def test_an_unknown_token_is_refused_with_401(world: World) -> None:
    """A wrong token is refused outright, with the JSON body, not read as some other user."""
    response = world.client.get(
        f"{API_PREFIX}/auth/me", headers={"Authorization": "Bearer not-a-real-token"}
    )
    assert_error_body(response, 401, "not_signed_in")
    assert "unknown" in response.json()["error"]["message"]
