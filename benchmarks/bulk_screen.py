"""Bulk screening: a whole `ctip screen` process over 20,000 names, beside nomenklatura.

Issue 9 asks that `ctip screen` of 20,000 names against a list, whole process on one
core, be at least twice as fast as nomenklatura's logic-v2 behind a rapidfuzz top-10
candidate step on the same data, at an equal or better F1; that a 6-name `ctip screen`
against a 100,000-entry list take under 3 s; and that ctip stay at least as good as
before on every schema of `name_bench_cases.csv`.

1. A seeded list (the screening benchmark's generator: Chinese companies in pinyin with
   their Han name as an alias, other companies, persons in Latin or Cyrillic) is written
   as a watchlist CSV and loaded with the real `ctip lists load` into a fresh SQLite store
   (`CTIP_DATABASE_URL`, `CTIP_INDEX_DIR` in a temporary folder); the load builds and
   saves the edition's screening index. A first one-name `ctip screen` is timed apart.
2. Queries with ground truth: a share are perturbations of listed names (typo, company
   form, Han company form, word order, script, alias typo, dropped word, case), the rest
   unlisted look-alikes from the same vocabulary. Half give their schema, half leave it
   blank (LegalEntity), as users do.
3. ctip: `taskset -c CORE ctip screen QUERIES.csv --list bench --out HITS.csv`, a process
   of its own; its wall time, CPU seconds and peak RSS come from `os.wait4` on it.
4. Peer, same data, same core, a process of its own: the list's names and aliases in a
   rapidfuzz `process.extract` (token_set_ratio over `default_process`ed names, limit 10),
   the distinct entries among those 10 scored by nomenklatura's `LogicV2.compare` with
   its default configuration; a match at score >= 0.7 (yente's default threshold, the
   one nomenklatura's own benchmarks use; logic-v2 has no match flag of its own).
5. A query is found when its planted entry is among its matches; every other match is a
   false positive. Prints precision, recall, F1, names/s by wall and by CPU, peak RSS,
   PASS/FAIL for "2x faster at equal or better F1" (on CPU seconds: the wall time of a
   shared machine depends on its neighbours), and the load average.
6. The whole 6-name `ctip screen` against a list of `--six-entries` (6 companies, then a
   mix with persons), each twice in a cold process, and a probe of what rigour's person
   tagger costs on the first person name of a process.
7. name_bench: ctip's and logic-v2's F1 per schema (`benchmarks.screening.name_bench`).

    .venv/bin/python -m benchmarks.bulk_screen                       # 20,000 names, 10,000 listed
    .venv/bin/python -m benchmarks.bulk_screen --queries 2000 --six-entries 10000
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from rigour.text import ascii_text

from benchmarks import screening as generator
from benchmarks.synthetic import WORDS
from ctip.matching.types import ListEntry

LIST_NAME: Final = "bench"
PLANTED_SHARE: Final = 0.3
SCHEMA_GIVEN_SHARE: Final = 0.5
PEER_LIMIT: Final = 10  # rapidfuzz candidates handed to logic-v2
PEER_THRESHOLD: Final = 0.7
SPEED_TARGET: Final = 2.0
SIX_TARGET_S: Final = 3.0
STRICTER_CUTS: Final = (0.8, 0.9)  # the peer's F1 away from its own threshold, for reference
HAN_FORMS: Final[tuple[str, ...]] = tuple(str(f) for f in WORDS["chinese_forms"])


# --- the data -------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """One name to screen and, when planted, the list entry it stands for."""

    query_id: str
    name: str
    schema: str  # "" when the user gave none
    planted: str  # the entry id, "" for an unlisted name
    kind: str  # how it was made: a perturbation, or "unlisted"


def build_list(rng: random.Random, size: int) -> list[ListEntry]:
    """The seeded list of the screening benchmark (60% Chinese companies, 25% other
    companies, 15% persons), brands drawn from the listed half of the vocabulary."""
    pool = generator.brands(rng, size, listed=True)
    rng.shuffle(pool)
    return generator.build_list(rng, size, pool)


def large_list(rng: random.Random, size: int) -> list[ListEntry]:
    """A list shaped as `build_list`'s at any size, for timing only.

    The screening generator's vocabulary runs out at 67,055 listed brands (56 Han
    characters of 41 syllables, brands of two or three, distinct in pinyin) and near
    13,000 listed persons (it refuses namesakes), and then draws for ever; here brands may
    have four characters and persons may be namesakes.
    """
    entries = []
    for number, brand in enumerate(_many_brands(rng, size)):
        entry_id, kind = f"L{number:06d}", rng.random()
        if kind < 0.6:
            latin, han = generator.chinese_company(rng, brand)
            entries.append(ListEntry(LIST_NAME, "1", entry_id, "Company", latin, (han,), ("cn",)))
        elif kind < 0.85:
            name = generator.other_company(rng, generator.pinyin(brand))
            entries.append(ListEntry(LIST_NAME, "1", entry_id, "Company", name))
        else:
            name, aliases = generator.person(rng, listed=True)
            entries.append(ListEntry(LIST_NAME, "1", entry_id, "Person", name, aliases))
    return entries


def _many_brands(rng: random.Random, count: int) -> list[str]:
    """`count` Han brands of two to four listed characters, distinct in pinyin."""
    chars = generator.brand_chars(listed=True)
    seen: dict[str, str] = {}
    while len(seen) < count:
        brand = "".join(rng.sample(chars, rng.choice((2, 3, 3, 4, 4))))
        seen.setdefault(generator.pinyin(brand), brand)
    brands = list(seen.values())
    rng.shuffle(brands)
    return brands


def list_csv(entries: Sequence[ListEntry], path: Path) -> None:
    """The entries as a watchlist CSV `ctip lists load` reads (aliases ";"-separated)."""
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "name", "aliases", "schema", "country"])
        for e in entries:
            writer.writerow(
                [e.entry_id, e.name, ";".join(e.aliases), e.schema, ";".join(e.countries)]
            )


def dropped_word(rng: random.Random, entry: ListEntry) -> str:
    """The name without one word that does not carry it: a person's middle name, a
    company's place or brand prefix (never its brand); a short name loses its form."""
    words = entry.name.split()
    if entry.schema == "Person":
        return " ".join(words[:1] + words[2:]) if len(words) > 2 else entry.name
    form = next((f for f in generator.FORM_VARIANTS if entry.name.endswith(f)), "")
    body = entry.name[: len(entry.name) - len(form)].split()
    if len(body) > 2:
        return " ".join([*body[1:], form]).strip()
    return generator.other_form(rng, entry.name)


