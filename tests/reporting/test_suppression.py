"""Small cells (1 to 10) are suppressed in breakdowns, and the one cell that would give a lone
suppressed cell away by subtraction; totals are never touched."""

from __future__ import annotations

from ctip.reporting.suppression import K, suppress


def _shown(breakdown: dict[str, int]) -> dict[str, int | None]:
    return {cell.category: cell.value for cell in suppress(breakdown)}


def test_cells_under_k_are_suppressed_and_zero_and_k_are_shown() -> None:
    shown = _shown({"a": 40, "b": K, "c": K - 1, "d": 1, "e": 0})
    assert shown == {"a": 40, "b": K, "c": None, "d": None, "e": 0}


def test_a_lone_suppressed_cell_takes_the_next_smallest_with_it() -> None:
    shown = _shown({"labour": 120, "sex": 35, "both": 4})
    assert shown == {"labour": 120, "sex": None, "both": None}


def test_nothing_small_nothing_suppressed_largest_first() -> None:
    cells = suppress({"b": 11, "a": 500})
    assert [(c.category, c.value, c.suppressed) for c in cells] == [
        ("a", 500, False),
        ("b", 11, False),
    ]
