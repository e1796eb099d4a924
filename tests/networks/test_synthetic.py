"""The synthetic generator: seeded, invented, with the structure the literature describes."""

from __future__ import annotations

from collections import Counter

from ctip.networks.ads import validate_ad
from ctip.networks.synthetic import generate


def test_same_seed_same_world_other_seed_other_world() -> None:
    assert generate(200, 3, seed=5).ads == generate(200, 3, seed=5).ads
    assert generate(200, 3, seed=5).ads != generate(200, 3, seed=6).ads


def test_every_ad_is_valid_and_invented() -> None:
    world = generate(300, 4, seed=3)
    for row in world.ads:
        ad = validate_ad(row)
        assert ad.site.endswith(".example")
    assert len(world.truth) == len(world.ads) >= 300
    assert len(world.networks) == 4


def test_planted_networks_travel_and_rotate_phones() -> None:
    world = generate(400, 4, seed=9)
    by_key = {f"{r['site']}/{r['ad_id']}": r for r in world.ads}
    for keys in world.networks.values():
        cities = {by_key[k]["location"] for k in keys}
        assert len(cities) >= 3
        stated = Counter(p for k in keys for p in by_key[k]["phones"])
        assert stated and max(stated.values()) >= 2
