"""The one table every long workbench list uses: pages, sorting, filters, search, CSV export.

A page declares its columns once (`Table`), reads the person's choices from the address
(`parse_query`, which never fails: a bad page number or an unknown sort key falls back to the
default), asks its service's listing for that page, and renders the `_table.html` macro with a
`TableView`. Every choice lives in the URL, so the table works without JavaScript, a page can
be bookmarked, and the CSV export writes exactly the rows the filters select (all of them).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol, TypeVar
from urllib.parse import urlencode

from fastapi import Request, Response
from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.authz.policy import Principal
from ctip.model.csvsafe import safe_text
from ctip.store.paging import DEFAULT_PER_PAGE, MAX_PER_PAGE, Page, PageQuery
from ctip.web.frame import page_context
from ctip.web.rendering import harden, render

T = TypeVar("T")
PAGE, PER_PAGE, SORT, DIRECTION, SEARCH, EXPORT = "page", "per_page", "sort", "dir", "q", "export"
RESERVED = frozenset({PAGE, PER_PAGE, SORT, DIRECTION, SEARCH, EXPORT})
MAX_TEXT = 200
MAX_DIGITS = 9
PAGE_WINDOW = 2
BYTE_ORDER_MARK = "\ufeff"
"""Lets spreadsheet programs read the export as UTF-8 (names in Chinese, Arabic, Cyrillic)."""


class FilterKind(StrEnum):
    """How a column can narrow the list: not at all, one of fixed values, or text it contains."""

    NONE = ""
    CHOICE = "choice"
    TEXT = "text"


def _no_export(_row: Any) -> object:
    return ""


@dataclass(frozen=True)
class Column:
    """A column of a workbench table: its key in the URL and the listing, and what it offers.

    `value` gives the column's cell in the CSV export (None: the column is not exported).
    """

    key: str
    label: str
    sortable: bool = False
    filter: FilterKind = FilterKind.NONE
    choices: tuple[str, ...] = ()
    numeric: bool = False
    value: Callable[[Any], object] | None = None


@dataclass(frozen=True)
class Table:
    """A table declared once per page: columns, search box, default order, page size."""

    name: str
    columns: tuple[Column, ...]
    search_label: str = ""
    default_sort: str = ""
    default_descending: bool = False
    per_page: int = DEFAULT_PER_PAGE

    def __post_init__(self) -> None:
        clashes = {c.key for c in self.columns} & RESERVED
        if clashes:
            raise ValueError(f"column keys {sorted(clashes)} clash with the table's parameters")

    def column(self, key: str) -> Column | None:
        """The column with this key, if any."""
        return next((c for c in self.columns if c.key == key), None)

    @property
    def filters(self) -> tuple[Column, ...]:
        """The columns a person can filter by, in column order."""
        return tuple(c for c in self.columns if c.filter is not FilterKind.NONE)

    @property
    def exported(self) -> tuple[Column, ...]:
        """The columns written to the CSV export."""
        return tuple(c for c in self.columns if c.value is not None)


def _number(text: str | None, default: int, upper: int) -> int:
    """A positive whole number from the URL, or the default when it is anything else."""
    if text is None or not (text.isascii() and text.isdigit()) or len(text) > MAX_DIGITS:
        return default
    value = int(text)
    return value if 1 <= value <= upper else default


def _filter_value(column: Column, text: str) -> str:
    """A filter's value if the column allows it ('' otherwise: the filter is not applied)."""
    text = text.strip()[:MAX_TEXT]
    if column.filter is FilterKind.CHOICE and text not in column.choices:
        return ""
    return text


def parse_query(params: Mapping[str, str], table: Table) -> PageQuery:
    """The person's choices read from the URL; anything invalid falls back to the default."""
    sort_column = table.column(params.get(SORT, ""))
    sortable = sort_column is not None and sort_column.sortable
    sort = sort_column.key if sort_column is not None and sortable else table.default_sort
    direction = params.get(DIRECTION, "")
    if direction in ("asc", "desc"):
        descending = direction == "desc"
    else:
        descending = table.default_descending and sort == table.default_sort
    filters = tuple(
        (c.key, value) for c in table.filters if (value := _filter_value(c, params.get(c.key, "")))
    )
    return PageQuery(
        page=_number(params.get(PAGE), 1, 10**9),
        per_page=_number(params.get(PER_PAGE), table.per_page, MAX_PER_PAGE),
        sort=sort,
        descending=descending,
        search=params.get(SEARCH, "").strip()[:MAX_TEXT] if table.search_label else "",
        filters=filters,
    )


def _query_params(query: PageQuery, table: Table) -> dict[str, str]:
    """The table's own URL parameters that differ from the defaults."""
    params: dict[str, str] = dict(query.filters)
    if query.search:
        params[SEARCH] = query.search
    if query.sort != table.default_sort or query.descending != table.default_descending:
        params[SORT], params[DIRECTION] = query.sort, "desc" if query.descending else "asc"
    if query.per_page != table.per_page:
        params[PER_PAGE] = str(query.per_page)
    if query.page > 1:
        params[PAGE] = str(query.page)
    return params


@dataclass(frozen=True)
class PageLink:
    """A link of the pager: its number (None for a gap), address and whether it is current."""

    number: int | None
    href: str
    current: bool = False


