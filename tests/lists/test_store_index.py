"""Each list edition's screening index: built once, saved beside the store, read warm by the
CLI, the API and the workbench alike; the server reports healthy only once warm."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ctip.api.app import API_PREFIX, create_app
from ctip.config import Environment, Settings
from ctip.lists import governance
from ctip.lists.store import load_watchlist
from ctip.matching import frozen, warm
from ctip.matching.screening import screen_names
from ctip.matching.types import MatchQuery
from ctip.store.db import Database

LIST = (
    "id,name,aliases,schema,country,birth_date,address\n"
    "A1,Acme Textiles Co. Ltd.,Acme Textile;ACME,Company,China,,Urumqi\n"
    "P1,Ivan Petrov,Иван Петров,Person,ru,1970,\n"
).encode()


@pytest.fixture(autouse=True)
def cold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(warm.INDEX_DIR_ENV, str(tmp_path / "indexes"))
    warm.mark_cold()
    yield
    warm.mark_cold()


def test_screening_entries_carry_a_saved_index(database: Database, tmp_path: Path) -> None:
    with database.session() as session:
        load_watchlist(session, LIST, "team.csv", "team", "tester", "v1")
    with database.session() as session:
        entries = governance.entries_in_effect(session, "team")
        assert isinstance(entries, warm.IndexedEntries)
        hits = screen_names([MatchQuery("q", "ACME Textile Company")], entries)
    saved = list((tmp_path / "indexes").iterdir())
    assert len(saved) == 1 and frozen.is_saved(saved[0])
    assert [h.entity_id for h in hits if h.is_match] == [entries[0].extra["entity_id"]]
    warm.mark_cold()
    with database.session() as session:
        again = governance.entries_in_effect(session, "team", "v1")
        assert isinstance(again.warm_index.entries, frozen.FrozenEntries)  # type: ignore[attr-defined]
        assert list(again) == list(entries)


def test_a_new_edition_gets_its_own_index(database: Database, tmp_path: Path) -> None:
    with database.session() as session:
        load_watchlist(session, LIST, "team.csv", "team", "tester", "v1")
        changed = LIST + b"N1,New Listed Trading,,,,,\n"
        load_watchlist(session, changed, "team2.csv", "team", "tester", "v2")
    with database.session() as session:
        old = governance.entries_in_effect(session, "team", "v1")
        new = governance.entries_in_effect(session, "team")
    assert (len(old), len(new)) == (2, 3)
    assert len(list((tmp_path / "indexes").iterdir())) == 2


def test_warming_opens_every_list_index(sqlite_database: Database, tmp_path: Path) -> None:
    with sqlite_database.session() as session:
        load_watchlist(session, LIST, "team.csv", "team", "tester", "v1")
    warm.warm_up(sqlite_database.session)
    assert warm.is_warm() and len(list((tmp_path / "indexes").iterdir())) == 1


def test_health_is_503_while_warming_and_200_once_warm(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'health.sqlite3'}"
    client = TestClient(create_app(Settings(database_url=url, env=Environment.TEST)))
    assert client.get(f"{API_PREFIX}/health").status_code == 200  # never asked to warm
    warm._state["warmth"] = warm.Warmth.WARMING
    answer = client.get(f"{API_PREFIX}/health")
    assert answer.status_code == 503 and answer.json()["status"] == "warming"
    warm.warm_up()
    assert client.get(f"{API_PREFIX}/health").json()["status"] == "ok"
