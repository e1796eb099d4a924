"""Organisations resolve by whole name: legal forms out, rare words count, place words little."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctip.cli import app
from ctip.resolve import organisations, pipeline
from ctip.resolve.pipeline import Kind, NothingToLink
from ctip.resolve.records import ResolveRecord, record_from_row
from tests.resolve.quality import write_csv

runner = CliRunner()
UFLPA = Path(__file__).parents[2] / "ctip" / "trade" / "lists" / "data" / "uflpa_sample.csv"
DEMO_COMPANIES = (
    "Xinjiang Daqo New Energy, Co. Ltd",
    "Xinjiang East Hope Nonferrous Metals Co. Ltd.",
    "Xinjiang GCL New Energy Material Technology, Co. Ltd",
    "Xinjiang Junggar Cotton and Linen Co., Ltd.",
)


def _record(record_id: str, name: str, source: str = "a", **values: str) -> ResolveRecord:
    return record_from_row({"id": record_id, "name": name, **values}, source)


def _uflpa_records() -> list[ResolveRecord]:
    """The demo's UFLPA list as the store holds it: name and the place as address."""
    with UFLPA.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    return [
        _record(f"uflpa-{i}", row["name"], "uflpa", address=row["address"])
        for i, row in enumerate(rows)
    ]


def test_the_demo_uflpa_companies_stay_apart() -> None:
    records = _uflpa_records()
    names = {r.id: r.name for r in records}
    assert sum(1 for n in names.values() if n and n.startswith("xinjiang")) >= len(DEMO_COMPANIES)
    resolution = pipeline.resolve_records(records, kind=Kind.ORGANISATION)
    assert len(set(resolution.assignment.values())) == len(records), resolution.pairs


def test_the_person_model_would_have_joined_them_which_is_why_organisations_differ() -> None:
    records = [_record(str(i), name, address="Xinjiang") for i, name in enumerate(DEMO_COMPANIES)]
    assert all(r.first_name == "xinjiang" for r in records)  # the old split: one "first name"
    auto = pipeline.resolve_records(records, kind=Kind.AUTO)
    assert len(set(auto.assignment.values())) == len(DEMO_COMPANIES)


VARIANTS = [
    ("Siemens Aktiengesellschaft", "SIEMENS AG"),
    ("Xinjiang Daqo New Energy Co., Ltd.", "Daqo New Energy Co Ltd (Xinjiang)"),
    ("Golden Thread Apparel Trading Co. Ltd", "Golden Thread Aparel Trading Company Limited"),
    ("East Hope Nonferrous Metals", "Nonferrous Metals East Hope Co."),
    ("\u0420\u043e\u043c\u0430\u0448\u043a\u0430 \u041e\u041e\u041e", "OOO Romashka"),  # Cyrillic
    ("EastHope Metals Ltd", "East Hope Metals Ltd"),
]


@pytest.mark.parametrize(("left", "right"), VARIANTS)
def test_company_variants_link(left: str, right: str) -> None:
    records = [
        _record("1", left),
        _record("2", right),
        _record("3", "Meridian Staffing LLC"),
        _record("4", "Atlas Cotton Ginning Co"),
    ]
    resolution = pipeline.resolve_records(records, kind=Kind.ORGANISATION)
    assert resolution.assignment["1"] == resolution.assignment["2"], (left, right)
    assert len(set(resolution.assignment.values())) == 3


def test_a_shared_rare_word_alone_does_not_link() -> None:
    records = [
        _record("1", "Hefei Bitland Information Technology Co., Ltd.", address="Hefei, Anhui"),
        _record("2", "Hefei Meiling Co. Ltd.", address="Hefei, Anhui"),
        _record("3", "Hetian Haolin Hair Accessories Co., Ltd.", address="Hotan"),
        _record("4", "Hetian Taida Apparel Co., Ltd.", address="Hotan"),
    ]
    resolution = pipeline.resolve_records(records, kind=Kind.ORGANISATION)
    assert len(set(resolution.assignment.values())) == 4


def test_an_organisation_link_is_explained_field_by_field() -> None:
    records = [
        _record("1", "Atlas Trading FZE", phone="+971502823552"),
        _record("2", "ATLAS TRADING F.Z.E.", phone="+971502823552"),
    ]
    resolution = pipeline.resolve_records(records, kind=Kind.ORGANISATION)
    (pair,) = resolution.pairs
    comparisons = {e.comparison: e for e in pair.evidence}
    assert set(comparisons) == {"prior", "name", "phone"}
    assert comparisons["phone"].match_weight > 0 and comparisons["prior"].match_weight < 0
    assert pair.match_weight == pytest.approx(sum(e.match_weight for e in pair.evidence))
    assert resolution.model["kind"] == organisations.MODEL_KIND


