"""Long lists read one page at a time, sorted, filtered and searched in SQL.

A trade officer's 300 screened lines or an audit log of millions of rows must never be loaded
whole to show fifty of them. A service declares a `Listing` once (its SELECT, the columns a
person may sort, filter and search by, how a row becomes a record) and the workbench asks it
for one `Page` or, for an export, every row of the same selection in batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic, Literal, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import QueryableAttribute, Session

T = TypeVar("T")
AnySelect = Select[*tuple[Any, ...]]
SqlValue = ColumnElement[Any] | QueryableAttribute[Any]
"""A column or SQL expression a listing filters, searches or sorts by."""
Match = Literal["equals", "contains"]

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
EXPORT_BATCH = 1000
LIKE_ESCAPE = "\\"


@dataclass(frozen=True)
class PageQuery:
    """Which rows a person asked for: page, sort, search text and filters (already validated).

    `per_page` 0 means every row of the selection (an export).
    """

    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    sort: str = ""
    descending: bool = False
    search: str = ""
    filters: tuple[tuple[str, str], ...] = ()

    @property
    def offset(self) -> int:
        """Rows before this page."""
        return (self.page - 1) * self.per_page

    def filter_value(self, key: str) -> str:
        """The value a filter is set to ('' when not set)."""
        return dict(self.filters).get(key, "")

    def every_row(self) -> PageQuery:
        """The same selection without paging: what an export writes."""
        return replace(self, page=1, per_page=0)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of rows and how many rows the whole selection holds ("51-71 of 71")."""

    rows: list[T]
    total: int
    query: PageQuery

    @property
    def first(self) -> int:
        """1-based number of the first row shown (0 when nothing is shown)."""
        return self.query.offset + 1 if self.rows else 0

    @property
    def last(self) -> int:
        """1-based number of the last row shown."""
        return self.query.offset + len(self.rows)

    @property
    def pages(self) -> int:
        """How many pages the selection fills (at least one, even when empty)."""
        size = self.query.per_page or max(self.total, 1)
        return max(1, -(-self.total // size))


@dataclass(frozen=True)
class ListingField:
    """A column of a listing in SQL: how its filter matches, whether the search reads it, and
    what it sorts by (`order`, when the column's own values do not sort the way people read
    them: decisions by risk, not by alphabet)."""

    expression: SqlValue
    sortable: bool = True
    match: Match | None = None
    searched: bool = False
    order: SqlValue | tuple[SqlValue, ...] | None = None

    @property
    def sort_expressions(self) -> tuple[SqlValue, ...]:
        """What ORDER BY uses for this column (an entry line sorts by entry, then line)."""
        if self.order is None:
            return (self.expression,)
        return self.order if isinstance(self.order, tuple) else (self.order,)


def _escaped_like(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with its own % and _ taken literally."""
    for char in (LIKE_ESCAPE, "%", "_"):
        text = text.replace(char, LIKE_ESCAPE + char)
    return f"%{text}%"


def _contains(expression: SqlValue, text: str) -> ColumnElement[bool]:
    return expression.ilike(_escaped_like(text), escape=LIKE_ESCAPE)


@dataclass(frozen=True)
class Listing(Generic[T]):
    """A list a service offers for paging: the SELECT, its fields and the record of a row.

    `tiebreak` orders rows that the chosen sort leaves equal (and is the default order), so
    pages never overlap or skip a row.
    """

    statement: AnySelect
    fields: Mapping[str, ListingField]
    record: Callable[[Any], T]
    tiebreak: Sequence[SqlValue] = field(default_factory=tuple)

    def page(self, session: Session, query: PageQuery) -> Page[T]:
        """One page; a page past the end shows the last one instead of an empty table."""
        selection = self._selection(query)
        total = int(session.execute(_count(selection)).scalar_one())
        query = _within(query, total)
        rows = session.execute(
            self._ordered(selection, query).limit(query.per_page or None).offset(query.offset)
        )
        return Page([self.record(row) for row in rows], total, query)

    def every(self, session: Session, query: PageQuery) -> Iterator[T]:
        """Every row of the selection in the chosen order, read in batches (for an export)."""
        ordered = self._ordered(self._selection(query), query)
        offset = 0
        while True:
            rows = session.execute(ordered.limit(EXPORT_BATCH).offset(offset)).all()
            yield from (self.record(row) for row in rows)
            if len(rows) < EXPORT_BATCH:
                return
            offset += EXPORT_BATCH

    def _selection(self, query: PageQuery) -> AnySelect:
        conditions = [*self._filters(query), *self._search(query.search)]
        return self.statement.where(and_(*conditions)) if conditions else self.statement

    def _filters(self, query: PageQuery) -> Iterator[ColumnElement[bool]]:
        for key, value in query.filters:
            spec = self.fields.get(key)
            if spec is None or spec.match is None or not value:
                continue
            if spec.match == "equals":
                yield spec.expression == value
            else:
                yield _contains(spec.expression, value)

    def _search(self, text: str) -> Iterator[ColumnElement[bool]]:
        """Every word must appear in one of the searched fields (any case)."""
        searched = [spec.expression for spec in self.fields.values() if spec.searched]
        for word in text.split() if searched else ():
            yield or_(*(_contains(expression, word) for expression in searched))

    def _ordered(self, selection: AnySelect, query: PageQuery) -> AnySelect:
        spec = self.fields.get(query.sort)
        chosen: list[ColumnElement[Any]] = []
        if spec is not None and spec.sortable:
            chosen.extend(e.desc() if query.descending else e.asc() for e in spec.sort_expressions)
        return selection.order_by(None).order_by(*chosen, *self.tiebreak)


def _count(selection: AnySelect) -> AnySelect:
    return select(func.count()).select_from(selection.order_by(None).subquery())


def _within(query: PageQuery, total: int) -> PageQuery:
    """The query moved back to the last page when it asks for a page past the end."""
    if not query.per_page or query.offset < total:
        return query
    return replace(query, page=max(1, -(-total // query.per_page)))


@dataclass(frozen=True)
class RecordListing(Generic[T]):
    """A listing over records already in memory (computed state such as legal clocks).

    For short lists whose order depends on values SQL does not hold; same pages as SQL.
    """

    records: Callable[[Session], Sequence[T]]
    fields: Mapping[str, Callable[[T], Any]]
    matches: Mapping[str, Match] = field(default_factory=dict)
    searched: tuple[str, ...] = ()

    def page(self, session: Session, query: PageQuery) -> Page[T]:
        """One page of the matching records."""
        chosen = self._chosen(session, query)
        query = _within(query, len(chosen))
        end = query.offset + query.per_page if query.per_page else None
        return Page(chosen[query.offset : end], len(chosen), query)

    def every(self, session: Session, query: PageQuery) -> Iterator[T]:
        """Every matching record in the chosen order."""
        yield from self._chosen(session, query)

    def _chosen(self, session: Session, query: PageQuery) -> list[T]:
        kept = [r for r in self.records(session) if self._keeps(r, query)]
        key = self.fields.get(query.sort)
        if key is not None:
            kept.sort(key=lambda r: _sort_key(key(r)), reverse=query.descending)
        return kept

    def _keeps(self, record: T, query: PageQuery) -> bool:
        for name, value in query.filters:
            if value and name in self.matches and not self._matches(record, name, value):
                return False
        if not self.searched:
            return True
        texts = [str(self.fields[name](record)).casefold() for name in self.searched]
        return all(any(w in t for t in texts) for w in query.search.casefold().split())

    def _matches(self, record: T, name: str, value: str) -> bool:
        actual = str(self.fields[name](record))
        if self.matches[name] == "equals":
            return actual == value
        return value.casefold() in actual.casefold()


def _sort_key(value: Any) -> tuple[bool, Any]:
    """None sorts after every value, whatever the direction's other values are."""
    return (value is None, value if value is not None else 0)
