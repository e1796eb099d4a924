"""The workbench screening page: names pasted or a file uploaded against chosen lists, each hit
with its explanation, unreadable values listed, refusals shown on the page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from ctip.api.app import create_app
from ctip.config import Settings
from ctip.lists.demo import TEAM_LIST, seed_demo
from ctip.model.roles import Role
from ctip.store.db import Database
from tests.support.browser import note_console_error, sign_in_page
from tests.support.workbench import form_token, sign_in


def _seed(settings: Settings) -> None:
    database = Database(settings.database_url)
    with database.session() as session:
        seed_demo(session)
    database.dispose()


@pytest.fixture
def screen_web(seeded_settings: Settings) -> Iterator[TestClient]:
    _seed(seeded_settings)
    with TestClient(create_app(seeded_settings), follow_redirects=False) as client:
        yield client


def _post(
    client: TestClient, files: dict[str, tuple[str, bytes, str]] | None = None, **fields: str
) -> str:
    token = form_token(client.get("/screen").text)
    data = {"csrf_token": token, f"list:{TEAM_LIST}": "1", **fields}
    response = client.post("/screen", data=data, files=files or {"file": ("", b"", "text/csv")})
    return f"{response.status_code}\n{response.text}"


def test_pasted_names_are_screened_with_explanations(screen_web: TestClient) -> None:
    sign_in(screen_web, Role.TRADE_ANALYST)
    form = screen_web.get("/screen").text
    assert f'name="list:{TEAM_LIST}"' in form and "birth_date" in form
    page = _post(screen_web, names="Viktor Salnikov\n\nSomebody Else", schema="Person")
    assert page.startswith("200")
    assert "Screened 2 name(s) against demo-team-watchlist: 1 match(es)" in page
    assert "<code>tw-3</code>" in page and "Виктор Сальников" not in page.split("Hits")[0]
    assert 'class="explanation"' in page and "reaches the match threshold" in page


def test_an_uploaded_file_with_a_messy_date_is_screened_and_the_value_listed(
    screen_web: TestClient,
) -> None:
    sign_in(screen_web, Role.INVESTIGATOR)
    data = (
        "id,name,schema,birth_date\nq1,Виктор Сальников,Person,12.05.1974\n"
        "q2,Ann Lee,Person,someday\n"
    ).encode()
    page = _post(screen_web, files={"file": ("people.csv", data, "text/csv")})
    assert page.startswith("200")
    assert "q1: Виктор Сальников" in page
    assert "Values that could not be read (1)" in page and "Line 3, birth_date" in page


def test_refusals_are_shown_on_the_page(screen_web: TestClient) -> None:
    sign_in(screen_web, Role.TRADE_ANALYST)
    bad = _post(screen_web, files={"file": ("q.csv", b"id,name\nq1,A\nq1,B\n", "text/csv")})
    assert bad.startswith("422") and "line 3: id &#39;q1&#39; also on line 2" in bad
    token = form_token(screen_web.get("/screen").text)
    none = screen_web.post("/screen", data={"csrf_token": token, "names": "Ann"})
    assert none.status_code == 422 and "Choose at least one list" in none.text
    expired = screen_web.post("/screen", data={"csrf_token": "x", "names": "Ann"})
    assert expired.status_code == 403


def test_outreach_staff_cannot_screen(screen_web: TestClient) -> None:
    sign_in(screen_web, Role.OUTREACH)
    assert screen_web.get("/screen").status_code == 403


@pytest.mark.browser
def test_screen_pasted_names_in_chromium(
    live_server: str, page: Page, seeded_settings: Settings
) -> None:
    _seed(seeded_settings)
    problems: list[str] = []
    page.on("console", lambda m: note_console_error(m, problems))
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in_page(page, live_server, "trade-analyst")
    page.goto(f"{live_server}/lists")
    page.get_by_role("link", name="Screen names against them").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Screen names")
    page.get_by_label(TEAM_LIST).check()
    page.get_by_label("Names, one per line").fill("Golden Thread Apparel Trading\nNobody At All")
    page.get_by_role("button", name="Screen").click()
    expect(page.locator(".screen-summary")).to_contain_text("Screened 2 name(s)")
    expect(page.locator("#screen-hits")).to_contain_text("tw-1")
    page.locator("#screen-hits details summary").first.click()
    expect(page.locator("#hit-1")).to_be_visible()
    assert not problems, problems
