"""The quality gates: per-account precision, recall and F1 of `flagged` against simulator
labels, the labels read only here, after the scan.

AMLSim's 20K_cycle200 (measured, see docs/finance.md): precision 0.997, recall 0.660, F1 0.794
with no label used, above the supervised baseline (snapml GFP + LightGBM, 5-fold CV: P 0.995,
R 0.639, F1 0.778). The issue's target of F1 0.85 is not reached:
`test_every_missed_account_is_indistinguishable_from_an_ordinary_one` shows why.

Generated AMLSim-like graphs (`ctip.finance.synthetic`, AMLSim's alert parameters), one
typology at a time, the same default settings: the recall floors below are the lowest of two
seeds measured (10,000 accounts, 50 patterns), less a margin.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from functools import cache

import pytest

from ctip.finance import detect, readers, scoring, synthetic
from tests.conftest import shared_data

SUPERVISED_F1 = 0.778
MEASURED_F1 = 0.794
RECALL_FLOORS = {  # measured on seeds 11 and 12: the lower of the two, then less ~0.03
    "fan_in": 0.95,  # 0.980, 0.976
    "fan_out": 0.78,  # 0.812, 0.856
    "scatter_gather": 0.92,  # 0.966, 0.949
    "gather_scatter": 0.83,  # 0.865, 0.891
    "cycle": 0.97,  # 1.000, 1.000
    "bipartite": 0.95,  # 0.990, 0.980
    "stack": 0.95,  # 0.987, 0.983
}


@cache
def _run() -> tuple[set[str], dict[str, tuple[bool, int]], readers.BankRecords]:
    folder = shared_data("amlsim", "20K_cycle200")
    records = readers.read_amlsim(
        {n: p.read_bytes() for n, p in readers.amlsim_files(folder).items()}
    )
    found = detect.detect(detect.arrow_table(records.transactions))
    flagged = {s.account_id for s in scoring.score_all(found) if s.flagged}
    with (folder / "nodes.csv").open(encoding="utf-8") as handle:
        labels = {
            r["nodeid"]: (r["isFraud"] == "1", int(r["fraudStep"])) for r in csv.DictReader(handle)
        }
    return flagged, labels, records


def test_flags_match_the_labels_better_than_the_supervised_baseline() -> None:
    flagged, labels, _ = _run()
    fraud = {a for a, (is_fraud, _) in labels.items() if is_fraud}
    true = len(flagged & fraud)
    precision, recall = true / len(flagged), true / len(fraud)
    f1 = 2 * precision * recall / (precision + recall)
    print(f"20K_cycle200: precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f}")
    assert precision >= 0.99
    assert f1 > SUPERVISED_F1 and f1 >= MEASURED_F1 - 0.005


def test_every_missed_account_is_indistinguishable_from_an_ordinary_one() -> None:
    """The labelled accounts the scan misses (321) all but never acted (fraudStep -1), and
    every payment they made or received is ordinary: they pay one amount, each payment they
    received was its payer's regular amount, no pair of accounts paid twice (317 of them).
    19,033 of the 19,055 unlabelled accounts fit that same description, so no rule on the
    payments can single the missed ones out (nor their places in the graph: docs/finance.md)."""
    flagged, labels, records = _run()
    fraud = {a for a, (is_fraud, _) in labels.items() if is_fraud}
    missed = fraud - flagged
    assert len([a for a in missed if labels[a][1] == -1]) / len(missed) >= 0.99
    ordinary = _ordinary_accounts(records.transactions)
    assert len(missed & ordinary) / len(missed) >= 0.98
    assert len(ordinary - fraud) >= 40 * len(missed)


def _ordinary_accounts(transactions: list[readers.Transaction]) -> set[str]:
    """Accounts that pay a single amount, received only their payers' most frequent amount
    (a burst of identical payments in one step counted once) and share no repeated pair."""
    events: dict[str, Counter[str]] = defaultdict(Counter)
    for source, _target, amount, _step in {
        (t.source, t.target, t.amount, t.step) for t in transactions
    }:
        events[source][amount] += 1
    regular = {a: max(c.items(), key=lambda kv: (kv[1], kv[0]))[0] for a, c in events.items()}
    pairs = Counter((t.source, t.target) for t in transactions)
    odd = {t.target for t in transactions if t.amount != regular[t.source]}
    odd |= {a for a, c in events.items() if len(c) > 1}
    odd |= {a for (source, target), n in pairs.items() if n > 1 for a in (source, target)}
    return {a for t in transactions for a in (t.source, t.target)} - odd


@pytest.mark.parametrize("kind", sorted(RECALL_FLOORS))
def test_each_amlsim_typology_is_found_with_the_default_settings(kind: str) -> None:
    world = synthetic.generate(accounts=10_000, patterns=50, kinds=(kind,), seed=11)
    found = detect.detect(detect.arrow_table(world.transactions))
    flagged = {s.account_id for s in scoring.score_all(found) if s.flagged}
    true = len(flagged & world.laundering)
    precision, recall = true / len(flagged), true / len(world.laundering)
    print(f"{kind}: precision {precision:.3f} recall {recall:.3f}")
    assert precision >= 0.98
    assert recall >= RECALL_FLOORS[kind]
