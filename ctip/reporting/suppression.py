"""Small-cell suppression for published breakdowns (k = 11, as CTDC publishes victim data).

A cell of 1 to 10 could point at a person, so it is shown as suppressed. When a breakdown's
total is published and exactly one cell is suppressed, that cell could be worked out by
subtraction, so the next smallest cell is suppressed too (complementary suppression). A
total itself is never suppressed: the source document publishes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

K = 11
"""Cells under K are suppressed."""


@dataclass(frozen=True)
class Cell:
    """One category of a breakdown: its value, or None when suppressed."""

    category: str
    value: int | None

    @property
    def suppressed(self) -> bool:
        """Whether the value is withheld."""
        return self.value is None


def suppress(breakdown: Mapping[str, int], k: int = K) -> list[Cell]:
    """The breakdown's cells, largest first, with small (and complementary) cells withheld."""
    ordered = sorted(breakdown.items(), key=lambda item: (-item[1], item[0]))
    hidden = {name for name, value in ordered if 0 < value < k}
    if len(hidden) == 1:
        shown = [(value, name) for name, value in ordered if name not in hidden and value > 0]
        if shown:
            hidden.add(min(shown)[1])
    return [Cell(name, None if name in hidden else value) for name, value in ordered]
