"""The explainable scorer: names across scripts and forms, and every other field."""

from __future__ import annotations

import csv

import pytest

from ctip.matching.index import CandidateIndex
from ctip.matching.scoring import DEFAULT_THRESHOLD, score
from ctip.matching.types import ListEntry, MatchQuery, MatchResult
from ctip.model.explain import RefKind
from tests.conftest import shared_data


def entry(name: str, schema: str = "Company", **fields: tuple[str, ...]) -> ListEntry:
    aliases = fields.pop("aliases", ())
    return ListEntry("uflpa", "2026-01", "E1", schema, name, aliases, **fields)


def query(name: str, schema: str = "LegalEntity", **fields: tuple[str, ...]) -> MatchQuery:
    return MatchQuery("q1", name, schema, **fields)


def feature(result: MatchResult, name: str) -> float:
    return next(f.value for f in result.features if f.name == name)


@pytest.mark.parametrize(
    ("typed", "listed"),
    [
        ("新疆华孚色纺有限公司", "Xinjiang Huafu Sefang Co., Ltd."),
        ("Huafu Fashion Company Limited", "Huafu Fashion Co., Ltd."),
        ("HUAFU FASHION CO LTD", "Huafu Fashion Co., Ltd."),
        ("Xinjiang Production and Construction Corps", "XINJIANG PRODUCTION & CONSTRUCTION CORPS"),
        (
            "Hoshine Silicon Industry (Shanshan) Co., Ltd",
            "Hoshine Silicon Industry Shanshan Co Ltd",
        ),
        ("Xin Jiang Tianshan Wool Co., Ltd.", "Xinjiang Tianshan Wool Co., Ltd."),
    ],
)
def test_company_names_meet_across_scripts_and_forms(typed: str, listed: str) -> None:
    assert score(query(typed), entry(listed)).is_match


@pytest.mark.parametrize(
    ("typed", "alias"),
    [
        ("广州谐源劳务股份有限公司", "广州谐源劳务有限公司"),
        ("东莞胜北通电子股份有限公司", "东莞胜北通电子有限公司"),
        ("上海聚汇物流", "上海聚汇物流股份有限公司"),
    ],
)
def test_a_han_company_limited_by_shares_meets_its_limited_company_form(
    typed: str, alias: str
) -> None:
    """股份有限公司 (joint-stock limited company) is a company form, as 有限公司 is."""
    assert score(
        query(typed, "Company"), entry("Some Latin Name Co., Ltd.", aliases=(alias,))
    ).is_match


def test_a_different_han_brand_under_the_joint_stock_form_stays_apart() -> None:
    listed = entry("Guangzhou Xieyuan Manpower Co., Ltd.", aliases=("广州谐源劳务有限公司",))
    assert not score(query("广州和顺劳务股份有限公司", "Company"), listed).is_match


@pytest.mark.parametrize(
    ("typed", "listed"),
    [
        ("PUTIN, Vladimir", "Vladimir Putin"),
        ("Владимир Путин", "Vladimir Putin"),
        ("V. Putin", "Vladimir Putin"),
        ("Vladimir Vladimirovich Putin", "Vladimir Putin"),
    ],
)
def test_person_names_meet_across_order_script_and_initials(typed: str, listed: str) -> None:
    assert score(query(typed, "Person"), entry(listed, "Person")).is_match


@pytest.mark.parametrize(
    ("typed", "listed"),
    [
        ("Xinjiang Huafu Textile Co., Ltd.", "Xinjiang Lihua Textile Co., Ltd."),
        ("Industrial and Commercial Bank of Chad", "Industrial and Commercial Bank of China"),
        ("高石早苗", "高市早苗"),
    ],
)
def test_different_parties_with_shared_words_do_not_match(typed: str, listed: str) -> None:
    assert not score(query(typed), entry(listed)).is_match


def test_a_person_is_never_a_vessel() -> None:
    result = score(query("Snow Storm", "Person"), entry("Snow Storm", "Vessel"))
    assert result.score == 0.0
    assert [f.name for f in result.features] == ["schema"]


def test_company_and_legal_entity_are_compatible() -> None:
    assert score(query("Hoshine Silicon", "LegalEntity"), entry("Hoshine Silicon")).score == 1.0


def test_the_evidence_names_the_alias_that_matched() -> None:
    listed = entry("Xinjiang Production and Construction Corps", aliases=("XPCC", "Bingtuan"))
    result = score(query("Bingtuan"), listed)
    assert result.is_match
    name = result.features[0]
    assert "through its alias 'Bingtuan'" in name.sentence
    assert "UFLPA entry 'Xinjiang Production and Construction Corps'" in name.sentence
    assert [r.id for r in name.refs(RefKind.ALIAS)] == ["Bingtuan"]
    assert [(r.id, r.label) for r in name.refs(RefKind.ENTRY)] == [("E1", listed.name)]
    assert [r.id for r in name.refs(RefKind.LIST)] == ["uflpa"]


def test_a_match_on_the_listed_name_names_no_alias() -> None:
    listed = entry("Xinjiang Production and Construction Corps", aliases=("XPCC",))
    name = score(query("Xinjiang Production and Construction Corps"), listed).features[0]
    assert not name.refs(RefKind.ALIAS)
    assert "alias" not in name.sentence and "exactly" in name.sentence


def person_score(**fields: tuple[str, ...]) -> float:
    listed = entry("Ivan Petrov", "Person", birth_dates=("1970-03-12",), countries=("ru",))
    return score(query("Ivan Petrow", "Person", **fields), listed).score  # below 1: room to rise


def test_agreeing_fields_raise_and_conflicting_fields_lower_a_score() -> None:
    plain = person_score()
    assert person_score(birth_dates=("1970-03-12",)) > plain
    assert person_score(birth_dates=("1985-01-01",)) < plain
    assert person_score(countries=("Russia",)) > plain
    assert person_score(countries=("br",)) < plain


