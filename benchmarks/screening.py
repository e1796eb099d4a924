"""Screening benchmark: synthetic import entry lines against a synthetic forced-labour list.

Builds (deterministically, from one seed) a list of at least 10,000 listed parties with
aliases, shaped like the UFLPA Entity List and WRO parties: Chinese companies in pinyin
with their Han name as an alias ("Xinjiang Huafu Textile Co., Ltd." / "新疆华孚纺织有限公司"),
other companies, and persons in Latin and Cyrillic. Then entry lines with three parties
each (importer, manufacturer, seller); a share of the lines carry one party that is a
perturbation of a listed party (a typo, another word order, another company form, the
Chinese or Latin form, an alias, upper case), the planted matches. Parties repeat across
lines as importers do in real entry data.

Prints lines per second on one core (CPU time of this process, so that other work on
the machine does not distort it), peak memory, recall and precision on the planted
matches for ctip; the same for nomenklatura's logic-v2 over the same candidates (on a
sample of lines: it is much slower), as ratios; and the name_bench figures of both.

    .venv/bin/python -m benchmarks.screening            # 100,000 lines
    .venv/bin/python -m benchmarks.screening --lines 5000
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import permutations
from pathlib import Path

import numpy as np
from rigour.text import ascii_text

from benchmarks.synthetic import WORDS
from ctip.matching.index import DEFAULT_LIMIT, CandidateIndex
from ctip.matching.scoring import score
from ctip.matching.types import ListEntry, MatchQuery

# Characters common in Chinese company brand names; their pinyin is computed, not listed.
BRAND_CHARS = (
    "华孚恒达金星宏远永盛鑫源天成东方泰隆瑞丰昌荣兴旺利康新宇嘉信佳德明光辉海南北中"
    "安平和祥福云龙凤鹏飞长江山峰林森春秋亿万通博伟业豪胜凯创锦绣美丽富贵宝"
    "顺发鸿运昊宸睿晟泽润益誉卓越聚鼎汇辰铭轩峻岳晨阳夏信实仁义礼智勇诚正大同乐谐开元振威腾跃"
)
FORM_VARIANTS = {
    "Co., Ltd.": ["Company Limited", "Co Ltd", "CO.,LTD", "Limited", ""],
    "Ltd": ["Limited", "Ltd.", ""],
    "LLC": ["L.L.C.", "Limited Liability Company", ""],
    "Inc.": ["Incorporated", "Inc", ""],
    "GmbH": ["G.m.b.H.", ""],
}
LEGAL_FORMS = list(FORM_VARIANTS)
PLANTED_SHARE = 0.05  # lines with a listed party among their three
DISTINCT_PARTIES = 30_000  # unlisted parties, reused across lines like real importers
PEER_LINES = 2_000
PERSON_DRAWS = 20_000  # draws of a listed person that all give namesakes: none is left
NAME_BENCH = Path(__file__).parents[2] / "shared/data/name_matching/name_bench_cases.csv"


@dataclass(frozen=True)
class Party:
    """A party of an entry line and, when planted, the list entry it stands for."""

    query: MatchQuery
    planted: str | None


def pinyin(chars: str) -> str:
    """Joined, capitalised pinyin of a Han word ("华孚" -> "Huafu")."""
    return "".join(ascii_text(chars).split()).capitalize()


def chinese_company(rng: random.Random, brand: str) -> tuple[str, str]:
    """A Chinese company's Latin name and its Han name."""
    place = rng.choice(WORDS["chinese_places"])
    trade = rng.choice(WORDS["chinese_trades"])
    han = f"{place}{brand}{trade}{rng.choice(WORDS['chinese_forms'])}"
    trade_en = WORDS["industries"][WORDS["chinese_trades"].index(trade) % 30]
    latin = f"{pinyin(place)} {pinyin(brand)} {trade_en} Co., Ltd."
    return latin, han


