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
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctip.api.app import API_PREFIX, create_app
from ctip.api.deps import required_action
from ctip.authz import users
from ctip.authz.policy import Action, allowed_roles
from ctip.cases import service as case_service
from ctip.cases.arrests import record_arrest
from ctip.cases.subjects import add_subject
from ctip.config import Environment, Settings
from ctip.ingest.ftm_import import import_ftm_bytes
from ctip.intake.tips import TipInput, submit_tip
from ctip.lists.store import load_watchlist
from ctip.model.roles import STAFF_ROLES, Role
from ctip.protection import relief, victims
from ctip.protection.victims import Context, Identity
from ctip.store import jobs
from ctip.store.db import Database
from ctip.store.tables import Base, User
from tests.conftest import TEST_PASSWORD, add_role_users
from tests.finance.conftest import fan_in_records

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

INVESTIGATORS = OVERSIGHT | {Role.INVESTIGATOR, Role.INTEL_ANALYST}
TRADE_OFFICERS = OVERSIGHT | {Role.TRADE_ANALYST}
SCREENERS = OVERSIGHT | {Role.FRONTLINE_OFFICER}
SUPERVISORS = frozenset({Role.SUPERVISOR})
PROTECTION_TEAM = frozenset({Role.SUPERVISOR, Role.VICTIM_SPECIALIST})
PSEUDONYM_READERS = PROTECTION_TEAM | {Role.ADMIN, Role.INVESTIGATOR}
ACCESS: dict[RouteKey, frozenset[Role]] = {
    # intake (the tip and allegation the routes act on are seeded by the world fixture)
    ("POST", "/api/v1/tips"): EVERYONE,
    ("POST", "/api/v1/tips/additions"): EVERYONE,
    ("GET", "/api/v1/intake/tips"): INVESTIGATORS,
    ("GET", "/api/v1/intake/tips/{tip_id}"): INVESTIGATORS,
    ("POST", "/api/v1/intake/tips/{tip_id}/decision"): INVESTIGATORS,
    ("GET", "/api/v1/intake/allegations"): TRADE_OFFICERS,
    ("GET", "/api/v1/intake/allegations/{allegation_id}"): TRADE_OFFICERS,
    ("POST", "/api/v1/intake/allegations/{allegation_id}/decision"): TRADE_OFFICERS,
    ("POST", "/api/v1/intake/screenings"): SCREENERS,
    ("GET", "/api/v1/intake/screenings"): SCREENERS,
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
    # cases (writes also need the caller on the case's team, or oversight: the world fixture
    # puts the investigator and the intel analyst on the cases the routes act on)
    **dict.fromkeys(
        [
            ("GET", "/api/v1/cases"),
            ("POST", "/api/v1/cases"),
            ("GET", "/api/v1/cases/notices"),
            ("GET", "/api/v1/cases/{number}"),
            ("POST", "/api/v1/cases/{number}/members"),
            ("POST", "/api/v1/cases/{number}/subjects"),
            ("POST", "/api/v1/cases/{number}/evidence"),
            ("POST", "/api/v1/cases/{number}/arrests"),
            ("POST", "/api/v1/cases/arrests/{arrest_id}/charges"),
            ("POST", "/api/v1/cases/charges/{charge_id}/outcomes"),
            ("POST", "/api/v1/cases/{number}/refer"),
            ("POST", "/api/v1/cases/{number}/close"),
            ("POST", "/api/v1/cases/{number}/reopen"),
        ],
        INVESTIGATORS,
    ),
    ("GET", "/api/v1/cases/figures"): ANALYSTS,
    # protection (the victim is assigned to the victim specialist, linked to a case so the
    # investigator sees its pseudonym, and the supervisor has broken the glass on it)
    ("GET", "/api/v1/protection/victims"): PSEUDONYM_READERS,
    ("GET", "/api/v1/protection/victims/{victim}"): PSEUDONYM_READERS,
    ("POST", "/api/v1/protection/victims"): PROTECTION_TEAM,
    ("POST", "/api/v1/protection/victims/{victim}/referrals"): PROTECTION_TEAM,
    ("PATCH", "/api/v1/protection/victims/{victim}/referrals/{referral_id}"): frozenset(
        {Role.VICTIM_SPECIALIST}
    ),
    ("GET", "/api/v1/protection/victims/{victim}/identity"): PROTECTION_TEAM,
    ("PUT", "/api/v1/protection/victims/{victim}/identity"): frozenset({Role.VICTIM_SPECIALIST}),
    ("POST", "/api/v1/protection/victims/{victim}/break-glass"): SUPERVISORS,
    ("POST", "/api/v1/protection/victims/{victim}/assignments"): SUPERVISORS,
    ("GET", "/api/v1/protection/export.csv"): PROTECTION_TEAM,
    ("GET", "/api/v1/protection/deadlines"): PROTECTION_TEAM,
    ("POST", "/api/v1/protection/relief/{relief_id}/decision"): PROTECTION_TEAM,
    ("POST", "/api/v1/protection/relief"): PROTECTION_TEAM | {Role.INVESTIGATOR},
    ("GET", "/api/v1/protection/relief/{relief_id}"): PROTECTION_TEAM | {Role.INVESTIGATOR},
    ("POST", "/api/v1/protection/relief/{relief_id}/steps"): PROTECTION_TEAM | {Role.INVESTIGATOR},
    # outreach
    ("GET", "/api/v1/outreach/activities"): OVERSIGHT | {Role.OUTREACH},
    ("GET", "/api/v1/outreach/partners"): OVERSIGHT | {Role.OUTREACH},
    ("POST", "/api/v1/outreach/activities"): frozenset({Role.ADMIN, Role.OUTREACH}),
    ("POST", "/api/v1/outreach/partners"): frozenset({Role.ADMIN, Role.OUTREACH}),
    # reporting
    ("GET", "/api/v1/reports/fy/{year}"): ANALYSTS,
    # finance (the payments, a scan and its fan-in pattern are seeded through the API)
    **dict.fromkeys(
        [
            ("POST", "/api/v1/finance/load"),
            ("POST", "/api/v1/finance/scan"),
            ("GET", "/api/v1/finance/flags"),
            ("GET", "/api/v1/finance/flags.csv"),
            ("GET", "/api/v1/finance/accounts"),
            ("GET", "/api/v1/finance/patterns"),
            ("GET", "/api/v1/finance/sar"),
        ],
        INVESTIGATORS,
    ),
}
"""Who may call each route. The tip submitter is the anonymous public (no token)."""

