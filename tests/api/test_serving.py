"""The worker count of `ctip serve` (`CTIP_WORKERS`): 1 by default, 1 to four per core,
anything else refused with what is allowed."""

from __future__ import annotations

import pytest

from ctip.api import serving
from ctip.model.errors import InvalidInput


def test_one_worker_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(serving.WORKERS_ENV, raising=False)
    assert serving.workers_from_env() == 1
    monkeypatch.setenv(serving.WORKERS_ENV, " ")
    assert serving.workers_from_env() == 1


def test_workers_from_one_to_four_per_core(monkeypatch: pytest.MonkeyPatch) -> None:
    top = serving.most_workers()
    assert top % serving.WORKERS_PER_CORE == 0 and top >= serving.WORKERS_PER_CORE
    monkeypatch.setenv(serving.WORKERS_ENV, str(top))
    assert serving.workers_from_env() == top
    assert serving.check_workers("2") == 2


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_a_bad_worker_count_is_refused_with_the_range(value: str) -> None:
    with pytest.raises(InvalidInput, match=r"from 1 to \d+"):
        serving.check_workers(value)


def test_more_workers_than_four_per_core_is_refused() -> None:
    with pytest.raises(InvalidInput, match="per core"):
        serving.check_workers(serving.most_workers() + 1)