def other_company(rng: random.Random, brand: str) -> str:
    """A company outside China: brand, industry, legal form."""
    words = [brand, rng.choice(WORDS["industries"]), rng.choice(LEGAL_FORMS)]
    if rng.random() < 0.4:
        words.insert(0, rng.choice(WORDS["brand_words"]))
    return " ".join(words)


def person(rng: random.Random, listed: bool) -> tuple[str, tuple[str, ...]]:
    """A person in Latin (with a middle name) or in Cyrillic with its Latin spelling.

    Listed and unlisted persons take surnames from two halves of the vocabulary: the
    vocabulary is small, and a namesake of a listed person is a true hit, not a planted
    non-match.
    """
    half = 0 if listed else 1
    if rng.random() < 0.6:
        first, middle = rng.sample(WORDS["latin_first"], 2)
        last = " ".join(rng.sample(WORDS["latin_last"][half::2], 2))
        return f"{first} {middle} {last}", (f"{last.upper()}, {first}",)
    first = rng.choice(WORDS["cyrillic_first"])
    last = rng.choice(WORDS["cyrillic_last"][half::2])
    return f"{first} {last}", (ascii_text(f"{first} {last}"),)


def namesake_keys(name: str) -> set[str]:
    """Keys under which two listed persons would be namesakes: each given name with the
    surnames ("LAST, first" aliases drop the middle name, and a middle name may be the
    one a person goes by), so that no perturbation of one reads as another."""
    words = ascii_text(name).lower().split()
    split = -2 if len(words) > 2 else 1
    given, surnames = words[:split], words[split:]
    return {" ".join([g, *sorted(surnames)]) for g in given}


def brand_chars(listed: bool) -> str:
    """Half of the brand characters, split by pinyin syllable so that listed and
    unlisted brands never share a syllable: an unlisted party one typo away from a
    listed one could not be told from a planted typo, by any matcher."""
    syllables = sorted({ascii_text(c) for c in dict.fromkeys(BRAND_CHARS)})
    mine = set(syllables[0 if listed else 1 :: 2])
    return "".join(c for c in dict.fromkeys(BRAND_CHARS) if ascii_text(c) in mine)


def brand_capacity(listed: bool) -> int:
    """How many brands `brands` can draw: the distinct pinyin spellings of two or three
    different brand characters (67,055 listed, 67,300 unlisted)."""
    syllables = ["".join(ascii_text(c).split()) for c in brand_chars(listed)]
    return len({"".join(p).capitalize() for size in (2, 3) for p in permutations(syllables, size)})


def brands(rng: random.Random, count: int, listed: bool) -> list[str]:
    """Han brands of two or three characters, distinct in pinyin too: two brands that
    read the same (勇瑞 and 永瑞, both "Yongrui") give namesakes in Latin letters, and a
    query matching both is right twice, not wrong once.

    Asked for more than there are (`brand_capacity`), it stops with the maximum instead
    of drawing for ever."""
    capacity = brand_capacity(listed)
    if count > capacity:
        kind = "listed" if listed else "unlisted"
        raise SystemExit(
            f"the generator makes at most {capacity:,} distinct {kind} brands; "
            f"{count:,} were asked for (use benchmarks.screening.write_large_list for more)"
        )
    chars = brand_chars(listed)
    seen: dict[str, str] = {}
    while len(seen) < count:
        size = 2 if rng.random() < 0.7 else 3
        brand = "".join(rng.sample(chars, size))
        seen.setdefault(pinyin(brand), brand)
    return sorted(seen.values())


def build_list(rng: random.Random, size: int, pool: list[str]) -> list[ListEntry]:
    """The listed parties: 60% Chinese companies, 25% other companies, 15% persons."""
    entries: list[ListEntry] = []
    persons: set[str] = set()  # namesake keys of the persons listed so far
    for number, brand in enumerate(pool[:size]):
        kind = rng.random()
        entry_id = f"L{number:05d}"
        if kind < 0.6:
            latin, han = chinese_company(rng, brand)
            entries.append(ListEntry("bench", "1", entry_id, "Company", latin, (han,), ("cn",)))
        elif kind < 0.85:
            name = other_company(rng, pinyin(brand))
            entries.append(ListEntry("bench", "1", entry_id, "Company", name))
        else:
            name, aliases = _new_person(rng, persons, entries)
            persons.update(namesake_keys(name))
            entries.append(ListEntry("bench", "1", entry_id, "Person", name, aliases))
    return entries