def test_partial_birth_dates_still_count() -> None:
    plain = person_score()
    year_only = person_score(birth_dates=("1970",))
    one_digit_off = person_score(birth_dates=("1970-03-13",))
    assert plain < one_digit_off < person_score(birth_dates=("1970-03-12",))
    assert plain < year_only


def test_agreeing_identifier_carries_a_weaker_name() -> None:
    listed = entry("Hetian Taida Apparel Co., Ltd.", identifiers=("91653200MA775H5K2B",))
    weak = query("Taida Clothing", identifiers=("91653200-MA775H5K2B",))
    result = score(weak, listed)
    assert result.is_match
    assert feature(result, "identifier") == 1.0


def test_address_agreement_across_scripts() -> None:
    listed = entry("Huafu Co., Ltd.", addresses=("Aksu, Xinjiang, China",))
    near = score(query("Huafu Co Ltd", addresses=("新疆 阿克苏",)), listed)
    assert feature(near, "address") > 0
    far = score(query("Huafu Co Ltd", addresses=("12 Rue de Rivoli, Paris",)), listed)
    assert feature(far, "address") < 0


def test_default_threshold_marks_matches() -> None:
    result = score(query("Huafu Fashion Co., Ltd."), entry("Huafu Fashion Co., Ltd."))
    assert result.is_match and result.score >= DEFAULT_THRESHOLD
    text = result.explanation()
    assert text.startswith(f"Score 1.00 reaches the match threshold of {DEFAULT_THRESHOLD:.2f}")
    assert "'Huafu Fashion Co., Ltd.' exactly" in text
    assert "(w " not in text and "x1.00" not in text  # sentences, not the scorer's trace


def test_a_conflicting_field_is_marked_as_conflicting_evidence() -> None:
    listed = entry("Huafu Co., Ltd.", addresses=("Aksu, Xinjiang, China",), countries=("cn",))
    typed = query("Huafu Co Ltd", addresses=("12 Rue de Rivoli, Paris",), countries=("cn",))
    explained = score(typed, listed).explained()
    assert [f.name for f in explained.conflicting()] == ["address"]
    assert "Conflicting evidence: Address '12 Rue de Rivoli, Paris'" in explained.text()
    assert "1 piece of evidence conflicts" in explained.summary()
    assert {f.name for f in explained.supporting()} == {"name", "country"}


def test_a_near_miss_says_the_score_stays_below_the_threshold() -> None:
    result = score(
        query("Xinjiang Huafu Textile Co., Ltd."), entry("Xinjiang Lihua Textile Co., Ltd.")
    )
    explained = result.explained()
    assert explained.outcome == "no match"
    assert explained.summary().startswith(f"Score {result.score:.2f} is below the match threshold")


def bench_cases(group: str) -> list[dict[str, str]]:
    with shared_data("name_matching", "name_bench_cases.csv").open(encoding="utf-8") as file:
        return [row for row in csv.DictReader(file) if row["case_group"] == group]


def test_every_bench_match_is_explained_in_a_sentence_naming_both_names() -> None:
    for case in bench_cases("synth_people"):
        listed = ListEntry("bench", "1", "B1", case["schema"], case["name2"])
        result = score(query(case["name1"], case["schema"]), listed)
        name = next(f for f in result.features if f.name == "name")
        assert name.sentence.startswith(
            f"Name {case['name1']!r} matches BENCH entry {case['name2']!r}"
        )
        closeness = "exactly" if name.value >= 1.0 else f"({name.value:.2f})"
        assert closeness in name.sentence


@pytest.mark.parametrize(
    ("typed", "listed", "matches"),
    [
        ("Наталья Кравченко", "Наталья Ткаченко", False),
        ("Oleg Kravchenko", "Oleg Tkachenko", False),
        ("Natalya Tkachneko", "Natalya Tkachenko", True),
        ("Oleg Tkachneko", "Олег Ткаченко", True),
    ],
)
def test_surnames_further_apart_than_a_typo_are_other_persons(
    typed: str, listed: str, matches: bool
) -> None:
    assert score(query(typed, "Person"), entry(listed, "Person")).is_match is matches


@pytest.mark.parametrize(
    ("typed", "listed", "matches"),
    [
        ("Kashen Kaikailin Garments Co Ltd", "Kashen Kailin Garments Co., Ltd.", False),
        ("Kashen Chengpnig Garments Co Ltd", "Kashen Chengping Garments Co., Ltd.", True),
    ],
)
def test_brands_further_apart_than_a_typo_are_other_companies(
    typed: str, listed: str, matches: bool
) -> None:
    """On a list where the place and trade are on many names, only the brand tells."""
    brands = [f"{a}{b}" for a in ("Hua", "Li", "Yong", "Da", "Jin") for b in ("fu", "da", "an")]
    others = [entry(f"Kashen {brand} Garments Co., Ltd.") for brand in brands]
    index = CandidateIndex([*others, entry(listed)])
    assert score(query(typed), entry(listed), rarity=index.rarity).is_match is matches


@pytest.mark.parametrize(
    ("typed", "matches"),
    [
        ("新疆t永瑞电子集团有限公司", False),  # 永 in place of 美: another brand
        ("新疆美瑞电子集团t有限公司", True),  # a stray letter only
    ],
)
def test_a_stray_latin_letter_keeps_a_han_name_compared_by_characters(
    typed: str, matches: bool
) -> None:
    listed = entry("Xinjiang Meirui Electronics Co., Ltd.", aliases=("新疆美瑞电子集团有限公司",))
    assert score(query(typed), listed).is_match is matches
