"""The outreach pages and API: outreach staff record, leadership reads, others are refused."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient

from ctip.model.roles import Role
from tests.conftest import TokenFor
from tests.support.workbench import form_token, sign_in

TALK = {
    "kind": "presentation",
    "title": "Recognizing the indicators",
    "component": "",
    "audience": "hospitality staff",
    "held_on": "2021-05-04",
    "place": "Miami, FL",
    "attendees": "63",
}


def test_outreach_staff_record_a_presentation_and_see_it_in_the_table(web: TestClient) -> None:
    sign_in(web, Role.OUTREACH)
    page = web.get("/outreach")
    assert page.status_code == 200 and 'id="activity-form"' in page.text
    posted = web.post("/outreach/activities", data={**TALK, "csrf_token": form_token(page.text)})
    assert posted.status_code == 303, posted.text
    listed = web.get("/outreach?fy=2021")
    assert "Recognizing the indicators" in listed.text and "Blue Campaign" in listed.text
    assert "Recognizing the indicators" not in web.get("/outreach?fy=2020").text
    for address in ("/outreach?fy=21", "/outreach/partners?fy=FY2021"):
        refused = web.get(address)
        assert refused.status_code == 400 and "is not a fiscal year" in refused.text, address
        assert "Not understood" in refused.text and "Not allowed" not in refused.text, address
    export = web.get("/outreach?export=csv")
    assert export.headers["content-type"].startswith("text/csv") and "63" in export.text
    home = web.get("/")
    assert "trainings and presentations in the next 30 days" in home.text


def test_a_bad_form_is_shown_again_with_what_was_typed(web: TestClient) -> None:
    sign_in(web, Role.OUTREACH)
    token = form_token(web.get("/outreach").text)
    bad = {**TALK, "attendees": "lots", "csrf_token": token}
    refused = web.post("/outreach/activities", data=bad)
    assert refused.status_code == 400
    assert "attendees" in refused.text and "Recognizing the indicators" in refused.text


def test_a_supervisor_reads_but_cannot_record(web: TestClient) -> None:
    sign_in(web, Role.SUPERVISOR)
    page = web.get("/outreach/partners")
    assert page.status_code == 200 and 'id="partner-form"' not in page.text
    token = form_token(page.text) if "csrf_token" in page.text else ""
    refused = web.post("/outreach/partners", data={"name": "X", "csrf_token": token})
    assert refused.status_code == 403


def test_an_investigator_is_refused_the_outreach_pages(web: TestClient) -> None:
    sign_in(web, Role.INVESTIGATOR)
    assert web.get("/outreach").status_code == 403


def test_api_records_and_lists(client: TestClient, role_headers: TokenFor) -> None:
    body = {"kind": "training", "title": "HT", "held_on": "2021-01-05", "attendees": 80}
    body["component"] = "FLETC"
    added = client.post(
        "/api/v1/outreach/activities", json=body, headers=role_headers(Role.OUTREACH)
    )
    assert added.status_code == 201 and added.json()["component"] == "FLETC"
    bad = client.post(
        "/api/v1/outreach/activities",
        json={**body, "component": "NASA"},
        headers=role_headers(Role.OUTREACH),
    )
    assert bad.status_code == 422 and "component" in bad.text
    listed = client.get("/api/v1/outreach/activities?fy=2021", headers=role_headers(Role.ADMIN))
    assert [a["title"] for a in listed.json()] == ["HT"]
    refused = client.post(
        "/api/v1/outreach/activities", json=body, headers=role_headers(Role.INVESTIGATOR)
    )
    assert refused.status_code == 403


def _upload(web: TestClient, body: bytes, what: str = "activities") -> str:
    token = form_token(web.get("/outreach").text)
    files = {"file": ("outreach.csv", body, "text/csv")}
    response = web.post("/outreach/upload", data={"csrf_token": token, "what": what}, files=files)
    return f"{response.status_code} {response.text}"


def test_a_csv_uploaded_in_the_browser_loads_once_or_names_its_bad_rows(web: TestClient) -> None:
    sign_in(web, Role.OUTREACH)
    good = b"kind,title,date,attendees\npresentation,Hotel staff briefing,2021-06-01,25\n"
    assert _upload(web, good).startswith("200") and "Loaded outreach.csv: 1" in _upload(
        web, b"name,joined\nCascade Air,2021-06-01\n", "partners"
    )
    assert "already loaded" in _upload(web, good)
    bad = _upload(web, b"kind,title,date,attendees\npresentation,T,2021-06-01,many\n")
    assert bad.startswith("422") and "Row 2" in bad and "attendees" in bad
    assert "Hotel staff briefing" in web.get("/outreach").text
    assert "Cascade Air" in web.get("/outreach/partners").text


def test_materials_are_recorded_and_listed(web: TestClient) -> None:
    sign_in(web, Role.OUTREACH)
    page = web.get("/outreach/materials")
    body = {"title": "Shoe cards", "distributed_on": "2021-04-01", "quantity": "500"}
    posted = web.post("/outreach/materials", data={**body, "csrf_token": form_token(page.text)})
    assert posted.status_code == 303
    listed = web.get("/outreach/materials").text
    assert "Shoe cards" in listed and "Blue Campaign" in listed and "500" in listed


def test_the_calendar_shows_only_what_is_coming(web: TestClient) -> None:
    sign_in(web, Role.OUTREACH)
    token = form_token(web.get("/outreach").text)
    soon = (date.today() + timedelta(days=5)).isoformat()
    for title, day in (("Past briefing", "2021-05-04"), ("Coming briefing", soon)):
        web.post(
            "/outreach/activities",
            data={**TALK, "title": title, "held_on": day} | {"csrf_token": token},
        )
    calendar = web.get("/outreach?upcoming=1&sort=held_on&dir=asc").text
    assert "Coming briefing" in calendar and "Past briefing" not in calendar
    assert "Past briefing" in web.get("/outreach").text