def _new_person(
    rng: random.Random, persons: set[str], listed: list[ListEntry]
) -> tuple[str, tuple[str, ...]]:
    """A listed person who is no namesake of one listed before (namesakes are true hits,
    not planted ones); stops with the maximum once PERSON_DRAWS draws in a row fail (the
    vocabulary gives about 12,900 such persons)."""
    for _ in range(PERSON_DRAWS):
        name, aliases = person(rng, listed=True)
        if not persons & namesake_keys(name):
            return name, aliases
    raise SystemExit(
        f"the generator found no new listed person in {PERSON_DRAWS:,} draws: it makes at "
        f"most about {sum(e.schema == 'Person' for e in listed):,} persons who are not "
        "namesakes (15% of a list); use benchmarks.screening.write_large_list for more"
    )


@dataclass(frozen=True)
class LargeList:
    """A generated list written to a CSV file: its path and each entry's name and alias,
    kept to draw queries from (listed names and their perturbations)."""

    path: Path
    names: list[str]
    aliases: list[str]


def _syllables(listed: bool) -> tuple[list[str], list[str]]:
    """One Han character per pinyin syllable of the listed (or unlisted) brand characters,
    with its capitalised pinyin: brands made of them read one way in Latin letters."""
    chars: dict[str, str] = {}
    for char in brand_chars(listed):
        chars.setdefault(pinyin(char), char)
    return list(chars.values()), list(chars)


def _brand_codes(rng: np.random.Generator, size: int, base: int) -> list[list[int]]:
    """`size` distinct brands, each a list of 2-5 syllable numbers (mostly 3 and 4)."""
    found: list[list[int]] = []
    seen: set[bytes] = set()
    while len(found) < size:
        want = int((size - len(found)) * 1.2) + 16
        lengths = rng.choice([2, 3, 4, 5], size=want, p=[0.05, 0.35, 0.45, 0.15])
        digits = rng.integers(0, base, size=(want, 5), dtype=np.uint8)
        for length, row in zip(lengths.tolist(), digits, strict=True):
            code = row[:length].tobytes()
            if code not in seen:
                seen.add(code)
                found.append(row[:length].tolist())
                if len(found) == size:
                    break
    return found


def write_large_list(path: Path, size: int, seed: int) -> LargeList:
    """A watchlist CSV of `size` entries (id, name, aliases, schema, country) written
    straight to `path`, drawn with numpy from one seed: a million entries in seconds.

    The same shape as `build_list` (60% Chinese companies with their Han name as an
    alias, 25% other companies, 15% persons with a "LAST, first" alias), with brands of
    two to five syllables so that a million of them are distinct; persons may be
    namesakes, as on real lists of that size."""
    rng = np.random.default_rng(seed)
    han, latin = _syllables(listed=True)
    codes = _brand_codes(rng, size, len(han))
    kinds = rng.random(size)
    picks = rng.integers(0, 1 << 30, size=(size, 6)).tolist()
    names, aliases = [], []
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "name", "aliases", "schema", "country"])
        for number, (code, kind, pick) in enumerate(zip(codes, kinds.tolist(), picks, strict=True)):
            brand_han = "".join(han[c] for c in code)
            brand = "".join(latin[c] for c in code).capitalize()
            name, alias, schema, country = _large_entry(kind, pick, brand, brand_han)
            writer.writerow([f"L{number:07d}", name, alias, schema, country])
            names.append(name)
            aliases.append(alias)
    return LargeList(path, names, aliases)


