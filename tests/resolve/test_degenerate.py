"""Degenerate inputs give a sound answer, never a traceback: on the pipeline and on the command.

Each case once crashed Splink (a prior estimated at 0 or 1 gives `math domain error` at
scoring) or could: one record, one source, a column empty everywhere, all records the same,
thousands of exact duplicates, no sure pair at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctip.cli import app
from ctip.resolve import pipeline
from ctip.resolve.records import ResolveRecord
from tests.resolve.quality import write_csv

runner = CliRunner()


def _person(index: int, **values: str | None) -> ResolveRecord:
    first, last = f"given{index}", f"family{index}"
    defaults: dict[str, str | None] = {
        "name": f"{first} {last}",
        "first_name": first,
        "surname": last,
    }
    defaults.update(values)
    return ResolveRecord(id=f"r{index}", source="a", **defaults)  # type: ignore[arg-type]


def _one() -> list[ResolveRecord]:
    return [_person(1)]


def _distinct() -> list[ResolveRecord]:
    return [_person(i) for i in range(300)]


def _city_only() -> list[ResolveRecord]:
    return [ResolveRecord(id=f"r{i}", source="a", city="lagos") for i in range(300)]


def _copies(count: int, prefix: str = "r", person: int = 0) -> list[ResolveRecord]:
    same = _person(person, birth_date="1990-01-02", phone="+2348012345678")
    return [replace(same, id=f"{prefix}{i}") for i in range(count)]


def _identical() -> list[ResolveRecord]:
    return _copies(5)


def _duplicates() -> list[ResolveRecord]:
    return _copies(2000)


CASES: dict[str, tuple[Callable[[], list[ResolveRecord]], int]] = {
    "one record": (_one, 1),
    "no sure pair (prior estimated at 0)": (_distinct, 300),
    "every column but one empty": (_city_only, 300),
    "all records identical": (_identical, 1),
    "thousands of exact duplicates (prior at 1)": (_duplicates, 1),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_pipeline_answers_every_degenerate_input(case: str) -> None:
    make, expected_clusters = CASES[case]
    records = make()
    resolution = pipeline.resolve_records(records)
    assert len(resolution.assignment) == len(records)
    assert len(set(resolution.assignment.values())) == expected_clusters
    assert all(0.0 <= p.match_probability <= 1.0 for p in resolution.pairs)


def test_a_mixed_input_with_duplicates_still_keeps_distinct_people_apart() -> None:
    records = _distinct() + _copies(400, "d", 7)
    resolution = pipeline.resolve_records(records)
    assert resolution.assignment["d0"] == resolution.assignment["d399"]
    assert resolution.assignment["r1"] != resolution.assignment["r2"]


HEADER = ["id", "name", "address", "city", "phone", "source"]


def _run(tmp_path: Path, rows: list[list[str]], *options: str) -> tuple[int, str, Path]:
    source = write_csv(tmp_path / "records.csv", HEADER, rows)
    out = tmp_path / "clusters.csv"
    result = runner.invoke(app, ["resolve", str(source), "--out", str(out), *options])
    return result.exit_code, result.output, out


def _clusters(out: Path) -> list[str]:
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "id,cluster_id"
    return lines[1:]


FILES: dict[str, list[list[str]]] = {
    "one record": [["1", "Ana Lima", "", "", "", "a"]],
    "a column empty everywhere": [
        [str(i), f"Given{i} Family{i}", "", f"town{i % 7}", "", "a"] for i in range(250)
    ],
    "all records identical": [
        [f"x{i}", "Ana Lima", "1 Main St", "Lagos", "", "a"] for i in range(5)
    ],
    "thousands of exact duplicates": [
        [str(i), "Ana Lima", "1 Main St", "Lagos", "+2348012345678", "a"] for i in range(1500)
    ],
    "one source, distinct people": [
        [str(i), f"Given{i} Family{i}", f"{i} Main St", "Lagos", "", "a"] for i in range(250)
    ],
}


@pytest.mark.parametrize("case", list(FILES))
def test_the_command_answers_every_degenerate_file(tmp_path: Path, case: str) -> None:
    rows = FILES[case]
    code, output, out = _run(tmp_path, rows)
    assert code == 0, output
    assert "Traceback" not in output
    assert len(_clusters(out)) == len(rows)
