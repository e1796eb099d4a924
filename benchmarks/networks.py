"""Networks benchmark: synthetic ads through extraction, linking and network building.

One function per part of issue 4's benchmark; `main` runs the parts asked for.

Ads part (`ads_part`): a seeded world of `--ads` synthetic ads (default 1,000,000) with
planted networks (ctip.networks.synthetic) is generated first (not timed). Then, timed end
to end, the product's own pipeline functions: in `--workers` processes,
`ctip.networks.pipeline.read_chunk` validates every row (`validate_ad`), reads its text
(hidden phones, e-mails, handles, prices, ages, cities), scores it with the ads indicator
pack and signs it (MinHash); in the main process, `ctip.networks.linking.NetworkBuilder`
makes the identifier links as chunks arrive, then the LSH text links and the connected
networks over all ads. It prints ads/s end to end, the CPU seconds of the main process (and
of its final step) and of the workers, peak memory (main process and workers), and pairwise
precision/recall of ad-to-poster assignment against the planted truth. Target: at least
5,000 ads/s end to end.

The store is not part of the timed path (loading a million rows into SQLite is the entity
store benchmark's subject); `ctip networks build` runs the same `Signer` and
`NetworkBuilder` (through `link_ads`) over stored ads.

Run from the repository root:

    .venv/bin/python -m benchmarks.networks [--ads N] [--workers W] [--parts ads]

The exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from multiprocessing import Pool
from typing import Any

from ctip.networks.evaluate import pairwise_score
from ctip.networks.linking import NetworkBuilder, Networks, grouped
from ctip.networks.pipeline import ReadChunk, read_chunk
from ctip.networks.synthetic import generate

TARGET_ADS_PER_SECOND = 5000
CHUNK = 2000


def _chunks(rows: Sequence[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield list(rows[start : start + CHUNK])


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


def _link(chunks: Iterator[ReadChunk]) -> tuple[list[str], Networks, float]:
    """The main process's part: take the read chunks in order, then link; also returns the
    CPU seconds of the final step (text links and networks), which no worker shares."""
    keys: list[str] = []
    builder = NetworkBuilder()
    for chunk in chunks:
        builder.add(range(len(keys), len(keys) + len(chunk)), chunk.tags, chunk.signatures)
        keys.extend(chunk.keys)
    finish_started = time.process_time()
    networks = builder.finish()
    return keys, networks, time.process_time() - finish_started


def ads_part(count: int, workers: int, seed: int = 2021) -> bool:
    """Generate, then time extraction, linking and network building; print the figures."""
    started = time.perf_counter()
    world = generate(ads=count, networks=max(3, count // 200), seed=seed)
    print(
        f"generated {len(world.ads):,} ads, {len(world.networks):,} planted networks "
        f"in {time.perf_counter() - started:.1f} s (not timed)"
    )
    gc.collect()
    gc.freeze()  # the generated world stands for files on disk: no collection walks it
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    with Pool(workers) as pool:
        keys, networks, finish_cpu = _link(pool.imap(read_chunk, _chunks(world.ads)))
    groups = [[keys[row] for row in rows] for rows in grouped(networks.labels)]
    elapsed = time.perf_counter() - started
    main_now, workers_now = _cpu_seconds()
    main_cpu, worker_cpu = main_now - cpu_started[0], workers_now - cpu_started[1]
    cpu = main_cpu + worker_cpu
    result = pairwise_score(groups, world.truth)
    found = sum(1 for g in groups if len(g) > 1)
    rate = len(keys) / elapsed
    print(
        f"ads: {len(keys):,} in {elapsed:.1f} s = {rate:,.0f} ads/s end to end "
        f"({workers} worker processes; target {TARGET_ADS_PER_SECOND:,})"
    )
    print(
        f"CPU: {main_cpu:,.1f} s main (of which {finish_cpu:,.1f} s text links and networks "
        f"at the end) + {worker_cpu:,.1f} s reading (workers) = "
        f"{len(keys) / cpu:,.0f} ads per CPU-second ({cpu / len(keys) * 1e6:,.0f} us per ad); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (others' work slows "
        "the wall-clock rate)"
    )
    print(
        f"links: {len(networks.identifier_links[0]):,} by identifier, "
        f"{len(networks.text_links[0]):,} by text; {found:,} networks of 2+ ads"
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
