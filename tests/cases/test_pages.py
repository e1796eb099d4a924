"""The cases workbench: the list, opening a case through the form, the case page with a
subject and its deconfliction notice, and need to know on the page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from ctip.api.app import create_app
from ctip.config import Settings
from ctip.model.roles import Role
from ctip.store.db import Database
from tests.cases.conftest import import_people
from tests.support.browser import serve, sign_in_page
from tests.support.workbench import form_token, sign_in

SCREENSHOT = Path("/tmp/ctip-cases-case.png")


@pytest.fixture
def cases_web(seeded_settings: Settings) -> Iterator[TestClient]:
    database = Database(seeded_settings.database_url)
    import_people(database)
    database.dispose()
    with TestClient(create_app(seeded_settings), follow_redirects=False) as client:
        yield client


def _open(client: TestClient, title: str, office: str) -> str:
    form = client.get("/cases/new")
    assert form.status_code == 200
    body = {"title": title, "case_type": "sex_trafficking", "opened_on": "2021-02-15"}
    body |= {"office": office, "csrf_token": form_token(form.text)}
    opened = client.post("/cases/new", data=body)
    assert opened.status_code == 303, opened.text
    return str(opened.headers["location"])


def test_open_a_case_add_subjects_and_see_the_deconfliction_notice(cases_web: TestClient) -> None:
    sign_in(cases_web, Role.INTEL_ANALYST)
    theirs = _open(cases_web, "Secret operation", "HSI San Antonio")
    page = cases_web.get(theirs)
    add = {"kind": "phone", "value": "+1 713 555 0142", "role": "in ads"}
    added = cases_web.post(f"{theirs}/subjects", data=add | {"csrf_token": form_token(page.text)})
    assert added.status_code == 303
    cases_web.post("/logout", data={"csrf_token": form_token(cases_web.get(theirs).text)})

    sign_in(cases_web, Role.INVESTIGATOR)
    mine = _open(cases_web, "Massage parlours", "HSI Houston")
    page = cases_web.get(mine)
    assert page.status_code == 200 and "Massage parlours" in page.text
    subject = {"kind": "entity", "value": "case-test-olena", "role": "trafficker"}
    posted = cases_web.post(
        f"{mine}/subjects", data=subject | {"csrf_token": form_token(page.text)}
    )
    assert posted.status_code == 303
    page = cases_web.get(mine).text
    number = theirs.rsplit("/", 1)[1]
    assert "Deconfliction" in page and number in page and "HSI San Antonio" in page
    assert "Secret operation" not in page and "Your subject Olena Petrova (Person)" in page
    glimpse = cases_web.get(theirs)
    assert glimpse.status_code == 200 and "You are not on this case" in glimpse.text
    assert "Secret operation" not in glimpse.text and "intel-analyst" in glimpse.text
    listing = cases_web.get("/cases")
    assert "Massage parlours" in listing.text and "Secret operation" not in listing.text
    assert "deconfliction" in listing.text.lower()
    bad = {"kind": "entity", "value": "no-such-entity", "csrf_token": form_token(page)}
    refused = cases_web.post(f"{mine}/subjects", data=bad)
    assert refused.status_code == 400 and "no entity" in refused.text
    exported = cases_web.get("/cases", params={"export": "csv", "fy": "2021"})
    assert exported.status_code == 200 and "Massage parlours" in exported.text
    home = cases_web.get("/").text
    assert _tile(home, "Your open cases") == 1
    assert _tile(home, "Cases with deconfliction notices") == 1


def _tile(html: str, label: str) -> int:
    """The count a home-page tile shows."""
    match = re.search(
        r'<strong class="count">(\d+)</strong>\s*<span class="work-label">' + re.escape(label), html
    )
    assert match, f"no tile {label!r}"
    return int(match.group(1))


def test_roles_without_cases_are_refused_the_pages(cases_web: TestClient) -> None:
    sign_in(cases_web, Role.OUTREACH)
    assert cases_web.get("/cases").status_code == 403
    assert cases_web.get("/cases/HSI-2021-00001").status_code == 403


@pytest.fixture
def cases_server(seeded_settings: Settings) -> Iterator[str]:
    """The app with the test people, served by uvicorn in a background thread."""
    database = Database(seeded_settings.database_url)
    import_people(database)
    database.dispose()
    with serve(seeded_settings) as url:
        yield url


@pytest.mark.browser
def test_a_case_from_opening_to_an_indictment_in_chromium(cases_server: str, page: Page) -> None:
    sign_in_page(page, cases_server, "investigator")
    page.get_by_role("navigation", name="Areas").get_by_role("link", name="Cases").click()
    page.get_by_role("link", name="Open a case").click()
    page.get_by_label("Title").fill("Massage parlours advertised online")
    page.locator("#case-type").select_option("sex_trafficking")
    page.get_by_label("Opened on").fill("2021-02-15")
    page.get_by_label("Office").fill("HSI Houston")
    page.get_by_role("button", name="Open case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Case HSI-2021-00001")
    expect(page.locator("#status")).to_contain_text("open")

    page.locator("#subject-kind").select_option("entity")
    page.get_by_label("Entity id, phone, e-mail, account or cluster id").fill("case-test-olena")
    page.get_by_label("Role").fill("suspected trafficker")
    page.get_by_role("button", name="Add subject").click()
    expect(page.locator("table.subjects")).to_contain_text("Olena Petrova")

    page.locator("#arrest-person").select_option("case-test-olena")
    page.get_by_label("Arrested on").fill("2021-06-10")
    page.get_by_label("Statutes charged").fill("1591, 1594")
    page.get_by_role("button", name="Record arrest").click()
    expect(page.locator("table.arrests")).to_contain_text("18 U.S.C. § 1591")

    page.locator("#outcome").select_option("indicted")
    page.get_by_label("On", exact=True).fill("2021-07-20")
    page.get_by_role("button", name="Record outcome").click()
    expect(page.locator("table.arrests")).to_contain_text("indicted 2021-07-20")
    expect(page.locator("#timeline tbody tr")).to_have_count(6)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
