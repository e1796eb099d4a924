"""The HTCDS vocabulary ctip declares is the published HTCDS 2.0 field list's."""

from __future__ import annotations

import csv

from ctip.protection import htcds
from tests.conftest import shared_data


def test_field_ids_and_value_names_match_the_standard() -> None:
    path = shared_data("htcds", "htcds_field_standards_2.0.csv")
    with path.open(encoding="utf-8") as handle:
        published = {row["field_id"]: row for row in csv.DictReader(handle)}
    for field_id, values in htcds.VALUES.items():
        assert field_id in published, field_id
        assert tuple(published[field_id]["value_names"].split(";")) == values, field_id
    assert htcds.AGE_WHEN_TRAFFICKED in published