def _large_entry(kind: float, pick: list[int], brand: str, brand_han: str) -> tuple[str, ...]:
    """One entry's name, alias, schema and country from its kind and random picks."""

    def word(group: str, at: int) -> str:
        values = WORDS[group]
        return str(values[pick[at] % len(values)])

    if kind < 0.6:
        trade = pick[1] % len(WORDS["chinese_trades"])
        place_han = word("chinese_places", 0)
        han = f"{place_han}{brand_han}{WORDS['chinese_trades'][trade]}{word('chinese_forms', 2)}"
        latin = f"{pinyin(place_han)} {brand} {WORDS['industries'][trade % 30]} Co., Ltd."
        return latin, han, "Company", "cn"
    if kind < 0.85:
        words = [brand, word("industries", 1), LEGAL_FORMS[pick[2] % len(LEGAL_FORMS)]]
        if pick[3] % 10 < 4:
            words.insert(0, word("brand_words", 4))
        return " ".join(words), "", "Company", ""
    first, middle = word("latin_first", 0), word("latin_first", 1)
    last = f"{word('latin_last', 2)} {word('latin_last', 3)}"
    if pick[4] % 10 < 6:
        return f"{first} {middle} {last}", f"{last.upper()}, {first}", "Person", ""
    name = f"{word('cyrillic_first', 0)} {word('cyrillic_last', 2)}"
    return name, ascii_text(name), "Person", "ru"


def typo(rng: random.Random, text: str) -> str:
    """One keystroke error in the longest word: substitution, deletion, insertion or swap."""
    words = text.split()
    target = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[target]
    at = rng.randrange(1, max(2, len(word) - 1))
    letter = rng.choice("aeiounrst")
    edits = [
        word[:at] + letter + word[at + 1 :],
        word[:at] + word[at + 1 :],
        word[:at] + letter + word[at:],
        word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :] if at < len(word) else word,
    ]
    words[target] = rng.choice(edits)
    return " ".join(words)


def other_form(rng: random.Random, text: str) -> str:
    """The same company under another spelling of its legal form, or none."""
    for form, variants in FORM_VARIANTS.items():
        if text.endswith(form):
            return (text[: -len(form)] + rng.choice(variants)).strip()
    return text


def reorder(rng: random.Random, entry: ListEntry) -> str:
    """Words in another order: a person surname first, a company's place in brackets
    after its trade ("Huafu Textile (Xinjiang) Co., Ltd."), or its first word last."""
    words = entry.name.split()
    if entry.schema == "Person":
        return f"{words[-1]}, {' '.join(words[:-1])}"
    form = next((f for f in FORM_VARIANTS if entry.name.endswith(f)), "")
    body = entry.name[: len(entry.name) - len(form)].split()
    moved = " ".join([*body[1:], f"({body[0]})" if rng.random() < 0.5 else body[0]])
    return other_form(rng, f"{moved} {form}".strip())


PERTURBATIONS: dict[str, Callable[[random.Random, ListEntry], str]] = {
    "typo": lambda rng, e: typo(rng, e.name),
    "company form": lambda rng, e: other_form(rng, e.name),
    "word order": reorder,
    "script": lambda rng, e: e.aliases[0] if e.aliases else ascii_text(e.name),
    "alias typo": lambda rng, e: typo(rng, e.aliases[0]) if e.aliases else typo(rng, e.name),
    "upper case": lambda rng, e: e.name.upper().replace(",", "").replace(".", ""),
}


def planted_party(rng: random.Random, entry: ListEntry, line: int) -> Party:
    """A perturbed listed party, remembered as the entry it stands for."""
    kind = rng.choice(list(PERTURBATIONS))
    name = PERTURBATIONS[kind](rng, entry)
    query = MatchQuery(f"{line}:planted:{kind}", name, "LegalEntity")
    return Party(query, entry.entry_id)


