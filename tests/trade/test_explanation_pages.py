"""The trade line page explains its decision in sentences: the summary against the
thresholds, a marked sentence per feature with its references, never the scorer's raw dump;
a screening stored in the earlier form still shows."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from ctip.api.app import create_app
from ctip.config import Settings
from ctip.lists import governance
from ctip.lists.store import save_edition
from ctip.model.roles import Role
from ctip.store.db import Database
from ctip.trade import entries, service
from ctip.trade.lists import UFLPA_LIST
from ctip.trade.lists.uflpa import prepare_uflpa, sample_bytes
from ctip.trade.tables import ScreeningRow
from tests.api.jobs import finished_job
from tests.conftest import TokenFor
from tests.support.browser import serve, sign_in_page
from tests.support.workbench import sign_in
from tests.trade.conftest import entry_csv, raw_row

JUNGGAR = "Xinjiang Junggar Cotton and Linen Co., Ltd."
FILE = entry_csv(
    [
        raw_row(manufacturer=JUNGGAR, manufacturer_address="Lagos", country_of_origin="CN"),
        raw_row(line_number="2", manufacturer_address="No. 9 Road, 吐鲁番", country_of_origin="CN"),
        raw_row(line_number="3"),
    ]
)
OLD_FEATURES = [
    {
        "name": "xuar_address",
        "value": 1.0,
        "weight": 1.0,
        "evidence": "manufacturer address names Turpan ('吐鲁番'); rule: UFLPA sec. 3 presumption",
    }
]


@pytest.fixture
def explained_settings(seeded_settings: Settings) -> Settings:
    """Three screened lines against the shipped UFLPA sample; line 3 stored in the old form."""
    database = Database(seeded_settings.database_url)
    with database.session() as session:
        prepared = prepare_uflpa(sample_bytes(), "uflpa_sample.csv", UFLPA_LIST)
        save_edition(session, UFLPA_LIST, prepared, "test-setup", "sample", "uflpa")
        governance.approve(session, UFLPA_LIST, "sample", "test-supervisor", "four eyes")
        entries.load_entry_lines(session, FILE, "e.csv", "test-setup")
        screener = service.build_screener(session)
        decisions = service.screen_lines(entries.all_lines(session), screener)
        service.record_screenings(session, decisions, "test-setup", "local", screener.editions)
        old = ScreeningRow(
            entry_number="ABC12345671",
            line_number=3,
            decision="detain",
            score="1.0000",
            features=json.dumps(OLD_FEATURES, ensure_ascii=False),
            engine="local",
            screened_at="2025-01-01T00:00:00Z",
            screened_by="before",
        )
        session.add(old)
    database.dispose()
    return seeded_settings


@pytest.fixture
def pages(explained_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(explained_settings), follow_redirects=False) as web:
        sign_in(web, Role.TRADE_ANALYST)
        yield web


def test_a_listed_manufacturer_reads_as_a_sentence_with_its_conflict_marked(
    pages: TestClient,
) -> None:
    html = pages.get("/trade/lines/ABC12345671/1").text
    assert f"Manufacturer &#39;{JUNGGAR}&#39; matches UFLPA entry" in html
    assert 'class="feature feature-conflicts"' in html and "Conflicts:</strong>" in html
    assert "1 piece of evidence conflicts" in html
    assert 'href="/entities/' in html  # the listed entry links to its entity page
    assert "(w 1.00)" not in html and "x1.00" not in html.split("<details")[0]
    assert 'href="/lists/uflpa?edition=sample">uflpa sample</a> (official)' in html


def test_a_line_screened_before_editions_were_recorded_says_so(pages: TestClient) -> None:
    html = pages.get("/trade/lines/ABC12345671/3").text
    assert '<dd id="lists-read">none recorded</dd>' in html


def test_a_turpan_factory_says_the_presumption_and_the_threshold(pages: TestClient) -> None:
    html = pages.get("/trade/lines/ABC12345671/2").text
    assert "Manufacturer address names Turpan (written &#39;吐鲁番&#39;), in Xinjiang" in html
    assert "reaches the detain threshold of 0.85, so the outcome is detain" in html
    assert "Supports:</strong>" in html


def test_a_screening_stored_before_explanations_had_references_still_shows(
    pages: TestClient,
) -> None:
    html = pages.get("/trade/lines/ABC12345671/3").text
    assert "manufacturer address names Turpan" in html
    assert "so the outcome is detain" in html


def test_the_api_carries_the_structured_explanation_beside_the_features(
    client: TestClient, role_headers: TokenFor
) -> None:
    headers = role_headers(Role.TRADE_ANALYST)
    body = client.post("/api/v1/trade/screen", content=FILE, headers=headers).json()
    turpan = next(d for d in body["decisions"] if d["line_number"] == 2)
    explained = turpan["explanation"]
    assert turpan["features"][0]["evidence"] == explained["features"][0]["sentence"]
    kinds = [r["kind"] for r in explained["features"][0]["references"]]
    assert kinds == ["place", "rule"]
    assert explained["summary"].endswith("so the outcome is detain.")
    stored = client.get("/api/v1/trade/lines", headers=headers).json()
    assert len(stored) == 3
    assert all(s["explanation"]["outcome"] == s["decision"] for s in stored)


@pytest.mark.browser
def test_the_line_page_reads_as_sentences_in_chromium(
    explained_settings: Settings, page: Page
) -> None:
    with serve(explained_settings) as url:
        sign_in_page(page, url, "trade-analyst")
        page.goto(f"{url}/trade/lines/ABC12345671/1")
        section = page.locator("#line-explanation")
        expect(section.locator(".explanation-summary")).to_contain_text("so the outcome is")
        conflict = section.locator("li.feature-conflicts")
        expect(conflict).to_have_count(1)
        expect(conflict.locator(".feature-mark")).to_have_text("Conflicts:")
        section.get_by_role("link", name=JUNGGAR).first.click()
        expect(page).to_have_url(re.compile(re.escape(f"{url}/entities/")))


def test_screening_hits_carry_the_structured_explanation(
    client: TestClient, role_headers: TokenFor
) -> None:
    headers = role_headers(Role.TRADE_ANALYST)
    listed = f"id,name,schema,country\nJ1,{JUNGGAR!r},Company,cn\n".replace("'", '"')
    loaded = client.post(
        "/api/v1/lists/load", params={"list": "team"}, content=listed.encode(), headers=headers
    )
    assert finished_job(client, headers, loaded)["state"] == "done"
    body = {"list": "team", "queries": [{"id": "q1", "name": JUNGGAR, "country": ["DE"]}]}
    (hit,) = client.post("/api/v1/screen", json=body, headers=headers).json()["hits"]
    explained = hit["explained"]
    assert explained["outcome"] == ("match" if hit["match"] else "no match")
    name, country = explained["features"]
    assert [r["kind"] for r in name["references"]] == ["list", "entry"]
    assert (country["name"], country["supports"]) == ("country", False)
    assert "Conflicting evidence: Countries differ" in hit["explanation"]