PUBLIC_ROUTE_ACTIONS: dict[RouteKey, StrEnum] = {
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
INTAKE_TIP, INTAKE_ALLEGATION, INTAKE_ACK = "TIP-ACCESSTIP1", "TIP-ACCESSALG1", "ACCESS-TEST-CODE"
PATH_VALUES = {
    "entity_id": ENTITY_ID,
    "username": TARGET_USER,
    "session_id": "0",
    "tip_id": INTAKE_TIP,
    "allegation_id": INTAKE_ALLEGATION,
    "number": "HSI-2021-00001",
    "arrest_id": "HSI-2021-00001-A001",
    "charge_id": "HSI-2021-00001-A001-C01",
    "victim": "V-2021-0001",
    "relief_id": "CP-2021-00001",
    "referral_id": "1",
    "year": "2021",
}
CASE_TO_REFER, CASE_TO_CLOSE, CASE_TO_REOPEN = "HSI-2021-00002", "HSI-2021-00003", "HSI-2021-00004"
RELIEF_TO_DECIDE = {Role.SUPERVISOR: "CP-2021-00002", Role.VICTIM_SPECIALIST: "CP-2021-00003"}
"""A relief is decided once (a second decision is a conflict): one per role that decides."""
VICTIM_NAME = "Nadia Rosk"
PATH_OVERRIDES: dict[RouteKey, Callable[[Role], dict[str, str]]] = {
    ("POST", "/api/v1/cases/{number}/refer"): lambda _: {"number": CASE_TO_REFER},
    ("POST", "/api/v1/cases/{number}/close"): lambda _: {"number": CASE_TO_CLOSE},
    ("POST", "/api/v1/cases/{number}/reopen"): lambda _: {"number": CASE_TO_REOPEN},
    ("POST", "/api/v1/protection/relief/{relief_id}/decision"): lambda role: {
        "relief_id": RELIEF_TO_DECIDE.get(role, PATH_VALUES["relief_id"])
    },
}
"""Routes whose record cannot take every role's call in turn (a referred case is not closed,
a decided relief is not decided again): each acts on its own record, seeded by the world."""
ENDS_ITS_TOKEN = frozenset(
    {("POST", "/api/v1/auth/logout"), ("DELETE", "/api/v1/auth/sessions/{session_id}")}
)
"""Routes that end the caller's token: called with a throwaway one."""
OWN_JOB = ("GET", "/api/v1/jobs/{job_id}")
"""Shows only the caller's own job (another's is 404): called with a job of the role's user."""
_new_user_numbers = itertools.count(1)

RequestArgs = dict[str, Any]
TRADE_ENTRY_CSV: bytes = (
    b"entry_number,line_number,importer,manufacturer,manufacturer_address,seller,shipper,"
    b"country_of_origin,hts_code,description,value_usd,quantity,unit,arrival_date,port\n"
    b"ACC-1234567-1,1,Imp,Mill,Urumqi,S,T,CN,5205111000,yarn,10.00,1,KG,2025-01-02,2704\n"
)
TRADE_DETENTION: str = "DET-ACC12345671-001"
_, FINANCE_PAYMENTS = fan_in_records()
FINANCE_HUB = "HUB"
"""The account the seeded payments gather on (a fan-in the scan finds)."""
INTAKE_DECISION = {"json": {"decision": "closed", "reason": "access test"}}
CALLS: dict[RouteKey, Callable[[], RequestArgs]] = {
    ("POST", "/api/v1/tips"): lambda: {
        "json": {"reporter_location": "inside_us", "activity": "other", "narrative": "access test"}
    },
    ("POST", "/api/v1/tips/additions"): lambda: {
        "json": {"acknowledgement": INTAKE_ACK, "narrative": "access test"}
    },
    ("POST", "/api/v1/intake/tips/{tip_id}/decision"): lambda: INTAKE_DECISION,
    ("POST", "/api/v1/intake/allegations/{allegation_id}/decision"): lambda: INTAKE_DECISION,
    ("POST", "/api/v1/intake/screenings"): lambda: {
        "json": {
            "draft_id": "access-draft-1",
            "place": "Terminal E",
            "encountered_on": "2026-01-05",
            "answers": {"blue.coached": "yes"},
        }
    },
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
    ("GET", "/api/v1/cases/figures"): lambda: {"params": {"fiscal_year": 2021}},
    ("POST", "/api/v1/cases"): lambda: {"json": {"title": "Access test", "type": "other"}},
    ("POST", "/api/v1/cases/{number}/members"): lambda: {"json": {"username": "investigator"}},
    ("POST", "/api/v1/cases/{number}/subjects"): lambda: {
        "json": {"kind": "entity", "value": ENTITY_ID}
    },
    ("POST", "/api/v1/cases/{number}/evidence"): lambda: {
        "json": {"kind": "tip", "record_id": "T-1", "why": "access test"}
    },
    ("POST", "/api/v1/cases/{number}/arrests"): lambda: {
        "json": {"person": ENTITY_ID, "arrested_on": "2021-03-02", "statutes": ["1591"]}
    },
    ("POST", "/api/v1/cases/arrests/{arrest_id}/charges"): lambda: {"json": {"statute": "1589"}},
    ("POST", "/api/v1/cases/charges/{charge_id}/outcomes"): lambda: {
        "json": {"outcome": "indicted", "on": "2021-06-01"}
    },
    ("POST", "/api/v1/cases/{number}/refer"): lambda: {
        "json": {"to": "FBI Houston", "reason": "access test", "on": "2021-04-01"}
    },
    ("POST", "/api/v1/cases/{number}/close"): lambda: {
        "json": {"disposition": "declined", "on": "2021-04-01"}
    },
    ("POST", "/api/v1/cases/{number}/reopen"): lambda: {"json": {"reason": "access test"}},
    ("POST", "/api/v1/protection/victims"): lambda: {
        "json": {"names": ["Ines Varga"], "assign": ["victim-specialist"]}
    },
    ("PUT", "/api/v1/protection/victims/{victim}/identity"): lambda: {
        "json": {"names": [VICTIM_NAME]}
    },
    ("POST", "/api/v1/protection/victims/{victim}/break-glass"): lambda: {
        "json": {"reason": "a safety report names this victim's address"}
    },
    ("POST", "/api/v1/protection/victims/{victim}/assignments"): lambda: {
        "json": {"username": "victim-specialist"}
    },
    ("POST", "/api/v1/protection/victims/{victim}/referrals"): lambda: {
        "json": {"service": "shelter"}
    },
    ("PATCH", "/api/v1/protection/victims/{victim}/referrals/{referral_id}"): lambda: {
        "json": {"status": "accepted"}
    },
    ("POST", "/api/v1/protection/relief"): lambda: {
        "json": {"victim": PATH_VALUES["victim"], "kind": "continued-presence"}
    },
    ("POST", "/api/v1/protection/relief/{relief_id}/steps"): lambda: {
        "json": {"step": "note", "reason": "access test"}
    },
    ("POST", "/api/v1/protection/relief/{relief_id}/decision"): lambda: {
        "json": {"granted": True, "on": "2021-04-01"}
    },
    ("POST", "/api/v1/outreach/activities"): lambda: {
        "json": {
            "kind": "presentation",
            "title": "Access test",
            "held_on": "2021-03-01",
            "attendees": 12,
        }
    },
    ("POST", "/api/v1/outreach/partners"): lambda: {
        "json": {"name": "Access Test Airline", "joined_on": "2021-03-01"}
    },
    ("POST", "/api/v1/finance/load"): lambda: {
        "params": {"file_name": "access-transactions.csv"},
        "content": FINANCE_PAYMENTS,
    },
    ("GET", "/api/v1/finance/accounts"): lambda: {"params": {"account": FINANCE_HUB}},
    ("GET", "/api/v1/finance/sar"): lambda: {"params": {"account": FINANCE_HUB}},
    ("GET", "/api/v1/finance/patterns"): lambda: {"params": {"pattern": SEEDED["pattern"]}},
}
"""A minimal valid request per route that needs more than its path (default: nothing)."""
SEEDED: dict[str, str] = {}
"""Ids the store gives to seeded records, found once the world is built (a scan's pattern, a
victim nobody has broken the glass on and no case links)."""


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
        if key in PATH_OVERRIDES:
            values |= PATH_OVERRIDES[key](role)
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
        submit_tip(
            session,
            TipInput("inside_us", "other", "access test"),
            "api",
            tip_id=INTAKE_TIP,
            acknowledgement=INTAKE_ACK,
        )
        allegation = TipInput("inside_us", "forced labor in goods", "access test", company="Acme")
        submit_tip(session, allegation, "api", tip_id=INTAKE_ALLEGATION)
        _seed_cases(session)
        _seed_victim(session)
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
    ("POST", "/api/v1/finance/load"),
    ("POST", "/api/v1/finance/scan"),
)
"""Writes that later routes act on (a list to screen, a detention, clusters, bank payments and
a finance scan), made up front so each route's test stands alone, whatever order or subset of
the tests runs."""


