"""Company resolution on seeded records with realistic perturbations: ctip beside Splink.

Generates `--companies` companies (seeded), each seen one to four times by two sources, the
copies perturbed the way trade and registry data perturb them: the company form written in
another way or language (Ltd / Limited / Co., Ltd.; GmbH; S.A.; OOO; Sp. z o.o.), common
abbreviations (International / Intl, Manufacturing / Mfg), a typo, words reordered, a
transliteration variant (sh / sch, ks / x, i / y), an address variant (Street / St.,
Road / Rd, the number moved). Many companies share a place word and an industry word, as
real ones do ("Xinjiang ... Textile Co. Ltd").

Runs `ctip.resolve.pipeline.resolve_records(kind=ORGANISATION)` and, as the peer, Splink
with its library comparisons at their defaults on the whole name, address and city (u by
random sampling, prior from exact names, m by EM), and prints pairwise precision, recall,
F1 and time for each.

    .venv/bin/python -m benchmarks.resolve_companies [--companies N] [--no-peer]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from ctip.resolve import engine, pipeline
from ctip.resolve.pipeline import Kind
from ctip.resolve.records import ResolveRecord, record_from_row

SEED = 20261203
SYLLABLES = "da qo hua fu xin jia ming tai lo ve ra ko mer id san tos ber gal an ni vo".split()  # noqa: SIM905
PLACES = "xinjiang hotan shenzhen ningbo lagos izmir dhaka karachi tianjin penang".split()  # noqa: SIM905
INDUSTRIES = "textile cotton garment silicon solar fishing logistics trading apparel".split()  # noqa: SIM905
FORMS = [
    ("Co., Ltd.", "Company Limited", "Co Ltd"),
    ("Limited", "Ltd", "Ltd."),
    ("GmbH", "G.m.b.H.", "Gesellschaft mit beschränkter Haftung"),
    ("S.A.", "SA", "Sociedad Anonima"),
    ("OOO", "LLC", "O.O.O."),
    ("Sp. z o.o.", "Sp z oo", "Spolka z ograniczona odpowiedzialnoscia"),
    ("Inc.", "Incorporated", "Inc"),
]
ABBREVIATIONS = {
    "international": "intl",
    "manufacturing": "mfg",
    "industrial": "ind",
    "company": "co",
    "trading": "trdg",
}
TRANSLITERATIONS = (("sh", "sch"), ("ks", "x"), ("i", "y"), ("u", "ou"), ("zh", "j"))
STREETS = (("Street", "St."), ("Road", "Rd"), ("Avenue", "Ave"), ("District", "Dist."))


@dataclass(frozen=True)
class Company:
    """A true company: its parts, so copies can be perturbed part by part."""

    key: str
    brand: str
    place: str
    industry: str
    extra: str
    forms: tuple[str, str, str]
    number: int
    street: tuple[str, str]
    city: str


def _brand(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def company(rng: random.Random, key: int) -> Company:
    """One true company; about half carry a place word many others share."""
    return Company(
        key=f"c{key}",
        brand=_brand(rng),
        place=rng.choice(PLACES).capitalize() if rng.random() < 0.5 else "",
        industry=rng.choice(INDUSTRIES).capitalize(),
        extra=rng.choice(["", "", "International", "Manufacturing", "Industrial"]),
        forms=rng.choice(FORMS),
        number=rng.randint(1, 999),
        street=rng.choice(STREETS),
        city=rng.choice(PLACES).capitalize(),
    )


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.4:
        return word[:i] + word[i + 1 :]
    if kind < 0.7:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice("aeiourn") + word[i + 1 :]


def _transliterate(rng: random.Random, word: str) -> str:
    for a, b in rng.sample(TRANSLITERATIONS, len(TRANSLITERATIONS)):
        if a in word.lower():
            return word.lower().replace(a, b, 1).capitalize()
    return word


def name_variant(rng: random.Random, c: Company, first: bool) -> str:
    """The company's name as one source wrote it."""
    brand, extra = c.brand, c.extra
    form = c.forms[0] if first else rng.choice(c.forms)
    words = [w for w in (c.place, brand, extra, c.industry) if w]
    if not first:
        roll = rng.random()
        if roll < 0.25:
            words = [_typo(rng, w) if w == brand else w for w in words]
        elif roll < 0.4:
            words = [_transliterate(rng, w) if w == brand else w for w in words]
        if rng.random() < 0.3 and extra:
            words = [ABBREVIATIONS.get(w.lower(), w) for w in words]
        if rng.random() < 0.2 and c.place:
            words = [*words[1:], f"({c.place})"]
        if rng.random() < 0.15 and c.place:
            words = [w for w in words if w != c.place]
    return " ".join([*words, form])


