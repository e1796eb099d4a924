"""Counting the SQL statements a piece of code sends, to hold batched reads to a bound."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from ctip.store.db import Database


@contextmanager
def counted_statements(database: Database) -> Iterator[list[int]]:
    """While open, `[n]`: how many statements the database's engine has executed."""
    count = [0]

    def executed(*_args: Any) -> None:
        count[0] += 1

    event.listen(database.engine, "before_cursor_execute", executed)
    try:
        yield count
    finally:
        event.remove(database.engine, "before_cursor_execute", executed)
