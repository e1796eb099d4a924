"""The candidate index: blocking finds perturbed names without comparing every pair."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctip.matching.index import CandidateIndex, screen
from ctip.matching.types import ListEntry, MatchQuery

LISTED = [
    ListEntry(
        "uflpa", "1", "E1", "Company", "Xinjiang Huafu Textile Co., Ltd.", ("新疆华孚纺织有限公司",)
    ),
    ListEntry("uflpa", "1", "E2", "Company", "Hoshine Silicon Industry Co., Ltd."),
    ListEntry("uflpa", "1", "E3", "Person", "Ivan Petrov", ("Иван Петров",)),
    *[
        ListEntry("uflpa", "1", f"F{n}", "Company", f"Filler{n:03d} Textile Co., Ltd.")
        for n in range(200)
    ],
]


@pytest.fixture(scope="module")
def index() -> CandidateIndex:
    return CandidateIndex(LISTED)


def ids(index: CandidateIndex, name: str) -> list[str]:
    return [e.entry_id for e in index.candidates(MatchQuery("q", name), 5)]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Xinjiang Huafu Textile Company Limited", "E1"),
        ("新疆华孚纺织有限公司", "E1"),
        ("Huafu Textile (Xinjiang)", "E1"),
        ("Xinjiang Huafo Textile Co Ltd", "E1"),
        ("Hoshin Silicon Industry", "E2"),
        ("PETROV, Ivan", "E3"),
        ("Иван Петров", "E3"),
    ],
)
def test_perturbed_names_reach_their_entry(index: CandidateIndex, name: str, expected: str) -> None:
    assert ids(index, name)[0] == expected


def test_common_words_alone_bring_no_candidates(index: CandidateIndex) -> None:
    assert ids(index, "Golden Textile Co., Ltd.") == []


def test_limit_bounds_the_candidates(index: CandidateIndex) -> None:
    many = index.candidates(MatchQuery("q", "Filler001 Filler002 Filler003 Textile"), 2)
    assert len(many) == 2


def test_screen_yields_matches_with_evidence_and_repeats_under_each_id() -> None:
    queries = [
        MatchQuery("line1", "Xinjiang Huafu Textile Company Limited"),
        MatchQuery("line2", "Unrelated Trading LLC"),
        MatchQuery("line3", "Xinjiang Huafu Textile Company Limited"),
    ]
    results = list(screen(queries, LISTED, 0.7))
    assert [(r.query_id, r.entry.entry_id) for r in results] == [("line1", "E1"), ("line3", "E1")]
    assert all(r.is_match and r.features[0].evidence for r in results)


def test_rarity_is_low_for_words_on_many_names(index: CandidateIndex) -> None:
    assert index.rarity("textile") < 0.5 < index.rarity("hoshine")


def test_a_typo_reaches_its_entry_when_the_word_ends_are_common() -> None:
    """Every filler starts with "Guang" and ends in "cheng", so the affix keys of a
    typo in the middle of "Guangcheng" bring nothing; its one-letter-dropped forms do."""
    syllables = ["li", "hu", "da", "yo", "ke", "mi", "sa", "ta", "no", "pe"]
    fillers = [
        ListEntry("uflpa", "1", f"F{a}{b}", "Company", f"Guang{a}{b}cheng Cleaning Inc.")
        for a in syllables
        for b in syllables
    ]
    target = ListEntry("uflpa", "1", "T", "Company", "Guangcheng Cleaning Inc.")
    found = CandidateIndex([*fillers, target]).candidates(MatchQuery("q", "Guanghceng Cleaning"))
    assert [e.entry_id for e in found][:1] == ["T"]


def test_an_edition_without_entries_saves_and_opens_an_empty_index(tmp_path: Path) -> None:
    # a goods-rules-only list (the TVPRA goods list) has no entries to screen against
    CandidateIndex([], warm_names=False).save(tmp_path / "empty")
    opened = CandidateIndex.open(tmp_path / "empty")
    assert len(opened.entries) == 0
    assert opened.candidates(MatchQuery("q", "Acme Textiles")) == []


def test_a_saved_index_finds_what_the_built_one_finds(tmp_path: Path) -> None:
    entries = [
        ListEntry(
            "l", "1", "A1", "Company", "Xinjiang Huafu Textile Co., Ltd.", ("新疆华孚纺织有限公司",)
        ),
        ListEntry("l", "1", "A2", "Company", "Hoshine Silicon Industry"),
        ListEntry("l", "1", "P1", "Person", "Ivan Petrov", ("Иван Петров",)),
    ]
    built = CandidateIndex(entries, warm_names=False)
    built.save(tmp_path / "saved")
    opened = CandidateIndex.open(tmp_path / "saved")
    for name in ("Xinjiang Huafu Textil", "新疆华孚纺织", "Hoshine Silicon", "Petrov Ivan"):
        query = MatchQuery("q", name)
        found = [e.entry_id for e in built.candidates(query)]
        assert found and [e.entry_id for e in opened.candidates(query)] == found
