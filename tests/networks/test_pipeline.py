"""The chunked pipeline the benchmark times: the same answers as the product's functions."""

from __future__ import annotations

import numpy as np

from ctip.networks.ads import read_ad, validate_ad
from ctip.networks.evaluate import pairwise_score
from ctip.networks.linking import NetworkBuilder, Signer, grouped, identifier_tag, link_ads
from ctip.networks.pipeline import read_chunk
from ctip.networks.synthetic import generate


def test_a_read_chunk_holds_what_reading_each_ad_gives() -> None:
    world = generate(ads=300, networks=4, seed=9)
    chunk = read_chunk(world.ads)
    ads = [validate_ad(row) for row in world.ads]
    reads = [read_ad(ad) for ad in ads]
    assert chunk.keys == [ad.key for ad in ads]
    assert chunk.tags == [sorted(identifier_tag(*i) for i in read.identifiers()) for read in reads]
    assert np.allclose(chunk.scores, [read.score.score for read in reads])
    signatures = Signer().sign_many([ad.text for ad in ads])
    assert (chunk.signatures.signed == signatures.signed).all()
    assert (chunk.signatures.values == signatures.values).all()


def test_the_pipeline_finds_the_networks_the_product_finds() -> None:
    world = generate(ads=3000, networks=15, seed=12)
    builder = NetworkBuilder()
    keys: list[str] = []
    for start in range(0, len(world.ads), 700):
        chunk = read_chunk(world.ads[start : start + 700])
        builder.add(range(len(keys), len(keys) + len(chunk)), chunk.tags, chunk.signatures)
        keys.extend(chunk.keys)
    networks = builder.finish()
    groups = [[keys[row] for row in rows] for rows in grouped(networks.labels)]
    ads = [validate_ad(row) for row in world.ads]
    _, product = link_ads([read_ad(ad).signals(i) for i, ad in enumerate(ads)])
    assert sorted(map(sorted, groups)) == sorted(sorted(ads[i].key for i in g) for g in product)
    result = pairwise_score(groups, world.truth)
    assert result.precision >= 0.95 and result.recall >= 0.95