def han_form(rng: random.Random, entry: ListEntry) -> str:
    """The Han name under another company form ("有限公司" / "股份有限公司") or none; a
    name without a Han alias gets another Latin form instead."""
    han = next((a for a in entry.aliases if a.endswith(HAN_FORMS)), None)
    if han is None:
        return generator.other_form(rng, entry.name)
    form = max((f for f in HAN_FORMS if han.endswith(f)), key=len)
    others = [f for f in (*HAN_FORMS, "") if f != form]
    return han[: -len(form)] + rng.choice(others)


def transliterated(entry: ListEntry) -> str:
    """The first name not in Latin letters, romanised letter by letter ("新疆华孚纺织有限公司"
    -> "xin jiang hua fu fang zhi you xian gong si"), else the name as written."""
    foreign = next((n for n in entry.all_names if ascii_text(n) != n), entry.name)
    return str(ascii_text(foreign))


PERTURBATIONS: Final[dict[str, Callable[[random.Random, ListEntry], str]]] = {
    **generator.PERTURBATIONS,
    "dropped word": dropped_word,
    "han form": han_form,
    "lower case": lambda rng, e: e.name.lower(),
    "transliterated": lambda rng, e: transliterated(e),
}


def unlisted_name(rng: random.Random, brand: str) -> tuple[str, str]:
    """A party on no list from the same vocabulary (places, trades, forms, surnames)."""
    kind = rng.random()
    if kind < 0.5:
        return generator.chinese_company(rng, brand)[rng.random() < 0.2], "Company"
    if kind < 0.8:
        return generator.other_company(rng, generator.pinyin(brand)), "Company"
    return generator.person(rng, listed=False)[0], "Person"


