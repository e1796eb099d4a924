"""A line kept with values that could not be read is worked like any other: it is detained,
its legal clocks and the year's figures are computed, and the workbench says "not read"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from ctip.api.app import create_app
from ctip.config import Settings
from ctip.model.roles import Role
from ctip.store.db import Database
from ctip.trade import detentions, entries, metrics, service
from ctip.trade.screening import Screener
from tests.support.workbench import sign_in
from tests.trade.conftest import LISTED, entry_csv, raw_row

ODD_FILE = entry_csv(
    [
        raw_row(
            manufacturer="Marlow Sea Harvest Ltd",
            country_of_origin="TH",
            value_usd="about 5k",
            arrival_date="soon",
        )
    ]
)
DET = "DET-ABC12345671-001"


@pytest.fixture
def odd_settings(seeded_settings: Settings) -> Settings:
    """The seeded store with one line from a maker under a WRO whose value and arrival were
    not read."""
    database = Database(seeded_settings.database_url)
    with database.session() as session:
        read = entries.read_entry_file(ODD_FILE, "odd.csv")
        assert len(read.warnings) == 2
        entries.load_entry_lines(session, ODD_FILE, "odd.csv", "test-setup", read)
        decisions = service.screen_lines(read.lines, Screener(LISTED))
        service.record_screenings(session, decisions, "test-setup", "local")
    database.dispose()
    return seeded_settings


@pytest.fixture
def odd_web(odd_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(odd_settings), follow_redirects=False) as client:
        yield client


def test_a_line_whose_value_and_arrival_were_not_read_is_detained_and_counted(
    odd_settings: Settings,
) -> None:
    database = Database(odd_settings.database_url)
    with database.session() as session:
        opened = detentions.open_detention(
            session, "ABC12345671", 1, "ana", "WRO maker", "2025-03-05"
        )
        state = detentions.detention_state(session, DET, date(2025, 6, 1))
        fy2025 = metrics.year_figures(session, 2025)
    database.dispose()
    assert opened.status == "detained" and state.value_usd == 0
    assert opened.events[0].detail["cbp_order"], "the maker is under a withhold release order"
    assert "proof_of_admissibility" not in {c.deadline.id for c in state.clocks}, "no arrival"
    (year,) = detentions.figures([state])
    assert year.detained == 1
    assert (fy2025.detained, fy2025.value_detained) == (1, Decimal(0)), "the report counts it too"


def test_the_workbench_says_a_value_was_not_read(odd_web: TestClient) -> None:
    sign_in(odd_web, Role.INVESTIGATOR)
    listing = odd_web.get("/trade")
    assert listing.status_code == 200 and "not read" in listing.text
    line = odd_web.get("/trade/lines/ABC12345671/1")
    assert line.status_code == 200 and "value not read" in line.text
