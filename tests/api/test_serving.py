"""The worker count of `ctip serve` (`--workers`, `CTIP_WORKERS`): 1 by default, 1 to four per core,
anything else refused with what is allowed."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ctip.api import serving
from ctip.config import Settings
from ctip.model.errors import InvalidInput


def test_one_worker_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CTIP_WORKERS", raising=False)
    assert Settings().workers == 1
    assert serving.check_workers(None) == 1 and serving.check_workers(" ") == 1


def test_workers_from_one_to_four_per_core(monkeypatch: pytest.MonkeyPatch) -> None:
    top = serving.most_workers()
    assert top % serving.WORKERS_PER_CORE == 0 and top >= serving.WORKERS_PER_CORE
    monkeypatch.setenv("CTIP_WORKERS", str(top))
    assert serving.check_workers(Settings().workers) == top
    assert serving.check_workers("2") == 2


def test_a_worker_count_below_one_is_refused_by_the_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CTIP_WORKERS", "0")
    with pytest.raises(ValidationError, match="workers"):
        Settings()


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_a_bad_worker_count_is_refused_with_the_range(value: str) -> None:
    with pytest.raises(InvalidInput, match=r"from 1 to \d+"):
        serving.check_workers(value)


def test_more_workers_than_four_per_core_is_refused() -> None:
    with pytest.raises(InvalidInput, match="per core"):
        serving.check_workers(serving.most_workers() + 1)