def build_queries(rng: random.Random, entries: Sequence[ListEntry], count: int) -> list[Query]:
    """`count` distinct query names, PLANTED_SHARE of them perturbed listed names."""
    planted = round(count * PLANTED_SHARE)
    queries = [_planted(rng, entries, number) for number in range(planted)]
    seen = {q.name for q in queries}
    pool = generator.brands(rng, 2 * (count - planted) + 100, listed=False)
    for brand in pool:
        if len(queries) >= count:
            break
        name, schema = unlisted_name(rng, brand)
        if name not in seen:
            seen.add(name)
            queries.append(Query(f"q{len(queries)}", name, _schema(rng, schema), "", "unlisted"))
    rng.shuffle(queries)
    return queries


def _planted(rng: random.Random, entries: Sequence[ListEntry], number: int) -> Query:
    entry = rng.choice(entries)
    kind = rng.choice(list(PERTURBATIONS))
    name = PERTURBATIONS[kind](rng, entry).strip() or entry.name
    return Query(f"q{number}", name, _schema(rng, entry.schema), entry.entry_id, kind)


def _schema(rng: random.Random, schema: str) -> str:
    return schema if rng.random() < SCHEMA_GIVEN_SHARE else ""


def queries_csv(queries: Iterable[Query], path: Path) -> None:
    """The queries as `ctip screen` reads them (id, name, schema)."""
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "name", "schema"])
        writer.writerows((q.query_id, q.name, q.schema) for q in queries)


def truth_csv(queries: Iterable[Query], path: Path) -> None:
    """The ground truth beside the queries: the planted entry and how it was perturbed."""
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "name", "schema", "planted", "kind"])
        writer.writerows((q.query_id, q.name, q.schema, q.planted, q.kind) for q in queries)


# --- processes, timed -----------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """What one child process cost: wall seconds, CPU seconds, peak resident memory."""

    wall: float
    cpu: float
    peak_mb: float


