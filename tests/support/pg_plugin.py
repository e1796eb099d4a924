"""Pytest plugin: the ``postgres_server_url`` fixture.

Loaded from ``tests/conftest.py`` with ``pytest_plugins = ["tests.support.pg_plugin"]``.
Without a server, PostgreSQL tests are skipped on a developer machine but fail in CI
(``CI`` set to any non-empty value), so CI can never pass by silently skipping them.
"""

from __future__ import annotations

import os

import pytest

from tests.support.postgres import PostgresUnavailable, find_or_start_postgres


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """URL of a PostgreSQL server whose role may create databases (see ``fresh_database``)."""
    try:
        return find_or_start_postgres()
    except PostgresUnavailable as exc:
        reason = f"PostgreSQL unavailable: {exc}"
    # Outside the except block, so the report shows the reason without a chained traceback.
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)
