"""A seeded generator of AMLSim-like bank records, for the demo, tests and the benchmark.

It mimics AMLSim's published behaviour: every ordinary account pays its own regular amount
(100-600) to the accounts it is linked to, at random steps, a Poisson number of times (mean
`degree`, as in AMLSim's 20K graph; an earlier exponential draw left a third of the accounts
with one payment, where AMLSim has 4.7 %, and so with no regular amount to depart from);
laundering patterns are laid on top with AMLSim's alert parameters
(`param_typologies_alertPatterns.csv`: 5 accounts, amounts 100-200, a period of 10-20 steps;
7 for scatter-gather, 11 for gather-scatter). The members of each pattern are returned
apart, as labels for evaluation only.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Final

from ctip.finance.readers import Account, Transaction

KINDS: Final = (
    "fan_in",
    "fan_out",
    "scatter_gather",
    "gather_scatter",
    "cycle",
    "bipartite",
    "stack",
)


@dataclass
class World:
    """Generated accounts and payments, and the members of the planted patterns."""

    accounts: list[Account] = field(default_factory=list)
    transactions: list[Transaction] = field(default_factory=list)
    laundering: set[str] = field(default_factory=set)


def _payments_made(rng: random.Random, mean: float) -> int:
    """How many ordinary payments an account makes: Poisson with the given mean, at least
    one (Knuth's method; the standard library has no Poisson draw). AMLSim's 20K graph has
    this shape: a median of 5 payments per account, 4.7 % of accounts paying once."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return max(1, count)


def _ordinary(
    rng: random.Random, accounts: int, degree: float, steps: int
) -> Iterator[tuple[int, int, float, int]]:
    regular = [round(rng.uniform(100, 600), 2) for _ in range(accounts)]
    for source in range(accounts):
        for _ in range(_payments_made(rng, degree)):
            target = rng.randrange(accounts)
            if target != source:
                yield source, target, regular[source], rng.randint(1, steps)


def generate(
    accounts: int = 5000,
    patterns: int = 50,
    kinds: tuple[str, ...] = KINDS,
    steps: int = 150,
    degree: float = 5.0,
    seed: int = 11,
) -> World:
    """A world of ordinary payments with `patterns` laundering patterns of the given kinds."""
    rng = random.Random(seed)
    world = World(
        accounts=[Account(str(i), balance=f"{rng.uniform(100, 600):.2f}") for i in range(accounts)]
    )
    rows = list(_ordinary(rng, accounts, degree, steps))
    pool = list(range(accounts))
    rng.shuffle(pool)
    for number in range(patterns):
        kind = kinds[number % len(kinds)]
        size = {"scatter_gather": 7, "gather_scatter": 11, "stack": 6, "bipartite": 4}.get(kind, 5)
        members = [pool.pop() for _ in range(size)]
        world.laundering.update(str(m) for m in members)
        rows += _plant(rng, kind, members, steps)
    for number, (source, target, amount, step) in enumerate(rows):
        world.transactions.append(
            Transaction(
                f"g{number}", str(source), str(target), f"{amount:.2f}", step, channel="wire"
            )
        )
    return world


def _plant(
    rng: random.Random, kind: str, members: list[int], steps: int
) -> list[tuple[int, int, float, int]]:
    """One pattern's payments: amounts 100-200, within a period of 10-20 steps."""
    period = rng.randint(10, 20)
    start = rng.randint(1, steps - period)

    def when() -> int:
        return start + rng.randint(0, period)

    def amount() -> float:
        return round(rng.uniform(100, 200), 2)

    hub, others = members[0], members[1:]
    if kind == "fan_in":
        return [(o, hub, amount(), when()) for o in others]
    if kind == "fan_out":
        return [(hub, o, amount(), when()) for o in others]
    if kind == "cycle":
        rows, value, step = [], amount(), start
        for i, source in enumerate(members):
            rows.append((source, members[(i + 1) % len(members)], value, step))
            value, step = round(value * rng.uniform(0.9, 0.99), 2), step + rng.randint(0, 3)
        return rows
    if kind == "scatter_gather":
        source, sink, hops = members[0], members[1], members[2:]
        rows = []
        for hop in hops:
            value, step = amount(), start + rng.randint(0, period // 2)
            rows.append((source, hop, value, step))
            rows.append(
                (
                    hop,
                    sink,
                    round(value * rng.uniform(0.9, 0.99), 2),
                    step + rng.randint(0, period // 2),
                )
            )
        return rows
    if kind in ("bipartite", "stack"):
        layers = (
            [members[:2], members[2:4]]
            if kind == "bipartite"
            else [members[:2], members[2:4], members[4:6]]
        )
        rows = []
        for upper, lower in pairwise(layers):
            rows += [(u, v, amount(), when()) for u in upper for v in lower]
        return rows
    half = len(others) // 2
    ins, outs = others[:half], others[half:]
    rows = [(o, hub, amount(), start + rng.randint(0, period // 2)) for o in ins]
    rows += [(hub, o, amount(), start + period // 2 + rng.randint(0, period // 2)) for o in outs]
    return rows