def timed(command: Sequence[str], env: dict[str, str], log: Path) -> Run:
    """Run a command to its end; its own rusage (os.wait4), not all children's."""
    started = time.perf_counter()
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-1500:]
        raise SystemExit(f"{' '.join(command[:4])} ... failed ({process.returncode}):\n{tail}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


@dataclass
class Store:
    """A fresh SQLite store in a work folder and the environment every ctip call gets."""

    work: Path
    core: int
    env: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.env = {
            **os.environ,
            "CTIP_DATABASE_URL": f"sqlite:///{self.work / 'ctip.sqlite3'}",
            "CTIP_INDEX_DIR": str(self.work / "indexes"),
            "CTIP_ENV": "development",
        }

    def ctip(self, *args: str) -> list[str]:
        """A ctip command pinned to the core."""
        return ["taskset", "-c", str(self.core), str(Path(sys.executable).with_name("ctip")), *args]

    def load(self, list_path: Path) -> Run:
        return timed(
            self.ctip("lists", "load", str(list_path), "--name", LIST_NAME),
            self.env,
            self.work / "load.log",
        )

    def screen(self, queries: Path, hits: Path) -> Run:
        command = self.ctip("screen", str(queries), "--list", LIST_NAME, "--out", str(hits))
        return timed(command, self.env, hits.with_suffix(".log"))


def loaded_store(work: Path, core: int, entries: Sequence[ListEntry], warm_name: str) -> Store:
    """A store with the list loaded (the load builds and saves the edition's index) and
    screened once with one company name (it builds the index where the load did not)."""
    work.mkdir(parents=True, exist_ok=True)
    store = Store(work, core)
    list_csv(entries, work / "list.csv")
    _print_run(f"ctip lists load ({len(entries):,} entries)", store.load(work / "list.csv"))
    one = work / "one.csv"
    queries_csv([Query("w", warm_name, "Company", "", "")], one)
    first = store.screen(one, work / "one-hits.csv")
    _print_run("first ctip screen after the load, 1 company name", first)
    return store


def _print_run(label: str, run: Run) -> None:
    print(
        f"{label}: wall {run.wall:.1f} s, CPU {run.cpu:.1f} s, peak {run.peak_mb:.0f} MB "
        f"(load {load_average()})"
    )


def load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


# --- the peer -------------------------------------------------------------------------


def peer_screen(list_path: Path, queries_path: Path, out: Path) -> None:
    """nomenklatura logic-v2 behind a rapidfuzz top-10: matches written as a hits CSV."""
    from followthemoney import EntityProxy, model
    from nomenklatura.matching import LogicV2
    from rapidfuzz import fuzz, process, utils

    config = LogicV2.default_config()
    with list_path.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    listed: list[EntityProxy] = []
    choices: list[str] = []
    owners: list[int] = []
    for position, row in enumerate(rows):
        entity = model.make_entity(row["schema"] or "LegalEntity")
        entity.id = row["id"]
        names = [row["name"], *_split(row["aliases"])]
        entity.add("name", names)
        entity.add("country", _split(row["country"]))
        listed.append(entity)
        choices.extend(utils.default_process(n) for n in names)
        owners.extend([position] * len(names))
    with queries_path.open(encoding="utf-8") as stream, out.open("w", newline="") as sink:
        writer = csv.writer(sink)
        writer.writerow(["query_id", "entity_id", "score", "match"])
        for row in csv.DictReader(stream):
            query = model.make_entity(row["schema"] or "LegalEntity")
            query.id = row["id"]
            query.add("name", row["name"])
            top = process.extract(
                utils.default_process(row["name"]),
                choices,
                scorer=fuzz.token_set_ratio,
                processor=None,
                limit=PEER_LIMIT,
            )
            for position in dict.fromkeys(owners[i] for _, _, i in top):
                result = LogicV2.compare(query, listed[position], config)
                if result.score >= PEER_THRESHOLD:
                    writer.writerow([row["id"], listed[position].id, f"{result.score:.4f}", "true"])


def _split(cell: str) -> list[str]:
    return [v.strip() for v in cell.split(";") if v.strip()]


def peer_command(core: int, list_path: Path, queries: Path, out: Path) -> list[str]:
    """The peer as a process of its own on the same core."""
    return [
        "taskset",
        "-c",
        str(core),
        sys.executable,
        "-m",
        "benchmarks.bulk_screen",
        "--peer-run",
        str(list_path),
        str(queries),
        str(out),
    ]


# --- quality --------------------------------------------------------------------------


@dataclass
class Quality:
    """Planted queries found, and matches right and wrong, over a set of queries."""

    planted: int = 0
    found: int = 0
    reported: int = 0
    correct: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.reported if self.reported else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.planted if self.planted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


Matches = dict[str, dict[str, float]]
"""query_id -> {entity_id: score} of the matches a system reported."""


def read_matches(path: Path) -> Matches:
    """The matches of a hits CSV (rows with match=true) with their scores."""
    matches: Matches = {}
    with path.open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            if row["match"] == "true":
                matches.setdefault(row["query_id"], {})[row["entity_id"]] = float(row["score"])
    return matches


def at_least(matches: Matches, threshold: float) -> Matches:
    """The matches scoring at least `threshold` (a stricter cut than the system's own)."""
    return {q: {e: s for e, s in found.items() if s >= threshold} for q, found in matches.items()}


def quality(queries: Iterable[Query], matches: Matches) -> Quality:
    """How the matches fare against the planted truth."""
    tally = Quality()
    for query in queries:
        hits = matches.get(query.query_id, {})
        tally.planted += bool(query.planted)
        tally.found += query.planted in hits
        tally.reported += len(hits)
        tally.correct += query.planted in hits
    return tally


def recall_by_kind(queries: Iterable[Query], matches: Matches) -> dict[str, str]:
    """Found / planted per perturbation, to see where a matcher misses."""
    counts: dict[str, list[int]] = {}
    for query in queries:
        if query.planted:
            tally = counts.setdefault(query.kind, [0, 0])
            tally[0] += query.planted in matches.get(query.query_id, {})
            tally[1] += 1
    return {kind: f"{found}/{total}" for kind, (found, total) in sorted(counts.items())}


def print_row(system: str, names: int, run: Run, tally: Quality) -> None:
    print(
        f"{system:<30} {names:>6} {run.wall:>8.1f} {run.cpu:>8.1f} {names / run.wall:>9.1f} "
        f"{names / run.cpu:>9.1f} {run.peak_mb:>8.0f} {tally.precision:>6.3f} "
        f"{tally.recall:>6.3f} {tally.f1:>6.3f}"
    )


TABLE_HEAD: Final = (
    f"{'system':<30} {'names':>6} {'wall s':>8} {'CPU s':>8} {'names/s':>9} {'names/CPUs':>9} "
    f"{'peak MB':>8} {'P':>6} {'R':>6} {'F1':>6}"
)


# --- the bulk comparison --------------------------------------------------------------


def bulk(args: argparse.Namespace, work: Path) -> bool:
    """Steps 1-5: the list, the queries, ctip and the peer; True when the target is met."""
    rng = random.Random(args.seed)
    entries = build_list(rng, args.list_entries)
    queries = build_queries(rng, entries, args.queries)
    print(
        f"list: {len(entries):,} entries, {sum(len(e.aliases) for e in entries):,} aliases; "
        f"{len(queries):,} queries, {sum(bool(q.planted) for q in queries):,} planted"
    )
    store = loaded_store(work / "bulk", args.core, entries, queries[0].name)
    queries_csv(queries, work / "queries.csv")
    truth_csv(queries, work / "truth.csv")
    ctip_run = store.screen(work / "queries.csv", work / "ctip-hits.csv")
    ctip_matches = read_matches(work / "ctip-hits.csv")
    sample = _sample(queries, args.peer_sample, args.seed)
    queries_csv(sample, work / "peer-queries.csv")
    peer_run = timed(
        peer_command(
            args.core, work / "bulk/list.csv", work / "peer-queries.csv", work / "peer-hits.csv"
        ),
        os.environ.copy(),
        work / "peer.log",
    )
    peer_matches = read_matches(work / "peer-hits.csv")
    return _report_bulk(queries, sample, ctip_run, ctip_matches, peer_run, peer_matches)


def _sample(queries: list[Query], size: int, seed: int) -> list[Query]:
    if not size or size >= len(queries):
        return queries
    return random.Random(seed + 1).sample(queries, size)


def _report_bulk(
    queries: list[Query],
    sample: list[Query],
    ctip_run: Run,
    ctip_matches: Matches,
    peer_run: Run,
    peer_matches: Matches,
) -> bool:
    ours, theirs = quality(queries, ctip_matches), quality(sample, peer_matches)
    ours_on_sample = quality(sample, ctip_matches)
    print(f"\n{TABLE_HEAD}")
    print_row("ctip screen (whole process)", len(queries), ctip_run, ours)
    print_row("logic-v2 + rapidfuzz top-10", len(sample), peer_run, theirs)
    if len(sample) < len(queries):
        print(
            f"peer run on a seeded sample of {len(sample):,} names; ctip on the same names: "
            f"P {ours_on_sample.precision:.3f} R {ours_on_sample.recall:.3f} "
            f"F1 {ours_on_sample.f1:.3f}"
        )
    print(f"ctip recall by perturbation: {recall_by_kind(queries, ctip_matches)}")
    print(f"peer recall by perturbation: {recall_by_kind(sample, peer_matches)}")
    for cut in STRICTER_CUTS:
        mine, peer = (quality(sample, at_least(m, cut)) for m in (ctip_matches, peer_matches))
        print(
            f"for reference, only matches scoring >= {cut}: ctip F1 {mine.f1:.3f} "
            f"(P {mine.precision:.3f} R {mine.recall:.3f}), peer F1 {peer.f1:.3f} "
            f"(P {peer.precision:.3f} R {peer.recall:.3f}) on the same names"
        )
    cpu_ratio = (peer_run.cpu / len(sample)) / (ctip_run.cpu / len(queries))
    wall_ratio = (peer_run.wall / len(sample)) / (ctip_run.wall / len(queries))
    met = cpu_ratio >= SPEED_TARGET and ours_on_sample.f1 >= theirs.f1
    print(
        f"ctip / peer speed per name: {cpu_ratio:.1f}x by CPU seconds, {wall_ratio:.1f}x by "
        f"wall; F1 {ours_on_sample.f1:.3f} vs {theirs.f1:.3f} on the same names"
    )
    print(
        f"{'PASS' if met else 'FAIL'}: at least {SPEED_TARGET:.0f}x faster at equal or "
        f"better F1 (load average {load_average()})"
    )
    return met


# --- six names ------------------------------------------------------------------------


def six_names(args: argparse.Namespace, work: Path) -> bool:
    """Step 6: the whole 6-name command, companies only and with persons, twice each."""
    rng = random.Random(args.seed + 2)
    entries = large_list(rng, args.six_entries)
    companies = [e for e in entries if e.schema == "Company"]
    persons = [e for e in entries if e.schema == "Person"]
    store = loaded_store(work / "six", args.core, entries, companies[0].name)
    sets = {
        "6 companies": _six(rng, companies, persons, 0),
        "4 companies + 2 persons": _six(rng, companies, persons, 2),
    }
    met = True
    for number, (label, queries) in enumerate(sets.items()):
        path = work / f"six-{number}.csv"
        queries_csv(queries, path)
        for attempt in (1, 2):
            run = store.screen(path, path.with_name(f"{path.stem}-hits.csv"))
            _print_run(f"ctip screen {label} against {len(entries):,} (run {attempt})", run)
            met = met and run.wall < SIX_TARGET_S
    return met


def _six(
    rng: random.Random, companies: list[ListEntry], persons: list[ListEntry], n_persons: int
) -> list[Query]:
    """Listed names, every other one with a typo; schema given as a user would."""
    picked = rng.sample(companies, 6 - n_persons) + rng.sample(persons, n_persons)
    return [
        Query(f"s{n}", generator.typo(rng, e.name) if n % 2 else e.name, e.schema, e.entry_id, "")
        for n, e in enumerate(picked)
    ]


def tagger_probe(core: int, work: Path) -> None:
    """rigour's analysis of the first organisation name, then of the first person name,
    in a fresh process: the second builds the person-name tagger."""
    script = work / "probe.py"
    script.write_text(PROBE, encoding="utf-8")
    done = subprocess.run(
        ["taskset", "-c", str(core), sys.executable, str(script)],
        capture_output=True,
        text=True,
        check=True,
    )
    print(done.stdout.rstrip())


PROBE: Final = """
import resource, time
from rigour.names import NameTypeTag, analyze_names
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
for tag, name in ((NameTypeTag.ORG, "Xinjiang Huafu Textile Co., Ltd."),
                  (NameTypeTag.ORG, "Acme Trading Company Limited"),
                  (NameTypeTag.PER, "Ivan Petrov"), (NameTypeTag.PER, "Maria Schmidt")):
    wall, used = time.perf_counter(), cpu()
    analyze_names(tag, [name], infer_initials=True, consolidate=False)
    print(f"rigour probe, fresh process: {tag} {name!r}: wall {time.perf_counter() - wall:.2f} s,"
          f" CPU {cpu() - used:.2f} s")
"""


# --- name bench -----------------------------------------------------------------------


def name_bench(path: Path) -> None:
    """Step 7: F1 per schema of ctip and logic-v2 on the labelled name pairs."""
    if not path.exists():
        print(f"name_bench: {path} absent, skipped")
        return
    print("name_bench F1 (ctip / logic-v2):")
    for key, (mine, peer) in sorted(generator.name_bench(path).items()):
        print(f"  {key:<14} {mine:.3f} / {peer:.3f}{'' if mine >= peer else '  (below)'}")


# --- entry point ----------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--list-entries", type=int, default=10_000, help="listed entries")
    parser.add_argument("--queries", type=int, default=20_000, help="names to screen (0: skip)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--core", type=int, default=0, help="the CPU both systems run on")
    parser.add_argument(
        "--peer-sample",
        type=int,
        default=0,
        help="names the peer screens (a seeded sample; 0: all)",
    )
    parser.add_argument(
        "--six-entries",
        type=int,
        default=100_000,
        help="list size for the 6-name command (0: skip)",
    )
    parser.add_argument("--name-bench", type=Path, default=generator.NAME_BENCH)
    parser.add_argument("--work", type=Path, help="keep the files here (default: a temp dir)")
    parser.add_argument("--peer-run", nargs=3, type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.peer_run:
        peer_screen(*args.peer_run)
        return 0
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    work = args.work or Path(tempfile.mkdtemp(prefix="ctip-bulk-screen-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"work folder {work}; {os.cpu_count()} CPUs, load average {load_average()}")
    fast = bulk(args, work) if args.queries else True
    quick = six_names(args, work) if args.six_entries else True
    tagger_probe(args.core, work)
    name_bench(args.name_bench)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"driver CPU {usage.ru_utime + usage.ru_stime:.1f} s; load average {load_average()}")
    if args.six_entries:
        print(f"{'PASS' if quick else 'FAIL'}: 6-name ctip screen under {SIX_TARGET_S:.0f} s")
    return 0 if fast and quick else 1


if __name__ == "__main__":
    sys.exit(main())
