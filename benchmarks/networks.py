"""Networks benchmark: synthetic ads through extraction, linking and network building.

One function per part of issue 4's benchmark; `main` runs the parts asked for.

Ads part (`ads_part`): a seeded world of `--ads` synthetic ads (default 1,000,000) with
planted networks (ctip.networks.synthetic) is generated first (not timed). Then, timed end
to end: every row validated (`validate_ad`), its text read (hidden phones, e-mails, handles,
prices, ages, cities) and scored with the ads indicator pack, its text signed (MinHash), in
`--workers` processes; in the main process, identifier links, LSH text links and the
connected networks (union-find). It prints ads/s for each stage and end to end, peak memory
(main process and workers), and pairwise precision/recall of ad-to-poster assignment
against the planted truth. Target: at least 5,000 ads/s end to end.

The store is not part of the timed path (loading a million rows into SQLite is the entity
store benchmark's subject); `ctip networks build` runs the same linking over stored ads.

Run from the repository root:

    .venv/bin/python -m benchmarks.networks [--ads N] [--workers W] [--parts ads]

The exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing import Pool
from typing import Any

import numpy as np

from ctip.networks.ads import read_ad, validate_ad
from ctip.networks.evaluate import pairwise_score
from ctip.networks.linking import Link, Signer, TextIndex, UnionFind
from ctip.networks.synthetic import generate

TARGET_ADS_PER_SECOND = 5000
CHUNK = 2000
Prepared = tuple[str, list[tuple[str, str]], np.ndarray | None, float]

_signer: Signer | None = None


def _prepare_chunk(rows: list[dict[str, Any]]) -> list[Prepared]:
    """In a worker: validate, read, score and sign each ad of a chunk."""
    global _signer
    if _signer is None:
        _signer = Signer()
    ads = [validate_ad(row) for row in rows]
    signatures = _signer.sign_many([ad.text for ad in ads])
    prepared = []
    for ad, signature in zip(ads, signatures, strict=True):
        read = read_ad(ad)
        prepared.append((ad.key, sorted(read.identifiers()), signature, read.score.score))
    return prepared


def _chunks(rows: Sequence[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield list(rows[start : start + CHUNK])


@dataclass
class Linker:
    """The main process's part: identifier stars, LSH text links, union-find."""

    sets: UnionFind
    index: TextIndex
    first: dict[tuple[str, str], int]
    links: int = 0
    text_links: int = 0

    def add(self, number: int, identifiers: list[tuple[str, str]], signature: Any) -> None:
        """Link one ad to earlier ones."""
        self.sets.find(number)
        for identifier in identifiers:
            holder = self.first.setdefault(identifier, number)
            if holder != number:
                self.sets.union(holder, number)
                self.links += 1
        found: list[Link] = self.index.add_signature(number, signature)
        for link in found:
            self.sets.union(link.a, link.b)
        self.text_links += len(found)


def _cpu_seconds() -> tuple[float, float]:
    """User and system CPU time of this process, and of its finished workers."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _peak_mb(who: int) -> float:
    """Peak resident memory in MB (Linux reports kilobytes)."""
    return resource.getrusage(who).ru_maxrss / 1024


def ads_part(count: int, workers: int, seed: int = 2021) -> bool:
    """Generate, then time extraction, linking and network building; print the figures."""
    started = time.perf_counter()
    world = generate(ads=count, networks=max(3, count // 200), seed=seed)
    print(
        f"generated {len(world.ads):,} ads, {len(world.networks):,} planted networks "
        f"in {time.perf_counter() - started:.1f} s (not timed)"
    )
    keys: list[str] = []
    linker = Linker(UnionFind(), TextIndex(), {})
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    with Pool(workers) as pool:
        for chunk in pool.imap(_prepare_chunk, _chunks(world.ads)):
            for key, identifiers, signature, _score in chunk:
                linker.add(len(keys), identifiers, signature)
                keys.append(key)
    groups: dict[int, list[str]] = {}
    for number, key in enumerate(keys):
        groups.setdefault(linker.sets.find(number), []).append(key)
    elapsed = time.perf_counter() - started
    main_now, workers_now = _cpu_seconds()
    main_cpu, worker_cpu = main_now - cpu_started[0], workers_now - cpu_started[1]
    cpu = main_cpu + worker_cpu
    result = pairwise_score(groups.values(), world.truth)
    networks = sum(1 for g in groups.values() if len(g) > 1)
    rate = len(keys) / elapsed
    print(
        f"ads: {len(keys):,} in {elapsed:.1f} s = {rate:,.0f} ads/s end to end "
        f"({workers} worker processes; target {TARGET_ADS_PER_SECOND:,})"
    )
    print(
        f"CPU: {main_cpu:,.1f} s linking (main) + {worker_cpu:,.1f} s reading (workers) = "
        f"{len(keys) / cpu:,.0f} ads per CPU-second; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (others' work slows "
        "the wall-clock rate)"
    )
    print(
        f"links: {linker.links:,} by identifier, {linker.text_links:,} by text; "
        f"{networks:,} networks of 2+ ads"
    )
    print(
        f"accuracy vs planted truth: pairwise precision {result.precision:.4f}, "
        f"recall {result.recall:.4f}, F1 {result.f1:.4f} "
        f"({result.true_pairs:,} true pairs, {result.predicted_pairs:,} predicted)"
    )
    print(
        f"peak memory: main {_peak_mb(resource.RUSAGE_SELF):,.0f} MB, "
        f"largest worker {_peak_mb(resource.RUSAGE_CHILDREN):,.0f} MB"
    )
    return rate >= TARGET_ADS_PER_SECOND and result.precision >= 0.95 and result.recall >= 0.95


PARTS: dict[str, Callable[[argparse.Namespace], bool]] = {
    "ads": lambda args: ads_part(args.ads, args.workers, args.seed),
}
"""The parts of the benchmark by name; entity resolution adds its own function here."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the parts asked for; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--ads", type=int, default=1_000_000, help="synthetic ads")
    parser.add_argument("--workers", type=int, default=2, help="processes reading ads")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--parts", default="ads", help="comma-separated: " + ", ".join(PARTS))
    args = parser.parse_args(argv)
    ok = True
    for name in args.parts.split(","):
        print(f"== {name}")
        ok = PARTS[name](args) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