def unlisted_parties(rng: random.Random, pool: list[str]) -> list[MatchQuery]:
    """Parties on no list, drawn from the same vocabulary (same places, trades, forms)."""
    parties = []
    for number, brand in enumerate(pool[:DISTINCT_PARTIES]):
        kind = rng.random()
        if kind < 0.55:
            name = chinese_company(rng, brand)[rng.random() < 0.2]
        elif kind < 0.95:  # entry parties are firms; a few sole traders
            name = other_company(rng, pinyin(brand))
        else:
            name = person(rng, listed=False)[0]
        parties.append(MatchQuery(f"party{number}", name, "LegalEntity"))
    return parties


def entry_lines(
    rng: random.Random, count: int, listed: list[ListEntry], parties: list[MatchQuery]
) -> list[list[Party]]:
    """Entry lines of three parties; a share carry one planted listed party."""
    lines = []
    for line in range(count):
        three = [Party(p, None) for p in rng.choices(parties, k=3)]
        if rng.random() < PLANTED_SHARE:
            three[rng.randrange(3)] = planted_party(rng, rng.choice(listed), line)
        lines.append(three)
    return lines


@dataclass
class Outcome:
    """What one matcher found on the planted matches, and how fast."""

    name: str
    lines: int
    seconds: float
    planted: int = 0
    found: int = 0
    reported: int = 0
    correct: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.planted if self.planted else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.reported if self.reported else 1.0

    @property
    def rate(self) -> float:
        return self.lines / self.seconds if self.seconds else 0.0


Matcher = Callable[[MatchQuery, list[ListEntry], CandidateIndex], list[str]]


def run(name: str, lines: Sequence[list[Party]], index: CandidateIndex, match: Matcher) -> Outcome:
    """Screen every party of every line; count planted found and matches reported."""
    outcome = Outcome(name, len(lines), 0.0)
    memo: dict[MatchQuery, list[str]] = {}
    start = time.process_time()
    for line in lines:
        for party in line:
            hits = memo.get(party.query)
            if hits is None:
                hits = match(party.query, candidates(index, party.query), index)
                memo[party.query] = hits
            _tally(outcome, party, hits)
    outcome.seconds = time.process_time() - start
    return outcome


def candidates(index: CandidateIndex, query: MatchQuery) -> list[ListEntry]:
    """The candidates `ctip.matching.index.screen` scores; both matchers see exactly these."""
    return index.to_score(query, DEFAULT_LIMIT)


def _tally(outcome: Outcome, party: Party, hits: list[str]) -> None:
    """A hit is correct when it is the listed entry the party was planted from."""
    outcome.planted += party.planted is not None
    outcome.found += party.planted in hits
    outcome.reported += len(hits)
    outcome.correct += sum(1 for hit in hits if hit == party.planted)


def ctip_matcher(
    query: MatchQuery, candidates: list[ListEntry], index: CandidateIndex
) -> list[str]:
    """ctip's scorer over the candidates, with the list's word rarity."""
    return [e.entry_id for e in candidates if score(query, e, rarity=index.rarity).is_match]


def nomenklatura_matcher() -> Matcher:
    """nomenklatura's logic-v2 over the same candidates, at its 0.7 threshold."""
    from followthemoney import EntityProxy, model
    from nomenklatura.matching import LogicV2
    from nomenklatura.matching.types import ScoringConfig

    config = ScoringConfig.defaults()

    def entity(
        entity_id: str, schema: str, names: Iterable[str], countries: Sequence[str]
    ) -> EntityProxy:
        proxy = model.make_entity(schema)
        proxy.id = entity_id
        proxy.add("name", list(names))
        proxy.add("country", list(countries))
        return proxy

    def match(query: MatchQuery, candidates: list[ListEntry], _: CandidateIndex) -> list[str]:
        left = entity(query.query_id, query.schema, [query.name], query.countries)
        hits = []
        for e in candidates:
            right = entity(e.entry_id, e.schema, e.all_names, e.countries)
            if LogicV2.compare(left, right, config).score >= 0.7:
                hits.append(e.entry_id)
        return hits

    return match


