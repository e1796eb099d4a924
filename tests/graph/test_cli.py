"""`ctip graph` against a temporary SQLite store holding the planted network."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from followthemoney import model
from typer.testing import CliRunner

from ctip.cli import app
from ctip.config import get_settings
from ctip.model.errors import NotFound
from ctip.store.db import Database
from tests.graph.network import CLIQUE_A, PAYMENT, import_network

runner = CliRunner()


@pytest.fixture(autouse=True)
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A fresh SQLite store with the planted network, used by every command here."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("CTIP_DATABASE_URL", url)
    monkeypatch.setenv("CTIP_ENV", "test")
    get_settings.cache_clear()
    database = Database(url)
    database.upgrade()
    import_network(database)
    database.dispose()
    yield
    get_settings.cache_clear()


def test_neighbours_and_path() -> None:
    result = runner.invoke(app, ["graph", "neighbours", "a1", "--depth", "1"])
    assert result.exit_code == 0, result.output
    assert "5 entities" in result.output and PAYMENT in result.output
    path = runner.invoke(app, ["graph", "path", "a4", "b2"])
    assert path.exit_code == 0, path.output
    assert "Person A4 → Person A2" in path.output and "+12025550100" in path.output


def test_unknown_and_unconnected_fail_clearly() -> None:
    missing = runner.invoke(app, ["graph", "neighbours", "nobody"])
    assert missing.exit_code == NotFound.exit_code and "no entity 'nobody'" in missing.output
    apart = runner.invoke(app, ["graph", "path", "a1", "hub"])
    assert apart.exit_code == 1 and "not connected" in apart.output


def test_communities_and_central() -> None:
    groups = runner.invoke(app, ["graph", "communities", "--min-size", "5"])
    assert groups.exit_code == 0, groups.output
    assert "2 groups" in groups.output  # the director star (7) and clique A with its address (5)
    central = runner.invoke(app, ["graph", "central", "--top", "1"])
    assert central.exit_code == 0 and "Hub Logistics LLC" in central.output


def test_export_writes_ftm_lines(tmp_path: Path) -> None:
    out = tmp_path / "a1.ijson"
    result = runner.invoke(app, ["graph", "export", "a1", "--depth", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    proxies = [model.get_proxy(json.loads(line)) for line in out.read_text().splitlines()]
    people = {p.id for p in proxies if p.schema.name == "Person"}
    assert people == set(CLIQUE_A) | {"b1"}
    assert sum(p.schema.name == "UnknownLink" for p in proxies) == 6
