"""XUAR place names are found in any script, as whole words, with context where needed."""

from __future__ import annotations

import pytest

from ctip.trade.regions import find_region_places, region_places


@pytest.mark.parametrize(
    ("address", "place"),
    [
        ("No. 5 Renmin Road, 乌鲁木齐市", "Urumqi"),
        ("烏魯木齊市天山區", "Urumqi"),
        ("ئۈرۈمچى شەھىرى", "Urumqi"),
        ("Урумчи, ул. Ленина 3", "Urumqi"),
        ("Wulumuqi Economic Zone", "Urumqi"),
        ("喀什地区疏附县", "Kashgar"),
        ("Korla, Bayingolin Mongol Autonomous Prefecture", "Korla"),
        ("Shihezi Development Zone", "Shihezi"),
        ("Hotan City", "Hotan"),
        ("新疆维吾尔自治区", "Xinjiang Uyghur Autonomous Region"),
    ],
)
def test_places_are_found_in_every_script(address: str, place: str) -> None:
    assert place in {hit.place for hit in find_region_places(address)}


@pytest.mark.parametrize(
    "address", ["Korlandia Street 4, Oslo", "Jiaxing, Zhejiang", "Shenzhen", "Hamilton, Ontario"]
)
def test_places_elsewhere_are_not_found(address: str) -> None:
    assert find_region_places(address) == []


def test_a_name_common_elsewhere_needs_china_or_another_place() -> None:
    assert find_region_places("Aksu Road, Almaty", "KZ") == []
    assert [h.place for h in find_region_places("Aksu Road", "CN")] == ["Aksu"]
    assert {h.place for h in find_region_places("Aksu, Xinjiang", "")} == {
        "Xinjiang Uyghur Autonomous Region",
        "Aksu",
    }


def test_the_table_names_each_place_once_with_its_level() -> None:
    places = region_places()
    names = [p.name for p in places]
    assert len(names) == len(set(names)) > 50
    assert all(p.level and p.names for p in places)
