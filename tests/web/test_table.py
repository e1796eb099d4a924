"""The workbench table's own logic: reading choices from the URL (never failing), the links
that keep the other choices, and the CSV export that cannot run as a spreadsheet formula."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from ctip.store.paging import MAX_PER_PAGE, Page, PageQuery
from ctip.web.table import Column, FilterKind, Table, TableView, csv_text, neutralise, parse_query

TABLE = Table(
    "things",
    (
        Column("name", "Name", sortable=True, value=lambda r: r["name"]),
        Column(
            "kind", "Kind", filter=FilterKind.CHOICE, choices=("a", "b"), value=lambda r: r["kind"]
        ),
        Column("place", "Place", filter=FilterKind.TEXT),
        Column("size", "Size", sortable=True, numeric=True, value=lambda r: r["size"]),
    ),
    search_label="Search",
    default_sort="name",
)


def test_choices_are_read_from_the_url() -> None:
    params = {
        "page": "3",
        "per_page": "20",
        "sort": "size",
        "dir": "desc",
        "q": " ab ",
        "kind": "b",
    }
    query = parse_query(params | {"place": "Urumqi"}, TABLE)
    assert query == PageQuery(3, 20, "size", True, "ab", (("kind", "b"), ("place", "Urumqi")))


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "0"},
        {"page": "-2"},
        {"page": "²"},
        {"page": "9" * 40},
        {"per_page": "100000"},
        {"sort": "no_such_column"},
        {"sort": "kind"},  # a column that is not sortable
        {"kind": "not-a-choice"},
    ],
)
def test_a_bad_choice_falls_back_to_the_default(params: dict[str, str]) -> None:
    assert parse_query(params, TABLE) == PageQuery(sort="name")


def test_the_page_size_is_capped() -> None:
    assert parse_query({"per_page": str(MAX_PER_PAGE)}, TABLE).per_page == MAX_PER_PAGE
    assert parse_query({"per_page": str(MAX_PER_PAGE + 1)}, TABLE).per_page == TABLE.per_page


def test_a_column_key_may_not_shadow_the_tables_own_parameters() -> None:
    with pytest.raises(ValueError, match="page"):
        Table("bad", (Column("page", "Page"),))


def _view(query: PageQuery, total: int = 95) -> TableView:
    page: Page[object] = Page([object()] * min(query.per_page, total), total, query)
    return TableView(TABLE, page, "/things", {"kind": "a", "q": "x"}, {"phone": "+1 555"})


def _params(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def test_page_links_keep_the_filters_and_the_pages_own_parameters() -> None:
    view = _view(PageQuery(page=5, per_page=10, search="x", filters=(("kind", "a"),)))
    numbers = [link.number for link in view.page_links()]
    assert numbers == [1, None, 3, 4, 5, 6, 7, None, 10]
    current = next(link for link in view.page_links() if link.current)
    assert _params(current.href) == {"kind": ["a"], "q": ["x"], "phone": ["+1 555"], "page": ["5"]}
    assert _params(view.next_href)["page"] == ["6"]


def test_sorting_again_by_the_same_column_reverses_and_goes_back_to_page_one() -> None:
    view = _view(PageQuery(page=4, per_page=10, sort="size", descending=True))
    size = TABLE.columns[3]
    params = _params(view.sort_href(size))
    assert params["sort"] == ["size"] and params["dir"] == ["asc"] and "page" not in params
    assert view.aria_sort(size) == "descending" and view.aria_sort(TABLE.columns[0]) == "none"


def test_the_export_link_selects_the_same_rows_without_the_page() -> None:
    view = _view(PageQuery(page=2, per_page=10))
    params = _params(view.export_href)
    assert params["export"] == ["csv"] and "page" not in params and params["kind"] == ["a"]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_that_a_spreadsheet_would_run_is_neutralised(start: str) -> None:
    text = f'{start}HYPERLINK("http://x")'
    assert neutralise(text) == "'" + text


def test_plain_text_and_numbers_are_written_as_they_are() -> None:
    assert neutralise("Golden Thread 金线") == "Golden Thread 金线"
    assert neutralise(-12.5) == "-12.5" and neutralise(Decimal("-3.10")) == "-3.10"
    assert neutralise(None) == "" and neutralise(True) == "yes"


def test_the_csv_has_the_exported_columns_and_one_row_per_record() -> None:
    rows = [
        {"name": "=cmd|' /C calc'!A0", "kind": "a", "size": 3},
        {"name": "Ана", "kind": "b", "size": 1},
    ]
    text, count = csv_text(TABLE, rows)
    assert count == 2 and text.startswith("\ufeff")
    read = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert read == [["Name", "Kind", "Size"], ["'=cmd|' /C calc'!A0", "a", "3"], ["Ана", "b", "1"]]
