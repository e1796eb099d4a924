"""The DOL TVPRA list: both file shapes, the HTS mapping, risk look-up and edition diff."""

from __future__ import annotations

import csv
import io

import pytest

from ctip.ingest.errors import FileRejected
from ctip.lists.store import goods_rules, save_edition
from ctip.store.db import Database
from ctip.trade.lists import TVPRA_LIST
from ctip.trade.lists.tvpra import (
    FORCED,
    good_key,
    prepare_tvpra,
    read_tvpra,
    read_tvpra_file,
    tvpra_diff,
    tvpra_hts_table,
    tvpra_listings,
    tvpra_risk,
)
from tests.conftest import shared_data

SNAPSHOT = shared_data("ilab_tvpra_list", "tvpra_goods_by_country_2023snapshot.csv")
OFFICIAL_2016 = shared_data("ilab_tvpra_list", "tvpra_2016_official.csv")


def goods_in(path: object, column: str) -> set[str]:
    with open(str(path), encoding="utf-8") as f:
        return {row[column].strip() for row in csv.DictReader(f)}


def test_every_good_of_both_editions_has_hts_headings() -> None:
    table = tvpra_hts_table()
    goods = goods_in(SNAPSHOT, "good") | goods_in(OFFICIAL_2016, "Good")
    missing = sorted(g for g in goods if not table.get(good_key(g)))
    assert not missing, f"goods without HTS headings: {missing}"
    for headings in table.values():
        assert all(len(h) == 4 and h.isdigit() for h in headings)


def test_both_file_shapes_read_every_row() -> None:
    snapshot = read_tvpra(SNAPSHOT.read_bytes(), SNAPSHOT.name)
    official = read_tvpra(OFFICIAL_2016.read_bytes(), OFFICIAL_2016.name)
    assert len(snapshot) == 467 and len(official) == 379
    cotton = [x for x in snapshot if x.good == "Cotton" and x.country == "tm"]
    assert cotton and FORCED in cotton[0].labour


def test_risk_by_origin_and_heading() -> None:
    listings = read_tvpra(SNAPSHOT.read_bytes(), SNAPSHOT.name)
    yarn = tvpra_risk("TM", "5205.11.1000", listings)
    assert [r.good for r in yarn] == ["Cotton"] and yarn[0].forced_labor
    polysilicon = tvpra_risk("cn", "2804610000", listings)
    assert "Polysilicon" in {r.good for r in polysilicon}
    assert tvpra_risk("tm", "8703230000", listings) == []
    assert tvpra_risk("fr", "5205110000", listings) == []
    with pytest.raises(ValueError):
        tvpra_risk("cn", "cotton", listings)


def test_diff_2016_to_2023() -> None:
    old = read_tvpra(OFFICIAL_2016.read_bytes(), OFFICIAL_2016.name)
    new = read_tvpra(SNAPSHOT.read_bytes(), SNAPSHOT.name)
    diff = tvpra_diff(old, new)
    added = {(x.good, x.country) for x in diff.added}
    assert ("Polysilicon", "cn") in added
    assert len(new) - len(old) == len(diff.added) - len(diff.removed)
    print(
        f"\nTVPRA 2016 -> 2023: {len(diff.added)} added, {len(diff.removed)} removed, "
        f"{len(diff.changed)} changed"
    )


def test_values_not_read_are_kept_as_written_and_never_match() -> None:
    data = b"good,country,child_labor,forced_labor\nCotton,Atlantis,Yes,Yes\nRice,India,Maybe,Yes\n"
    prepared = prepare_tvpra(data, "odd.csv")
    warned = [(w.row, w.column, w.value) for w in prepared.warnings]
    assert warned == [(2, "country", "Atlantis"), (3, "child_labor", "Maybe")]
    cotton, rice = prepared.rules
    assert (cotton.country, cotton.place) == ("", "Atlantis")
    assert "country 'Atlantis' not read" in cotton.basis
    assert rice.labour == (FORCED,) and "child_labor 'Maybe' not read" in rice.basis
    listings = read_tvpra(data, "odd.csv")
    assert tvpra_risk("", "5201000000", listings) == [], "an unread origin meets no listing"


def _snapshot_mangled() -> bytes:
    """The 2023 snapshot as people send it: a BOM, no sector or region column, one country
    and one flag nobody can read."""
    rows = list(csv.DictReader(SNAPSHOT.open(encoding="utf-8")))
    rows[0]["country"], rows[1]["forced_labor"] = "Atlantis", "perhaps"
    out = io.StringIO()
    columns = ["good", "country", "child_labor", "forced_labor", "forced_child_labor"]
    writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return b"\xef\xbb\xbf" + out.getvalue().encode()


def test_the_real_snapshot_mangled_keeps_every_listing() -> None:
    listings, warnings = read_tvpra_file(_snapshot_mangled(), "snapshot.csv")
    assert len(listings) == 467
    assert [(w.row, w.column) for w in warnings] == [(2, "country"), (3, "forced_labor")]


def test_rows_that_are_no_rows_reject_the_file() -> None:
    text = OFFICIAL_2016.read_text(encoding="utf-8")
    with pytest.raises(FileRejected, match="line 2: 5 fields, expected 4"):
        read_tvpra(text.replace("Afghanistan,Bricks", "Afghanistan,Bricks, tiles", 1).encode(), "t")
    with pytest.raises(FileRejected, match="good is empty"):
        read_tvpra(text.replace("Afghanistan,Bricks", "Afghanistan,", 1).encode(), "t")
    with pytest.raises(FileRejected, match="also on row"):
        read_tvpra((text + text.splitlines()[1] + "\n").encode(), "t")
    with pytest.raises(FileRejected, match="not UTF-8"):
        read_tvpra("good,country,child_labor\nCafé,Brazil,X\n".encode("latin-1"), "t")
    with pytest.raises(FileRejected, match="no labour column"):
        read_tvpra(b"good,country\nCotton,China\n", "t")


def test_stored_edition_serves_risk(database: Database) -> None:
    with database.session() as session:
        outcome = save_edition(
            session,
            TVPRA_LIST,
            prepare_tvpra(SNAPSHOT.read_bytes(), SNAPSHOT.name),
            "tester",
            "2023",
            "tvpra",
        )
        rules = goods_rules(session, TVPRA_LIST)
        listings = tvpra_listings(session)
    assert outcome.rules == 467 and len(rules) == 467
    assert all(r.hts_headings for r in rules)
    assert [r.good for r in tvpra_risk("tm", "5201000000")] == ["Cotton"]
    assert len(listings) == 467