def _seed_cases(session: Session) -> None:
    """The cases the case routes act on, led by the investigator with the intel analyst on
    the team: one with a subject and an arrest (HSI-2021-00001), one to refer, one to close and
    one closed to reopen."""
    lead = users.principal_for_username(session, "investigator")
    assert lead is not None
    for number in ("HSI-2021-00001", CASE_TO_REFER, CASE_TO_CLOSE, CASE_TO_REOPEN):
        row = case_service.open_case(session, lead, f"Access {number}", "other", "2021-03-01")
        assert row.number == number
        case_service.add_member(session, lead, number, "intel-analyst")
    add_subject(session, lead, PATH_VALUES["number"], "entity", ENTITY_ID)
    record_arrest(session, lead, PATH_VALUES["number"], ENTITY_ID, "2021-03-02", statutes=("1591",))
    case_service.close(session, lead, CASE_TO_REOPEN, "declined", on="2021-04-01")


def _seed_victim(session: Session) -> None:
    """The victim the protection routes act on (assigned to the victim specialist, linked to a
    case, the supervisor's break-glass open), three Continued Presence requests for it, and
    a victim linked to no case whose glass nobody has broken."""
    pseudonym = victims.add_victim(
        session,
        "test-setup",
        Identity((VICTIM_NAME,)),
        Context(),
        ["victim-specialist"],
        [PATH_VALUES["number"]],
        "2021-03-05",
    )
    assert pseudonym == PATH_VALUES["victim"]
    referral = victims.refer(session, "test-setup", pseudonym, "shelter")
    assert str(referral) == PATH_VALUES["referral_id"]
    supervisor = users.principal_for_username(session, "supervisor")
    assert supervisor is not None
    victims.open_by_break_glass(session, supervisor, pseudonym, "a safety report needs checking")
    for relief_id in (PATH_VALUES["relief_id"], *RELIEF_TO_DECIDE.values()):
        made = relief.request(
            session, "victim-specialist", pseudonym, "continued-presence", "2021-03-10"
        )
        assert made == relief_id
    sealed = victims.add_victim(
        session, "test-setup", Identity(("Lior Asante",)), Context(), ["victim-specialist"]
    )
    SEEDED["sealed_victim"] = sealed


