"""The cases API: roles without a grant get 403 JSON, need to know per case, deconfliction
in the answer, bad bodies 422, unknown cases 404."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ctip.model.roles import Role
from ctip.store.db import Database
from tests.cases.conftest import import_people
from tests.conftest import TokenFor

API = "/api/v1/cases"
CASE = {"title": "Escort ads, Houston", "type": "sex_trafficking", "opened_on": "2021-02-15"}


@pytest.fixture
def cases_client(client: TestClient, role_headers: TokenFor) -> TestClient:
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    import_people(database)
    return client


@pytest.mark.parametrize(
    "role", [Role.TRADE_ANALYST, Role.VICTIM_SPECIALIST, Role.FRONTLINE_OFFICER, Role.OUTREACH]
)
def test_roles_without_the_grant_are_refused_with_json(
    cases_client: TestClient, role_headers: TokenFor, role: Role
) -> None:
    headers = role_headers(role)
    for response in (
        cases_client.get(API, headers=headers),
        cases_client.post(API, json=CASE, headers=headers),
        cases_client.get(f"{API}/HSI-2021-00001", headers=headers),
    ):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
    assert cases_client.get(API).status_code == 401


def test_a_case_through_the_api_with_need_to_know_and_deconfliction(
    cases_client: TestClient, role_headers: TokenFor
) -> None:
    investigator, analyst = role_headers(Role.INVESTIGATOR), role_headers(Role.INTEL_ANALYST)
    supervisor = role_headers(Role.SUPERVISOR)
    opened = cases_client.post(API, json=CASE | {"office": "HSI Houston"}, headers=investigator)
    assert opened.status_code == 201
    number = opened.json()["number"]
    assert (number, opened.json()["lead"]) == ("HSI-2021-00001", "investigator")
    subject = {"kind": "entity", "value": "case-test-olena", "role": "trafficker"}
    added = cases_client.post(f"{API}/{number}/subjects", json=subject, headers=investigator)
    assert added.status_code == 200 and added.json()["notices"] == []
    theirs = cases_client.post(API, json=CASE | {"title": "Secret"}, headers=analyst).json()
    phone = {"kind": "phone", "value": "713-555-0142"}
    found = cases_client.post(f"{API}/{theirs['number']}/subjects", json=phone, headers=analyst)
    assert [(n["other_case"], n["office"], n["lead"]) for n in found.json()["notices"]] == [
        (number, "HSI Houston", "investigator")
    ]
    glimpse = cases_client.get(f"{API}/{theirs['number']}", headers=investigator).json()
    assert glimpse == {
        "access": "deconfliction",
        "number": theirs["number"],
        "office": "HSI",
        "lead": "intel-analyst",
        **{k: glimpse[k] for k in glimpse if k not in ("access", "number", "office", "lead")},
    }
    assert glimpse["title"] is None and glimpse["subjects"] == []
    refused = cases_client.post(
        f"{API}/{theirs['number']}/subjects", json=subject, headers=investigator
    )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    mine = cases_client.get(f"{API}/{number}", headers=investigator).json()
    assert mine["access"] == "full" and [n["other_case"] for n in mine["notices"]] == [
        theirs["number"]
    ]
    features = mine["notices"][0]["explanation"]["features"]
    assert [f["name"] for f in features] == ["shared_entity", "shared_phone"]
    assert features[1]["sentence"].startswith("Your subject Olena Petrova (Person) carries phone")
    assert "Secret" not in str(mine["notices"])
    notices = cases_client.get(f"{API}/notices", headers=investigator).json()
    assert [n["case"] for n in notices] == [number]
    every = cases_client.get(API, params={"fy": 2021}, headers=supervisor).json()
    assert every["total"] == 2
    own = cases_client.get(API, headers=analyst).json()
    assert [c["number"] for c in own["items"]] == [theirs["number"]]


def test_arrest_close_and_figures(cases_client: TestClient, role_headers: TokenFor) -> None:
    headers = role_headers(Role.INVESTIGATOR)
    number = cases_client.post(API, json=CASE, headers=headers).json()["number"]
    subject = {"kind": "entity", "value": "case-test-olena"}
    cases_client.post(f"{API}/{number}/subjects", json=subject, headers=headers)
    arrest = {"person": "case-test-olena", "arrested_on": "2021-05-01", "statutes": ["1591"]}
    made = cases_client.post(f"{API}/{number}/arrests", json=arrest, headers=headers).json()
    charge = made["charges"][0]["id"]
    outcome = {"outcome": "indicted", "on": "2021-06-01"}
    cases_client.post(f"{API}/charges/{charge}/outcomes", json=outcome, headers=headers)
    closed = cases_client.post(
        f"{API}/{number}/close", json={"disposition": "prosecution accepted"}, headers=headers
    )
    assert closed.json()["status"] == "closed"
    figures = cases_client.get(f"{API}/figures", params={"fiscal_year": 2021}, headers=headers)
    assert figures.json() == {
        "hsi_cases_initiated": 1,
        "hsi_arrests": 1,
        "hsi_indictments": 1,
        "hsi_convictions": 0,
    }


def test_bad_requests_are_4xx_with_json(cases_client: TestClient, role_headers: TokenFor) -> None:
    headers = role_headers(Role.ADMIN)
    bad_type = cases_client.post(API, json=CASE | {"type": "smuggling"}, headers=headers)
    future = cases_client.post(API, json=CASE | {"opened_on": "2999-01-01"}, headers=headers)
    unknown = cases_client.get(f"{API}/HSI-2021-09999", headers=headers)
    malformed = cases_client.get(f"{API}/not-a-case", headers=headers)
    assert (bad_type.status_code, future.status_code) == (422, 422)
    assert (unknown.status_code, malformed.status_code) == (404, 422)
    for response in (bad_type, future, unknown, malformed):
        assert "error" in response.json()
