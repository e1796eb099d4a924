"""`POST /api/v1/tips` as other tools rely on it, the reporter's privacy, the rate limit,
and the staff routes (queues, decisions, screenings) behind their actions."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from ctip.api.app import create_app
from ctip.config import Settings
from ctip.intake.abuse import LIMIT
from ctip.model.roles import Role
from ctip.store.db import Database
from tests.conftest import TokenFor

ADDRESS = "203.0.113.77"
AGENT = "IntakeProbe/9.9 (privacy-check-7731)"
TIP = {"reporter_location": "inside_us", "activity": "LABOR Trafficking", "narrative": "A crew."}


@pytest.fixture
def reporter(app_settings: Settings) -> Iterator[TestClient]:
    """A client with its own address and user agent, as a member of the public."""
    app = create_app(app_settings)
    with TestClient(app, client=(ADDRESS, 50123), headers={"User-Agent": AGENT}) as client:
        yield client


def test_a_tip_without_credentials_gets_an_acknowledgement(reporter: TestClient) -> None:
    for activity in (
        "sex trafficking",
        "Labor Trafficking",
        "FORCED LABOR IN GOODS",
        "child exploitation",
        "Other",
    ):
        response = reporter.post("/api/v1/tips", json={**TIP, "activity": activity})
        assert response.status_code == 201, response.text
        assert list(response.json()) == ["acknowledgement"]
    full = {
        **TIP,
        "reporter_location": "outside_us",
        "persons": ["Ana"],
        "places": ["Yuma, AZ"],
        "phones": ["+1 928 555 0100"],
        "emails": ["crew@example.org"],
        "vehicles": ["grey bus"],
        "contact": "via the NGO",
    }
    assert reporter.post("/api/v1/tips", json=full).status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        {},
        {**TIP, "activity": "smuggling"},
        {**TIP, "reporter_location": "inside"},
        {**TIP, "narrative": ""},
        {**TIP, "phones": "not a list"},
        {**TIP, "narrative": "x" * 10_001},
    ],
)
def test_a_bad_body_is_refused_422_with_a_json_error(
    reporter: TestClient, body: dict[str, object]
) -> None:
    response = reporter.post("/api/v1/tips", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


def test_more_than_thirty_a_minute_from_one_client_is_refused_429(
    reporter: TestClient, app_settings: Settings
) -> None:
    codes = [reporter.post("/api/v1/tips", json=TIP).status_code for _ in range(LIMIT + 1)]
    assert codes[:LIMIT] == [201] * LIMIT and codes[LIMIT] == 429
    refused = reporter.post("/api/v1/tips", json=TIP)
    assert refused.status_code == 429 and "minute" in refused.json()["error"]["message"]
    app = reporter.app
    with TestClient(app, client=("198.51.100.9", 40000)) as neighbour:
        assert neighbour.post("/api/v1/tips", json=TIP).status_code == 201


def test_nothing_identifies_the_reporter_in_the_database_or_the_logs(
    reporter: TestClient, app_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    ack = reporter.post("/api/v1/tips", json={**TIP, "phones": ["+1 928 555 0100"]}).json()
    added = reporter.post(
        "/api/v1/tips/additions",
        json={"acknowledgement": ack["acknowledgement"], "narrative": "more"},
    )
    assert added.status_code == 201
    assert reporter.get("/tip").status_code == 200
    database = Database(app_settings.database_url)
    found = []
    with database.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                cells = " ".join(str(cell) for cell in row)
                if ADDRESS in cells or "IntakeProbe" in cells or "7731" in cells:
                    found.append((table, cells[:200]))
    database.dispose()
    assert found == []
    logged = caplog.text
    assert ADDRESS not in logged and "IntakeProbe" not in logged


def test_an_unknown_acknowledgement_is_404(reporter: TestClient) -> None:
    response = reporter.post(
        "/api/v1/tips/additions", json={"acknowledgement": "ZZZZ-ZZZZ-ZZZZ-ZZZZ", "narrative": "x"}
    )
    assert response.status_code == 404


def test_staff_routes_work_behind_their_actions(client: TestClient, role_headers: TokenFor) -> None:
    assert client.post("/api/v1/tips", json=TIP).status_code == 201
    assert (
        client.post(
            "/api/v1/tips",
            json={
                **TIP,
                "activity": "forced labor in goods",
                "company": "Acme",
                "ilo_indicators": ["7"],
            },
        ).status_code
        == 201
    )
    analyst, trade = role_headers(Role.INTEL_ANALYST), role_headers(Role.TRADE_ANALYST)
    queue = client.get("/api/v1/intake/tips?status=new", headers=analyst).json()
    assert queue["total"] == 1 and queue["tips"][0]["activity"] == "labor trafficking"
    tip_id = queue["tips"][0]["id"]
    shown = client.get(f"/api/v1/intake/tips/{tip_id}", headers=analyst).json()
    assert shown["links"]["outcome"] == "no links"
    decided = client.post(
        f"/api/v1/intake/tips/{tip_id}/decision",
        json={"decision": "accepted", "reason": "credible", "case_id": "HSI-2026-1"},
        headers=analyst,
    )
    assert decided.status_code == 201 and decided.json()["payload"] == {"case_id": "HSI-2026-1"}
    assert client.get("/api/v1/intake/tips?status=new", headers=analyst).json()["total"] == 0
    assert client.get("/api/v1/intake/tips", headers=trade).status_code == 403
    allegation = client.get("/api/v1/intake/allegations", headers=trade).json()["tips"][0]
    assert client.get(f"/api/v1/intake/tips/{allegation['id']}", headers=analyst).status_code == 404
    detail = client.get(f"/api/v1/intake/allegations/{allegation['id']}", headers=trade).json()
    assert detail["links"]["outcome"] == "no listed party"
    assert client.get("/api/v1/intake/tips").status_code == 401


def test_an_officer_records_screenings_and_lists_only_their_own(
    client: TestClient, role_headers: TokenFor
) -> None:
    officer = role_headers(Role.FRONTLINE_OFFICER)
    body = {
        "draft_id": "draft-api-0001",
        "place": "Terminal E",
        "port": "IAH",
        "encountered_on": "2026-01-05",
        "answers": {"blue.documents_money": "yes", "blue.controlled": "yes"},
        "referral": "tip_queue",
    }
    made = client.post("/api/v1/intake/screenings", json=body, headers=officer)
    assert made.status_code == 201, made.text
    assert made.json()["outcome"] == "refer" and made.json()["tip_id"].startswith("TIP-")
    again = client.post("/api/v1/intake/screenings", json=body, headers=officer)
    assert again.json()["id"] == made.json()["id"]
    assert [s["id"] for s in client.get("/api/v1/intake/screenings", headers=officer).json()] == [
        made.json()["id"]
    ]
    assert (
        client.get("/api/v1/intake/screenings", headers=role_headers(Role.SUPERVISOR)).status_code
        == 200
    )
    assert (
        client.get("/api/v1/intake/screenings", headers=role_headers(Role.INVESTIGATOR)).status_code
        == 403
    )
    bad = client.post(
        "/api/v1/intake/screenings",
        json={**body, "draft_id": "draft-api-0002", "subject_name": "X"},
        headers=officer,
    )
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "subject_name"
