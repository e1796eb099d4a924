"""Each list edition's screening index: built once, saved beside the store, read warm by the
CLI, the API and the workbench alike; the server reports healthy only once warm."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ctip.api.app import API_PREFIX, create_app
from ctip.config import Environment, Settings
from ctip.ingest.errors import FileRejected
from ctip.lists import governance
from ctip.lists.readers import prepare_watchlist
from ctip.lists.store import UnknownList, load_watchlist, save_edition
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


def test_a_loaded_edition_has_its_saved_index_before_anyone_screens(
    database: Database, tmp_path: Path
) -> None:
    reports: list[tuple[int, int]] = []
    with database.session() as session:
        prepared = prepare_watchlist(LIST, "team.csv", "team")
        save_edition(
            session, "team", prepared, "tester", "v1", progress=lambda *p: reports.append(p)
        )
    saved = [p for p in (tmp_path / "indexes").iterdir() if frozen.is_saved(p)]
    assert len(saved) == 1
    assert reports[-1] == (2, 2)  # the build reported its end: both entries indexed
    warm.mark_cold()  # a new process: nothing kept in memory, only what was saved
    with database.session() as session:
        entries = governance.entries_in_effect(session, "team")
        assert isinstance(entries.warm_index.entries, frozen.FrozenEntries)  # type: ignore[attr-defined]
    assert [p for p in (tmp_path / "indexes").iterdir() if frozen.is_saved(p)] == saved


def test_a_list_refused_at_load_leaves_no_index(database: Database, tmp_path: Path) -> None:
    broken = LIST + b"A1,Duplicate Id Trading,,Company,,,\n"
    with pytest.raises(FileRejected), database.session() as session:
        load_watchlist(session, broken, "team.csv", "team", "tester", "v1")
    index_dir = tmp_path / "indexes"
    assert not index_dir.exists() or not any(frozen.is_saved(p) for p in index_dir.iterdir())
    with database.session() as session, pytest.raises(UnknownList):
        governance.entries_in_effect(session, "team")


def test_loading_the_same_file_again_builds_nothing(database: Database, tmp_path: Path) -> None:
    with database.session() as session:
        load_watchlist(session, LIST, "team.csv", "team", "tester", "v1")
    first = sorted((tmp_path / "indexes").iterdir())
    reports: list[tuple[int, int]] = []
    with database.session() as session:
        prepared = prepare_watchlist(LIST, "team.csv", "team")
        outcome = save_edition(
            session, "team", prepared, "tester", progress=lambda *p: reports.append(p)
        )
    assert outcome.already_loaded and reports == []
    assert sorted((tmp_path / "indexes").iterdir()) == first