@dataclass(frozen=True)
class TableView:
    """What the `_table.html` macro needs: the page, the current choices and every link."""

    table: Table
    page: Page[Any]
    path: str
    params: dict[str, str]
    kept: dict[str, str] = field(default_factory=dict)

    def href(self, **changes: str) -> str:
        """This table's address with some parameters changed ('' removes one); others kept."""
        merged = {**self.kept, **self.params, **changes}
        clean = {k: v for k, v in merged.items() if v}
        return f"{self.path}?{urlencode(clean)}" if clean else self.path

    def sort_href(self, column: Column) -> str:
        """Sort by this column; a second click reverses the order. Back to the first page."""
        current = self.page.query
        descending = not current.descending if current.sort == column.key else column.numeric
        return self.href(sort=column.key, dir="desc" if descending else "asc", page="")

    def aria_sort(self, column: Column) -> str:
        """'ascending', 'descending' or 'none', as screen readers announce it."""
        if self.page.query.sort != column.key:
            return "none"
        return "descending" if self.page.query.descending else "ascending"

    @property
    def export_href(self) -> str:
        """The CSV of every row the current filters select (not just this page)."""
        return self.href(export="csv", page="")

    @property
    def clear_href(self) -> str:
        """The same table with no search and no filter."""
        cleared = dict.fromkeys((SEARCH, PAGE, *(c.key for c in self.table.filters)), "")
        return self.href(**cleared)

    @property
    def hidden(self) -> dict[str, str]:
        """Parameters the filter form does not show but must keep (sort, page size, others)."""
        shown = {SEARCH, PAGE, *(c.key for c in self.table.filters)}
        merged = {**self.kept, **self.params}
        return {k: v for k, v in merged.items() if k not in shown}

    @property
    def filtered(self) -> bool:
        """Whether a search or filter narrows the list (the count then says so)."""
        return bool(self.page.query.search or self.page.query.filters)

    def page_links(self) -> list[PageLink]:
        """First, last and the pages around the current one, with gaps between."""
        current, last = self.page.query.page, self.page.pages
        numbers = sorted(
            {1, last, *range(max(1, current - PAGE_WINDOW), min(last, current + PAGE_WINDOW) + 1)}
        )
        links: list[PageLink] = []
        for number in numbers:
            if links and links[-1].number is not None and number - links[-1].number > 1:
                links.append(PageLink(None, ""))
            links.append(PageLink(number, self.href(page=str(number)), number == current))
        return links

    @property
    def previous_href(self) -> str:
        """The page before ('' on the first page)."""
        number = self.page.query.page - 1
        return self.href(page=str(number)) if number >= 1 else ""

    @property
    def next_href(self) -> str:
        """The page after ('' on the last page)."""
        number = self.page.query.page + 1
        return self.href(page=str(number)) if number <= self.page.pages else ""


def table_view(
    request: Request, table: Table, page: Page[Any], keep: Iterable[str] = ()
) -> TableView:
    """The view of a page of `table`; `keep` names the page's own parameters links carry."""
    kept = {k: request.query_params[k] for k in keep if request.query_params.get(k)}
    return TableView(table, page, request.url.path, _query_params(page.query, table), kept)


class RowSource(Protocol[T]):
    """What a table reads from: a service's `Listing` (SQL) or `RecordListing` (memory)."""

    def page(self, session: Session, query: PageQuery) -> Page[T]: ...

    def every(self, session: Session, query: PageQuery) -> Iterable[T]: ...


def wants_export(request: Request) -> bool:
    """Whether the person asked for the CSV export instead of the page."""
    return request.query_params.get(EXPORT) == "csv"


def neutralise(value: object) -> str:
    """A cell safe to open in a spreadsheet: text that would run as a formula gets a leading '.

    Numbers are written as they are (a negative amount is not a formula).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return str(value)
    return safe_text(str(value))


def csv_text(table: Table, rows: Iterable[Any]) -> tuple[str, int]:
    """The exported columns of every row as CSV text, and how many rows were written."""
    out = io.StringIO()
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out, lineterminator="\r\n")
    columns = table.exported
    writer.writerow([neutralise(c.label) for c in columns])
    count = 0
    for row in rows:
        writer.writerow([neutralise((c.value or _no_export)(row)) for c in columns])
        count += 1
    return out.getvalue(), count


def export_csv(
    session: Session,
    principal: Principal,
    table: Table,
    source: RowSource[Any],
    query: PageQuery,
) -> Response:
    """Every row of the selection as a CSV download, recorded in the audit log as a bulk read."""
    text, count = csv_text(table, source.every(session, query.every_row()))
    detail = {"rows": count, "search": query.search, "filters": dict(query.filters)}
    audit.record(session, principal.username, "export.csv", f"table:{table.name}", detail)
    headers = {"Content-Disposition": f'attachment; filename="{table.name}.csv"'}
    response = Response(text, media_type="text/csv; charset=utf-8", headers=headers)
    return harden(response)


def table_page(
    request: Request,
    principal: Principal,
    session: Session,
    table: Table,
    source: RowSource[Any],
    template: str,
    active: str,
) -> Response:
    """A page that shows one table (named `table.name` in the template), or its CSV export."""
    query = parse_query(request.query_params, table)
    if wants_export(request):
        return export_csv(session, principal, table, source, query)
    view = table_view(request, table, source.page(session, query))
    context = page_context(request, principal, active=active, **{table.name: view})
    return render(request, template, context)
