"""Two people opening cases at the same moment get two numbers, never a duplicate and never
an error (PostgreSQL: the second insert waits for the first and takes the next number)."""

from __future__ import annotations

import threading

import pytest

from ctip.cases import service
from ctip.store.db import Database
from tests.cases.conftest import person


@pytest.mark.postgres
def test_concurrent_openings_take_consecutive_numbers(postgres_url: str) -> None:
    database = Database(postgres_url)
    database.upgrade()
    numbers: list[str] = []
    started = threading.Event()

    def second_opening() -> None:
        started.set()
        with database.session() as session:
            numbers.append(
                service.open_case(session, person("bo"), "B", "other", "2021-03-02").number
            )

    with database.session() as session:
        numbers.append(service.open_case(session, person("ana"), "A", "other", "2021-03-01").number)
        worker = threading.Thread(target=second_opening)
        worker.start()
        started.wait(5)
        worker.join(0.5)  # the second insert now waits on the first's number
    worker.join(30)
    database.dispose()
    assert sorted(numbers) == ["HSI-2021-00001", "HSI-2021-00002"]
