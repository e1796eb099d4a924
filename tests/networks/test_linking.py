"""Linking in memory: identifier and text links, stable ids, accuracy against planted truth."""

from __future__ import annotations

import numpy as np

from ctip.networks.ads import read_ad, validate_ad
from ctip.networks.evaluate import pairwise_score
from ctip.networks.extract import fold
from ctip.networks.linking import (
    MIN_SHINGLES,
    TEXT_THRESHOLD,
    AdSignals,
    NetworkBuilder,
    Signer,
    build_networks_of,
    components,
    identifier_links,
    identifier_tag,
    link_ads,
    near_duplicates,
    shingles,
    text_links,
)
from ctip.networks.service import assign_ids
from ctip.networks.synthetic import generate

TEMPLATE = (
    "Hi guys this is {name}, tiny sweet girl new to this. Touring {city} now, next stop "
    "coming soon. Available 24 hours, cashapp deposit first, roses only. My playful smile "
    "will delight you, I enjoy long walks and good music, upscale clients only, no rush, "
    "incall only near the airport, text my manager to book, discretion assured always."
)


def test_identifier_links_are_stars_with_the_shared_value() -> None:
    ads = [
        AdSignals(1, frozenset({("phone", "+1")}), ""),
        AdSignals(2, frozenset({("phone", "+1"), ("email", "a@b.co")}), ""),
        AdSignals(3, frozenset({("email", "a@b.co")}), ""),
    ]
    links = identifier_links(ads)
    assert [(k.a, k.b, k.kind) for k in links] == [(1, 2, "phone"), (2, 3, "email")]
    assert components([1, 2, 3, 4], links) == [[1, 2, 3], [4]]


def test_a_filled_in_template_links_but_different_ads_do_not() -> None:
    ads = [
        AdSignals(1, frozenset(), TEMPLATE.format(name="Mia", city="Houston")),
        AdSignals(2, frozenset(), TEMPLATE.format(name="Jade", city="Dallas")),
        AdSignals(
            3,
            frozenset(),
            "Classy companion for dinner dates, serious gentlemen only, "
            "rates from 300 per hour, no blocked calls, discretion assured always",
        ),
    ]
    links = text_links(ads)
    assert [(k.a, k.b, k.kind) for k in links] == [(1, 2, "text")]
    assert links[0].similarity is not None and links[0].similarity >= 0.5


def test_split_gives_the_old_id_to_the_larger_part() -> None:
    previous = {"net-old": {1, 2, 3, 4, 5}}
    ids, replaced = assign_ids(
        [[1, 2, 3], [4, 5]], previous, {"net-old": "2026-01-01"}, str, {"net-old"}
    )
    assert ids[0] == "net-old" and ids[1] != "net-old"
    assert replaced == {}


def test_merge_keeps_the_oldest_id() -> None:
    previous = {"net-b": {1, 2}, "net-a": {3, 4}}
    created = {"net-a": "2026-01-01", "net-b": "2026-02-01"}
    ids, replaced = assign_ids([[1, 2, 3, 4]], previous, created, str, set(previous))
    assert ids == ["net-a"]
    assert replaced == {"net-b": "net-a"}


def test_accuracy_against_the_planted_truth_at_a_few_thousand_ads() -> None:
    world = generate(ads=4000, networks=20, seed=11)
    ads = [validate_ad(row) for row in world.ads]
    signals = [read_ad(ad).signals(i) for i, ad in enumerate(ads)]
    _, groups = link_ads(signals)
    result = pairwise_score([[ads[i].key for i in g] for g in groups], world.truth)
    print(f"pairwise precision {result.precision:.4f} recall {result.recall:.4f}")
    assert result.precision >= 0.95
    assert result.recall >= 0.95


def test_signer_hashes_exactly_the_shingles() -> None:
    world = generate(ads=800, networks=5, seed=3)
    texts = [f"{row['title']}\n{row['body']}" for row in world.ads]
    texts += [
        "5yo #1 girl 24/7 call \u0663\u0664\u0665 now caf\u00e9 ok, more words to fill it",
        "la la la la la la la la la la la la",
        "short one",
        "",
    ]
    signer = Signer()
    text_of, _ = signer._shingle_hashes([fold(text) for text in texts])
    counts = np.bincount(text_of, minlength=len(texts))
    assert counts.tolist() == [len(shingles(text)) for text in texts]
    signed = signer.sign_many(texts).signed
    assert signed.tolist() == [len(shingles(text)) >= MIN_SHINGLES for text in texts]


def test_each_ad_links_to_at_most_two_earlier_look_alikes() -> None:
    texts = [TEMPLATE.format(name=name, city="Houston") for name in ("Mia", "Jade", "Ivy", "Kim")]
    a, b, likeness = near_duplicates(Signer().sign_many(texts))
    assert all(earlier < later for earlier, later in zip(a, b, strict=True))
    assert np.bincount(b, minlength=4).tolist() == [0, 1, 2, 2]
    assert (likeness >= TEXT_THRESHOLD).all()


def test_chunks_give_the_networks_of_one_batch() -> None:
    world = generate(ads=1500, networks=10, seed=8)
    ads = [validate_ad(row) for row in world.ads]
    signals = [read_ad(ad).signals(i) for i, ad in enumerate(ads)]
    whole = build_networks_of(signals)
    builder, signer = NetworkBuilder(), Signer()
    for start in range(0, len(signals), 97):
        batch = signals[start : start + 97]
        tags = [sorted(identifier_tag(*i) for i in ad.identifiers) for ad in batch]
        builder.add([ad.key for ad in batch], tags, signer.sign_many([ad.text for ad in batch]))
    chunked = builder.finish()
    assert chunked.groups() == whole.groups()
    assert chunked.links() == whole.links()
