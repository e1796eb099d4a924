"""The network view in the workbench: pages over TestClient, and the drawing in Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from ctip.config import Settings
from ctip.model.roles import Role
from ctip.networks import profile
from ctip.networks.demo import seed_demo
from ctip.store.db import Database
from tests.support.browser import sign_in_page
from tests.support.workbench import sign_in


@pytest.fixture
def demo_settings(seeded_settings: Settings) -> Iterator[Settings]:
    """The seeded workbench store with the networks demo loaded and built."""
    database = Database(seeded_settings.database_url)
    with database.session() as session:
        seed_demo(session)
    database.dispose()
    yield seeded_settings


def _largest(settings: Settings) -> profile.NetworkProfile:
    database = Database(settings.database_url)
    with database.session() as session:
        top = profile.list_networks(session, 1)[0]
        found = profile.network_profile(session, top.id)
    database.dispose()
    assert found is not None
    return found


def test_network_page_draws_every_shared_phone(
    demo_settings: Settings,
    web: TestClient,
) -> None:
    network = _largest(demo_settings)
    sign_in(web, Role.INVESTIGATOR)
    html = web.get(f"/networks/{network.summary.id}").text
    phones = [i.value for i in network.identifiers if i.kind == "phone" and i.ads > 1]
    assert phones
    for phone in phones:
        assert f'data-kind="phone" data-value="{phone}"' in html
    assert html.count('class="node node-ad"') == len(network.ads)


def test_node_fragment_lists_the_ads_behind_a_phone(
    demo_settings: Settings,
    web: TestClient,
) -> None:
    network = _largest(demo_settings)
    phone = next(i for i in network.identifiers if i.kind == "phone")
    sign_in(web, Role.INTEL_ANALYST)
    response = web.get(
        f"/networks/{network.summary.id}/node",
        params={"kind": "phone", "value": phone.value},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.count('class="node-ad"') == phone.ads
    assert "<html" not in response.text


def test_unknown_network_is_404_and_trade_analyst_is_refused(
    demo_settings: Settings,
    web: TestClient,
) -> None:
    sign_in(web, Role.INVESTIGATOR)
    assert web.get("/networks/net-none").status_code == 404
    web.cookies.clear()
    sign_in(web, Role.TRADE_ANALYST)
    assert web.get("/networks").status_code == 403


@pytest.fixture
def demo_server(demo_settings: Settings, live_server: str) -> str:
    """The live server over the demo store (the `seeded_settings` it uses hold the demo)."""
    return live_server


@pytest.mark.browser
def test_click_a_phone_in_the_drawing_to_see_its_ads(
    demo_server: str,
    page: Page,
) -> None:
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in_page(page, demo_server, "investigator")
    page.get_by_role("navigation", name="Areas").get_by_role("link", name="Networks").click()
    page.locator("#networks tbody tr").first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Network net-"))
    url = page.url
    phone = page.locator("svg a.node-phone").first
    value = phone.get_attribute("data-value")
    phone.click()
    detail = page.locator("#node-detail")
    expect(detail.get_by_role("heading", level=2)).to_have_text(f"Phone {value}")
    expect(detail.locator("li.node-ad").first).to_be_visible()
    expect(detail.locator("code.phone", has_text=str(value)).first).to_be_visible()
    assert page.url == url, "the click must load the panel in place (htmx), not navigate"
    page.locator("svg a.node-ad").first.click()
    expect(detail.get_by_role("heading", level=2)).to_have_text("Ad")
    page.screenshot(path="/tmp/ctip-network.png", full_page=True)
    assert not problems, problems


def test_the_networks_list_pages_through_every_network_and_exports_them_all(
    demo_settings: Settings,
    web: TestClient,
) -> None:
    database = Database(demo_settings.database_url)
    with database.session() as session:
        total = len(profile.list_networks(session, 10_000))
    database.dispose()
    assert total > 50  # more than one page: the list once stopped at 50
    sign_in(web, Role.INVESTIGATOR)
    first = web.get("/networks").text
    assert f"Showing <strong>1\u201350</strong> of <strong>{total}</strong>" in first
    last = web.get("/networks", params={"page": "2"}).text
    assert f"Showing <strong>51\u2013{total}</strong> of <strong>{total}</strong>" in last
    fewest = web.get("/networks", params={"sort": "ads", "dir": "asc", "per_page": "5"}).text
    counts = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', fewest)]
    assert counts == sorted(counts) and len(counts) == 5
    export = web.get("/networks", params={"export": "csv"}).text.lstrip("\ufeff").splitlines()
    assert len(export) == total + 1


@pytest.mark.browser
def test_page_sort_and_download_the_networks_in_chromium(
    demo_server: str, page: Page, tmp_path: Path
) -> None:
    sign_in_page(page, demo_server, "investigator")
    page.goto(f"{demo_server}/networks")
    count = page.locator(".table-count")
    expect(count).to_contain_text(re.compile(r"Showing 1\u201350 of (\d+)"))
    total = int(re.findall(r"of (\d+)", count.inner_text())[0])
    page.get_by_role("navigation", name=re.compile("Pages")).get_by_role(
        "link", name="Page 2"
    ).click()
    expect(count).to_have_text(re.compile(rf"Showing 51\u2013{total} of {total}"))
    page.get_by_role("link", name="Ads").click()  # sorted by ads, back to page 1
    ads_header = page.get_by_role("columnheader", name="Ads")
    expect(ads_header).to_have_attribute("aria-sort", "ascending")
    ads = [
        int(t) for t in page.locator("table.networks tbody td.num:nth-child(2)").all_inner_texts()
    ]
    assert ads == sorted(ads) and len(ads) == 50
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Export CSV")).click()
    saved = tmp_path / "networks.csv"
    download.value.save_as(saved)
    assert len(saved.read_text(encoding="utf-8-sig").splitlines()) == total + 1
