"""The fiscal-year report: figures from the records (a new presentation moves its figure by
one), the JSON shape other tools rely on, the PDF's text read back, suppression in breakdowns,
and who may read it."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from typer.testing import CliRunner

from ctip.cli import app
from ctip.config import get_settings
from ctip.model.errors import InvalidInput
from ctip.model.roles import Role
from ctip.outreach import records
from ctip.outreach.records import NewActivity
from ctip.reporting import exports, report
from ctip.store.db import Database
from tests.conftest import TokenFor
from tests.support.workbench import sign_in

runner = CliRunner()
ADD_PRESENTATION = ("outreach", "add", "presentation", "--title", "T", "--on", "2021-02-02")


@pytest.fixture
def cli_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("CTIP_DATABASE_URL", url)
    monkeypatch.setenv("CTIP_ENV", "test")
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def _value(made: report.Report, metric_id: str) -> int | float:
    return next(f.value for f in made.figures if f.id == metric_id)


def _talk(audience: str, attendees: int, day: str = "2021-03-04") -> NewActivity:
    return NewActivity.checked("presentation", "Indicators", day, attendees, "", audience)


def test_adding_a_presentation_moves_the_reported_figure_by_one(database: Database) -> None:
    with database.session() as session:
        before = report.compute(session, 2021)
        records.add_activity(session, _talk("educators", 20), "olivia")
        after = report.compute(session, 2021)
        next_year = report.compute(session, 2022)
    assert _value(after, "blue_campaign_presentations") == (
        _value(before, "blue_campaign_presentations") + 1
    )
    moved = next(f for f in next_year.figures if f.id == "blue_campaign_presentations")
    assert moved.prior_year_value == _value(after, "blue_campaign_presentations")


def test_breakdowns_suppress_small_cells_but_never_the_total(sqlite_database: Database) -> None:
    with sqlite_database.session() as session:
        for _ in range(12):
            records.add_activity(session, _talk("educators", 30), "olivia")
        for _ in range(3):
            records.add_activity(session, _talk("youth workers", 30), "olivia")
        made = report.compute(session, 2021)
    figure = next(f for f in made.figures if f.id == "blue_campaign_presentations")
    assert figure.value == 15
    assert {c.category: c.value for c in figure.breakdown} == {
        "educators": None,
        "youth workers": None,
    }
    attendees = next(f for f in made.figures if f.id == "blue_campaign_attendees")
    assert {c.category: c.value for c in attendees.breakdown} == {
        "educators": 360,
        "youth workers": 90,
    }
    assert "youth workers: &lt;11" in exports.html_document(made).replace("<11", "&lt;11")


def test_json_on_stdout_only_with_numbers(cli_store: str) -> None:
    added = runner.invoke(
        app,
        [*ADD_PRESENTATION, "--attendees", "44"],
    )
    assert added.exit_code == 0, added.output
    result = runner.invoke(app, ["report", "fy", "2021", "--format", "json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["fiscal_year"] == 2021
    by_id = {m["id"]: m for m in body["metrics"]}
    assert set(by_id["blue_campaign_attendees"]) == {
        "id",
        "label",
        "value",
        "prior_year_value",
        "records",
    }
    assert by_id["blue_campaign_presentations"]["value"] == 1
    assert by_id["blue_campaign_attendees"]["value"] == 44
    assert by_id["blue_campaign_attendees"]["prior_year_value"] == 0
    assert isinstance(by_id["cbp_seized_value_usd"]["value"], int | float)
    assert by_id["blue_campaign_presentations"]["records"].startswith("/outreach?fy=2021")


def test_csv_and_a_bad_year(cli_store: str) -> None:
    result = runner.invoke(app, ["report", "fy", "2021", "--format", "csv"])
    assert result.stdout.splitlines()[0] == "id,label,value,prior_year_value,records"
    bad = runner.invoke(app, ["report", "fy", "21"])
    assert bad.exit_code == InvalidInput.exit_code


def test_the_pdf_reads_back_with_the_figures(cli_store: str, tmp_path: Path) -> None:
    runner.invoke(
        app,
        [*ADD_PRESENTATION, "--attendees", "4321"],
    )
    out = tmp_path / "fy2021.pdf"
    no_out = runner.invoke(app, ["report", "fy", "2021", "--format", "pdf"])
    assert no_out.exit_code == 2 and not out.exists()
    result = runner.invoke(app, ["report", "fy", "2021", "--format", "pdf", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Fiscal year 2021" in text
    assert "Blue Campaign presentation attendees" in text and "4,321" in text
    assert "Outreach and training" in text


def test_the_page_shows_charts_and_links_only_to_allowed_records(web: TestClient) -> None:
    sign_in(web, Role.SUPERVISOR)
    page = web.get("/reports?fy=2021")
    assert page.status_code == 200
    assert page.text.count("<svg") >= 2 and '<script src="http' not in page.text
    assert 'href="/outreach?fy=2021' in page.text  # oversight may open outreach records
    assert 'href="/reports/fy/2021.pdf"' in page.text
    for bad in ("21", "1999", "FY2021"):
        refused = web.get(f"/reports?fy={bad}")
        assert refused.status_code == 400 and "four digits from 2000" in refused.text, bad
    assert web.get("/reports/fy/1999.pdf").status_code == 404
    pdf = web.get("/reports/fy/2021.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content[:4] == b"%PDF"


def test_an_analyst_reads_the_report_without_links_to_records_not_theirs(
    web: TestClient,
) -> None:
    sign_in(web, Role.TRADE_ANALYST)
    page = web.get("/reports?fy=2021")
    assert page.status_code == 200
    assert "Blue Campaign presentations" in page.text
    assert 'href="/outreach?fy=2021' not in page.text
    assert 'href="/trade/detentions?fy=2021"' in page.text


@pytest.mark.parametrize("role", [Role.OUTREACH, Role.FRONTLINE_OFFICER, Role.VICTIM_SPECIALIST])
def test_other_roles_are_refused_the_report(web: TestClient, role: Role) -> None:
    sign_in(web, role)
    assert web.get("/reports").status_code == 403


def test_the_api_gives_the_same_json_to_leadership_only(
    client: TestClient, role_headers: TokenFor
) -> None:
    answer = client.get("/api/v1/reports/fy/2021", headers=role_headers(Role.SUPERVISOR))
    assert answer.status_code == 200
    body = answer.json()
    assert body["fiscal_year"] == 2021 and {m["id"] for m in body["metrics"]} >= {
        "cbp_wros_issued",
        "blue_lightning_new_partners",
    }
    refused = client.get("/api/v1/reports/fy/2021", headers=role_headers(Role.OUTREACH))
    assert refused.status_code == 403
    bad = client.get("/api/v1/reports/fy/1999", headers=role_headers(Role.ADMIN))
    assert bad.status_code == 422 and "error" in bad.json()