def address_variant(rng: random.Random, c: Company, first: bool) -> str:
    """The company's street address as one source wrote it."""
    long, short = c.street
    street = f"{c.brand} {long if first or rng.random() < 0.5 else short}"
    if not first and rng.random() < 0.3:
        return f"{street} {c.number}"
    return f"{c.number} {street}"


def generate(count: int, seed: int = SEED) -> tuple[list[ResolveRecord], dict[str, str]]:
    """Records from two sources and each record's true company."""
    rng = random.Random(seed)
    records: list[ResolveRecord] = []
    truth: dict[str, str] = {}
    for key in range(count):
        c = company(rng, key)
        for copy in range(rng.choice((1, 1, 2, 2, 3, 4))):
            record_id = f"{c.key}-{copy}"
            raw = {
                "id": record_id,
                "name": name_variant(rng, c, copy == 0),
                "address": address_variant(rng, c, copy == 0) if rng.random() < 0.8 else "",
                "city": c.city if rng.random() < 0.7 else "",
                "source": "registry" if copy % 2 == 0 else "customs",
            }
            records.append(record_from_row(raw, "bench"))
            truth[record_id] = c.key
    rng.shuffle(records)
    return records, truth


@dataclass(frozen=True)
class Score:
    """Pairwise quality against the planted truth."""

    precision: float
    recall: float
    f1: float
    found: int
    real: int


def _pairs(groups: Iterable[Sequence[str]]) -> set[tuple[str, str]]:
    return {pair for group in groups for pair in combinations(sorted(group), 2)}


def score(predicted: Mapping[str, str], truth: Mapping[str, str]) -> Score:
    """Pairwise precision, recall and F1 of a record -> cluster map."""
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
    return Score(precision, recall, f1, len(found), len(real))


def splink_defaults(records: Sequence[ResolveRecord]) -> dict[str, str]:
    """The peer: Splink's library comparisons at their defaults on the whole name."""
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="id",
        comparisons=[
            cl.JaroWinklerAtThresholds("name"),
            cl.LevenshteinAtThresholds("address"),
            cl.ExactMatch("city"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("substr(name, 1, 4)"),
            block_on("address"),
            block_on("city", "substr(address, 1, 3)"),
        ],
    )
    db_api = DuckDBAPI()
    table = db_api.register(engine.records_table(records), table_name="companies")
    linker = Linker(table, settings)
    linker.training.estimate_probability_two_random_records_match([block_on("name")], recall=0.5)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e5, seed=1)
    for rule in (block_on("city"), block_on("substr(name, 1, 4)")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    frame = linker.inference.predict(threshold_match_probability=engine.DEFAULT_THRESHOLD)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        frame, engine.DEFAULT_THRESHOLD
    )
    return {str(r["id"]): str(r["cluster_id"]) for r in clusters.as_record_list()}


def _line(label: str, result: Score, seconds: float) -> str:
    return (
        f"{label:<22} precision {result.precision:.4f}  recall {result.recall:.4f}  "
        f"F1 {result.f1:.4f}  ({result.found:,} pairs found, {result.real:,} true)  "
        f"{seconds:.1f} s"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Generate, resolve with ctip and with the peer, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--companies", type=int, default=5000)
    parser.add_argument("--no-peer", action="store_true")
    args = parser.parse_args(argv)
    records, truth = generate(args.companies)
    print(f"{len(records):,} records of {args.companies:,} companies (seed {SEED})")
    started = time.perf_counter()
    ours = pipeline.resolve_records(records, kind=Kind.ORGANISATION)
    print(_line("ctip organisations", score(ours.assignment, truth), time.perf_counter() - started))
    started = time.perf_counter()
    person = pipeline.resolve_records(records, kind=Kind.PERSON)
    print(
        _line("ctip person model", score(person.assignment, truth), time.perf_counter() - started)
    )
    if not args.no_peer:
        started = time.perf_counter()
        peer = splink_defaults(records)
        print(_line("Splink defaults", score(peer, truth), time.perf_counter() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