def _nothing(_session: object, _progress: object) -> dict[str, str]:
    return {}


def _seed_through_the_api(world: World) -> None:
    for key in SEED_CALLS:
        response = world.call(key, Role.ADMIN)
        assert response.status_code < 300, (key, response.text)
    hub = world.call(("GET", "/api/v1/finance/accounts"), Role.ADMIN)
    assert hub.status_code == 200, hub.text
    SEEDED["pattern"] = hub.json()["patterns"][0]["id"]


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


def checked_actions(dependant: Dependant) -> set[StrEnum]:
    """The actions a route's dependencies (at any depth) check with `require` (the platform's
    and the areas' own)."""
    actions: set[StrEnum] = set()
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


UNWATCHED_TABLES = frozenset({"audit_log", "audit_head", "jobs"})
"""Tables a refused request may still write: the audit row of the refusal itself, and the
finished job each call is given for the job route."""


def store_state(database: Database) -> tuple[object, ...]:
    """What a refused request must leave as it was: users, their roles and states, and the
    number of rows of every other table of every area (one query)."""
    tables = [t for name, t in sorted(Base.metadata.tables.items()) if name not in UNWATCHED_TABLES]
    counts = select(
        *(select(func.count()).select_from(t).scalar_subquery().label(t.name) for t in tables)
    )
    with database.session() as session:
        people = session.execute(
            select(User.username, User.role, User.disabled).order_by(User.username)
        ).all()
        rows = session.execute(counts).one()
    return tuple(people), dict(zip([t.name for t in tables], rows, strict=True))


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


