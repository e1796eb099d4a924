"""The shape every reader uses to reject a file: each bad row with its number and reason."""

from __future__ import annotations

from dataclasses import dataclass

from ctip.model.errors import InvalidInput

MAX_REPORTED_ERRORS = 1000


@dataclass(frozen=True)
class RowError:
    """One rejected row (or line): 1-based number and a reason a person can act on."""

    row: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.row}: {self.reason}"


class FileRejected(InvalidInput):
    """The file had bad rows; nothing from it was written (invalid input whose details name
    each bad row with its number and reason)."""

    def __init__(self, file_name: str, errors: list[RowError]) -> None:
        self.file_name = file_name
        self.errors = errors[:MAX_REPORTED_ERRORS]
        self.total_errors = len(errors)
        first = "; ".join(str(e) for e in self.errors[:3])
        super().__init__(
            f"{file_name}: {self.total_errors} bad row(s), nothing was imported ({first})",
            [{"row": e.row, "reason": e.reason} for e in self.errors],
        )