def test_auto_keeps_a_person_and_a_company_apart() -> None:
    records = [_record("1", "Ana Lima"), _record("2", "Ana Lima Ltd"), _record("3", "Ana Lima")]
    people, companies = organisations.split_by_kind(records)
    assert [r.id for r in companies] == ["2"] and len(people) == 2
    resolution = pipeline.resolve_records(records, kind=Kind.AUTO)
    assert resolution.assignment["2"] not in {
        resolution.assignment["1"],
        resolution.assignment["3"],
    }


def test_auto_keeps_a_person_whose_name_holds_a_legal_form_with_the_people() -> None:
    # "Sapa", "Sau" and "Sarl" are read as legal forms (S.p.A., S.A.U., SARL) by rigour
    born = {"birth_date": "1971-03-02"}
    people_named = [
        _record("1", "Usno Sapa", **born),
        _record("2", "Sapa Usno", **born),
        _record("3", "Xekoda Sau", **born),
        _record("4", "Sarl Raribe", **born),
    ]
    company = _record("5", "Usno Sapa")  # the same words without a birth date: a company
    people, companies = organisations.split_by_kind([*people_named, company])
    assert [r.id for r in people] == ["1", "2", "3", "4"]
    assert [r.id for r in companies] == ["5"]


def test_link_only_links_across_sources_never_within_one() -> None:
    records = [
        _record("a1", "Meridian Staffing LLC", "list-a"),
        _record("a2", "Meridian Staffing L.L.C.", "list-a"),
        _record("b1", "Meridian Staffing", "list-b"),
        _record("b2", "Lotus Textile Co Ltd", "list-b"),
    ]
    dedupe = pipeline.resolve_records(records, kind=Kind.ORGANISATION)
    linked = pipeline.resolve_records(records, kind=Kind.ORGANISATION, link_only=True)
    assert {p.left_id + p.right_id for p in dedupe.pairs} >= {"a1a2"}
    assert all(p.left_id[0] != p.right_id[0] for p in linked.pairs)
    assert linked.assignment["b1"] in {linked.assignment["a1"], linked.assignment["a2"]}


def test_link_only_on_one_source_says_so() -> None:
    with pytest.raises(NothingToLink, match="two sources"):
        pipeline.resolve_records([_record("1", "A Ltd"), _record("2", "B Ltd")], link_only=True)


BUSINESSES = ["id", "name", "address", "city", "phone", "source"]


def test_the_command_resolves_a_two_source_business_list(tmp_path: Path) -> None:
    rows = [
        ["f1", "Art's Delicatessen Inc", "12224 Ventura Blvd.", "Studio City", "", "fodors"],
        ["z1", "Arts Deli", "12224 Ventura Blvd", "Studio City", "", "zagat"],
        ["f2", "Hotel Bel-Air Co", "701 Stone Canyon Rd.", "Bel Air", "", "fodors"],
        ["z2", "Bel-Air Hotel Co", "701 Stone Canyon Road", "Bel Air", "", "zagat"],
        ["f3", "Cafe Bizou Ltd", "14016 Ventura Blvd.", "Sherman Oaks", "", "fodors"],
    ]
    source = write_csv(tmp_path / "businesses.csv", BUSINESSES, rows)
    out = tmp_path / "clusters.csv"
    args = ["resolve", str(source), "--out", str(out), "--schema", "organisation", "--link-only"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    found = dict(line.split(",") for line in out.read_text(encoding="utf-8").splitlines()[1:])
    assert found["f2"] == found["z2"]
    assert len(found) == 5 and found["f3"] not in {found["f1"], found["f2"]}


def test_the_command_refuses_link_only_on_one_source(tmp_path: Path) -> None:
    rows = [["1", "A Ltd", "", "", "", "x"], ["2", "B Ltd", "", "", "", "x"]]
    source = write_csv(tmp_path / "one.csv", BUSINESSES, rows)
    out = tmp_path / "clusters.csv"
    result = runner.invoke(app, ["resolve", str(source), "--out", str(out), "--link-only"])
    assert result.exit_code == NothingToLink.exit_code
    assert "two sources" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_names_that_differ_only_in_a_number_stay_apart() -> None:
    records = [_record(str(i), f"Customer {i}") for i in range(10)]
    records += [
        _record("v4", "No. 4 Vocational Skills Centre"),
        _record("v5", "No. 5 Vocational Skills Centre"),
    ]
    resolution = pipeline.resolve_records(records, kind=Kind.ORGANISATION)
    assert len(set(resolution.assignment.values())) == len(records)
