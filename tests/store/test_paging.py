"""Long lists read a page at a time in SQL: the count, the order, filters, search, the last
page, and every row of a selection for an export, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.store.db import Database
from ctip.store.paging import PageQuery, RecordListing

ACTORS = ("ana", "bo", "chen")


def _record_events(database: Database, count: int) -> None:
    """`count` audit events by three actors; every fifth one is a sign-in, with a % in it."""
    with database.session() as session:
        for n in range(count):
            action = "login" if n % 5 == 0 else "entities.import"
            audit.record(session, ACTORS[n % 3], action, f"row:{n}", {"note": "100%_done"})


@pytest.fixture
def events(database: Database) -> Database:
    _record_events(database, 23)
    return database


def _page(database: Database, query: PageQuery) -> tuple[list[int], int, int]:
    with database.session() as session:
        page = audit.event_listing().page(session, query)
        return [e.seq for e in page.rows], page.total, page.query.page


def test_a_page_holds_per_page_rows_and_the_count_is_the_whole_selection(
    events: Database,
) -> None:
    seqs, total, _ = _page(events, PageQuery(page=2, per_page=10, sort="seq"))
    assert total == 23
    assert seqs == list(range(11, 21))


def test_the_chosen_column_and_direction_order_the_rows(events: Database) -> None:
    seqs, _, _ = _page(events, PageQuery(per_page=5, sort="seq", descending=True))
    assert seqs == [23, 22, 21, 20, 19]
    with events.session() as session:
        page = audit.event_listing().page(session, PageQuery(per_page=30, sort="actor"))
        actors = [e.actor for e in page.rows]
    assert actors == sorted(actors)


def test_an_unknown_sort_key_falls_back_to_the_listing_order(events: Database) -> None:
    seqs, _, _ = _page(events, PageQuery(per_page=3, sort="no_such_column"))
    assert seqs == [23, 22, 21]  # the audit listing's own order: newest first


def test_a_filter_narrows_the_count_and_the_rows(events: Database) -> None:
    query = PageQuery(per_page=50, filters=(("action", "login"),))
    seqs, total, _ = _page(events, query)
    assert total == 5
    assert all((seq - 1) % 5 == 0 for seq in seqs)


def test_search_needs_every_word_and_takes_like_wildcards_literally(events: Database) -> None:
    _, both, _ = _page(events, PageQuery(search="chen login"))
    assert both == len([n for n in range(23) if n % 3 == 2 and n % 5 == 0])
    _, literal, _ = _page(events, PageQuery(search="100%_done"))
    assert literal == 23
    _, wildcard, _ = _page(events, PageQuery(search="1%0"))
    assert wildcard == 0


def test_a_page_past_the_end_shows_the_last_page(events: Database) -> None:
    seqs, _, number = _page(events, PageQuery(page=99, per_page=10, sort="seq"))
    assert number == 3 and seqs == [21, 22, 23]


def test_every_row_of_the_selection_is_read_in_batches(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ctip.store.paging.EXPORT_BATCH", 4)
    _record_events(database, 11)
    query = PageQuery(per_page=2, sort="seq", filters=(("actor", "ana"),)).every_row()
    with database.session() as session:
        seqs = [e.seq for e in audit.event_listing().every(session, query)]
    assert seqs == [n + 1 for n in range(11) if n % 3 == 0]


def _numbers(_session: Session) -> list[dict[str, object]]:
    return [{"n": n, "word": f"w{n % 4}"} for n in range(10)]


def test_records_in_memory_page_sort_and_filter_like_sql() -> None:
    listing = RecordListing(
        _numbers, {"n": lambda r: r["n"], "word": lambda r: r["word"]}, {"word": "equals"}
    )
    query = PageQuery(per_page=2, sort="n", descending=True, filters=(("word", "w1"),))
    page = listing.page(None, query)  # type: ignore[arg-type]  # the records ignore the session
    assert [r["n"] for r in page.rows] == [9, 5] and page.total == 3
    every = listing.every(None, query.every_row())  # type: ignore[arg-type]
    assert [r["n"] for r in every] == [9, 5, 1]