def name_bench(path: Path) -> dict[str, tuple[float, float]]:
    """F1 of ctip and of logic-v2 on the labelled name pairs, overall and per schema."""
    from followthemoney import model
    from nomenklatura.matching import LogicV2
    from nomenklatura.matching.types import ScoringConfig

    config = ScoringConfig.defaults()
    counts: dict[str, list[int]] = {}
    with path.open(encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle)):
            query = MatchQuery(str(number), row["name1"], row["schema"])
            entry = ListEntry("bench", "1", str(number), row["schema"], row["name2"])
            ours = score(query, entry).is_match
            left, right = model.make_entity(row["schema"]), model.make_entity(row["schema"])
            left.id, right.id = f"q{number}", f"r{number}"
            left.add("name", row["name1"])
            right.add("name", row["name2"])
            theirs = LogicV2.compare(left, right, config).score >= 0.7
            truth = row["is_match"] == "true"
            for key in ("all", row["schema"]):
                tally = counts.setdefault(key, [0] * 6)
                for offset, predicted in ((0, ours), (3, theirs)):
                    tally[offset] += predicted and truth
                    tally[offset + 1] += predicted and not truth
                    tally[offset + 2] += truth and not predicted
    return {k: (_f1(*v[:3]), _f1(*v[3:])) for k, v in counts.items()}


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def print_outcome(outcome: Outcome) -> None:
    print(
        f"{outcome.name:<22} {outcome.lines:>7} lines {outcome.rate:>9.0f} lines/s  "
        f"recall {outcome.recall:.3f} ({outcome.found}/{outcome.planted})  "
        f"precision {outcome.precision:.3f} ({outcome.correct}/{outcome.reported})"
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000, help="entry lines to screen")
    parser.add_argument("--listed", type=int, default=10_000, help="listed parties")
    parser.add_argument("--peer-lines", type=int, default=PEER_LINES, help="lines for logic-v2")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--name-bench", type=Path, default=NAME_BENCH, help="labelled name pairs")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    rng = random.Random(args.seed)
    listed_brands = brands(rng, args.listed, listed=True)
    other_brands = brands(rng, DISTINCT_PARTIES, listed=False)
    rng.shuffle(listed_brands)
    rng.shuffle(other_brands)
    listed = build_list(rng, args.listed, listed_brands)
    parties = unlisted_parties(rng, other_brands)
    lines = entry_lines(rng, args.lines, listed, parties)
    aliases = sum(len(e.aliases) for e in listed)
    print(f"list: {len(listed)} parties, {aliases} aliases; {len(lines)} entry lines x 3 parties")
    start = time.perf_counter()
    index = CandidateIndex(listed)
    print(f"index built in {time.perf_counter() - start:.1f} s (rigour's name data loaded)")
    ours = run("ctip", lines, index, ctip_matcher)
    print_outcome(ours)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak memory {peak_kb / 1024:.0f} MB")
    sample = lines[: args.peer_lines]
    ours_sample = run("ctip (sample)", sample, index, ctip_matcher)
    theirs = run("nomenklatura logic-v2", sample, index, nomenklatura_matcher())
    print_outcome(ours_sample)
    print_outcome(theirs)
    print(f"speed ratio ctip / logic-v2 on the sample: {ours_sample.rate / theirs.rate:.1f}x")
    targets = [
        ("lines/s >= 2000", ours.rate >= 2000),
        ("recall >= 0.98", ours.recall >= 0.98),
        ("precision >= 0.95", ours.precision >= 0.95),
        ("memory < 1 GB", peak_kb < 1024 * 1024),
    ]
    if args.name_bench.exists():
        print("name_bench F1 (ctip / logic-v2):")
        for key, (mine, peer) in sorted(name_bench(args.name_bench).items()):
            print(f"  {key:<14} {mine:.3f} / {peer:.3f}")
    for label, ok in targets:
        print(f"target {label}: {'met' if ok else 'NOT MET'}")
    return 0 if all(ok for _, ok in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
