"""`ctip networks ...` end to end on a temporary SQLite store, and the area's demo."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctip.cli import app
from ctip.config import get_settings
from ctip.model.errors import InvalidInput, NotFound
from ctip.networks import profile
from ctip.networks.demo import DEMO_NETWORKS, seed_demo
from ctip.store.db import Database

runner = CliRunner()


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("CTIP_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("CTIP_ENV", "test")
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def test_generate_load_build_list_show(store: Path, tmp_path: Path) -> None:
    ads = tmp_path / "ads.jsonl"
    made = runner.invoke(app, ["networks", "ads", "generate", "--out", str(ads), "--ads", "150"])
    assert made.exit_code == 0, made.output
    loaded = runner.invoke(app, ["networks", "ads", "load", str(ads)])
    assert "loaded 150 new ads" in loaded.output
    again = runner.invoke(app, ["networks", "ads", "load", str(ads)])
    assert "nothing changed" in again.output
    built = runner.invoke(app, ["networks", "build"])
    assert built.exit_code == 0, built.output
    listed = runner.invoke(app, ["networks", "list", "--limit", "1"])
    (network_id,) = re.findall(r"net-[0-9a-f]{10}", listed.output)
    shown = runner.invoke(app, ["networks", "show", network_id])
    assert shown.exit_code == 0
    assert "circuit" in shown.output and "links" in shown.output


def test_bad_rows_are_listed_and_exit_1(store: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("site,ad_id,posted_at,body\nx.example,1,2026-01-01,hi\nx.example,,2026,hi\n")
    result = runner.invoke(app, ["networks", "ads", "load", str(bad)])
    assert result.exit_code == InvalidInput.exit_code
    assert "line 3: ad_id is missing" in result.output


def test_show_unknown_network_exits_1(store: Path) -> None:
    result = runner.invoke(app, ["networks", "show", "net-nothing"])
    assert result.exit_code == NotFound.exit_code
    assert "no network" in result.output


def test_demo_is_idempotent_and_plants_its_networks(sqlite_database: Database) -> None:
    with sqlite_database.session() as session:
        first = seed_demo(session)
    with sqlite_database.session() as session:
        second = seed_demo(session)
        big = [n for n in profile.list_networks(session, 50) if n.ad_count >= 10]
    assert "400 synthetic ads" in first
    assert "already loaded" in second
    assert len(big) == DEMO_NETWORKS


def test_an_unreadable_phone_is_left_out_and_warned(store: Path, tmp_path: Path) -> None:
    ads = tmp_path / "ads.csv"
    ads.write_text(
        "site,ad_id,posted_at,body,phones\n"
        "x.example,1,2026-01-01,hi,202 555 0143|12\n"
        "x.example,2,2026-01-02,hello,\n"
    )
    strict = runner.invoke(app, ["networks", "ads", "load", str(ads), "--strict"])
    assert strict.exit_code == InvalidInput.exit_code
    assert "line 2: phones" in strict.output
    loaded = runner.invoke(app, ["networks", "ads", "load", str(ads)])
    assert loaded.exit_code == 0, loaded.output
    assert "line 2, phones" in loaded.output and "loaded 2 new ads" in loaded.output


def test_a_row_with_an_unquoted_comma_is_named_with_its_field_count(
    store: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("site,ad_id,posted_at,body\nx.example,1,2026-01-01,hi, there\n")
    result = runner.invoke(app, ["networks", "ads", "load", str(bad)])
    assert result.exit_code == InvalidInput.exit_code
    assert "line 2: 5 fields, expected 4" in result.output