def test_the_record_rules_the_table_cannot_express_still_refuse(world: World) -> None:
    """The table says which roles may call a route; some routes then ask the record too, and
    the route tests above pass on records seeded to satisfy them. Here those rules refuse: a
    supervisor reads an identity only after breaking the glass (the seeded victim's glass is
    broken), an investigator sees only victims linked to a case and requests only Continued
    Presence, and a case is written only by its team or oversight."""
    api, victim = f"{API_PREFIX}/protection", SEEDED["sealed_victim"]
    supervisor, investigator = world.headers[Role.SUPERVISOR], world.headers[Role.INVESTIGATOR]
    identity = f"{api}/victims/{victim}/identity"
    before = store_state(world.database)
    assert_error_body(world.client.get(identity, headers=supervisor), 403, "forbidden")
    seen = world.client.get(f"{api}/victims/{victim}", headers=investigator)
    assert_error_body(seen, 404, "not_found")
    t_visa = {"victim": victim, "kind": "t-visa"}
    asked = world.client.post(f"{api}/relief", headers=investigator, json=t_visa)
    assert_error_body(asked, 403, "forbidden")
    assert store_state(world.database) == before
    glass = {"reason": "a safety report needs checking"}
    opened = world.client.post(
        f"{api}/victims/{victim}/break-glass", headers=supervisor, json=glass
    )
    assert opened.status_code == 200, opened.text
    assert world.client.get(identity, headers=supervisor).status_code == 200
    case = {"title": "Not shared", "type": "other"}
    new_case = world.client.post(f"{API_PREFIX}/cases", headers=investigator, json=case).json()
    before = store_state(world.database)
    link = {"kind": "tip", "record_id": "T-2", "why": "access test"}
    analyst = world.headers[Role.INTEL_ANALYST]
    url = f"{API_PREFIX}/cases/{new_case['number']}/evidence"
    assert_error_body(world.client.post(url, headers=analyst, json=link), 403, "forbidden")
    assert store_state(world.database) == before


def test_an_unknown_token_is_refused_with_401(world: World) -> None:
    """A wrong token is refused outright, with the JSON body, not read as some other user."""
    response = world.client.get(
        f"{API_PREFIX}/auth/me", headers={"Authorization": "Bearer not-a-real-token"}
    )
    assert_error_body(response, 401, "not_signed_in")
    assert "unknown" in response.json()["error"]["message"]
