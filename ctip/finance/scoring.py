"""One score per account from its behaviour, its patterns, red flags and links to other areas.

Each piece of evidence is a `Feature` with a value in [0, 1] and a weight; the score is their
noisy-or, 1 - prod(1 - value * weight), so no single weak hint flags an account and strong
independent evidence adds up. The weights rank accounts for an analyst; they are not
probabilities. `flagged` is a score at or above `FLAG_AT`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from ctip.finance.detect import Detection, Pattern, Signal
from ctip.model.explain import Explanation, Feature, Reference, RefKind, Threshold

FLAG_AT: Final = 0.5
SIGNAL_WEIGHTS: Final = {
    "split_payments": 0.7,
    "split_receipts": 0.7,
    "off_profile": 0.6,
    "irregular_receipts": 0.55,
    "relay_gap": 0.5,
}
"""A receiver of an irregular payment weighs a little less than its payer: the departure is
the payer's act, the receiver is where the odd money went; either alone is worth a look."""
PATTERN_WEIGHT: Final = 0.6
PASSIVE_SHARE: Final = 0.5
ACTIVE_ROLES: Final = frozenset({"hub", "hop"})
SIGNAL_SENTENCES: Final = {
    "split_payments": "Split payments: the same amount paid to the same account several "
    "times in one step (structuring)",
    "split_receipts": "Split receipts: the same amount received from one account several "
    "times in one step (structuring)",
    "off_profile": "Irregular amounts: the account pays one regular amount and departed from it",
    "irregular_receipts": "Irregular receipts: the account was paid amounts that depart from "
    "its payers' regular amounts",
    "relay_gap": "Missing link of a relayed amount: an amount relayed in split payments "
    "stopped at the account that paid this one and started again at the account this one paid",
}


@dataclass(frozen=True)
class RedFlagHit:
    """A red-flag rule that fired on an account, quoting the payments that fired it."""

    rule: str
    title: str
    weight: float
    source: str
    transactions: tuple[str, ...]
    detail: str


@dataclass(frozen=True)
class Link:
    """The account's holder meets another area's record through the entity store."""

    kind: str
    entity_id: str
    label: str
    weight: float = 0.3


@dataclass(frozen=True)
class AccountScore:
    """An account's outcome: score, flag, what fired and why."""

    account_id: str
    explanation: Explanation
    typologies: tuple[str, ...]
    red_flags: tuple[str, ...]

    @property
    def score(self) -> float:
        """The noisy-or of the features."""
        return self.explanation.score

    @property
    def flagged(self) -> bool:
        """Whether the score reaches the flag threshold."""
        return self.explanation.outcome == "flagged"


def _tx_refs(ids: Iterable[str]) -> tuple[Reference, ...]:
    return tuple(Reference(RefKind.RECORD, f"tx:{i}", f"transaction {i}") for i in ids)


def signal_feature(signal: Signal) -> Feature:
    """A behaviour signal as a feature: one irregular payment against a regular profile
    is already worth a look."""
    value = 1.0
    sentence = f"{SIGNAL_SENTENCES[signal.name]}: {signal.detail}."
    return Feature(
        signal.name,
        value,
        SIGNAL_WEIGHTS[signal.name],
        sentence,
        _tx_refs(signal.transactions),
    )


def pattern_feature(pattern: Pattern, role: str, active: bool) -> Feature:
    """Membership of a pattern as a feature, worth the pattern's score; half as much for an
    account that only received in it (a passive end may be a bystander)."""
    refs = (
        Reference(RefKind.RULE, pattern.id, pattern.kind, url=f"/finance/patterns/{pattern.id}"),
        *_tx_refs(pattern.transactions[:12]),
    )
    share = pattern.score if active else pattern.score * PASSIVE_SHARE
    part = "" if active else " (it only received)"
    sentence = f"As {role} in a {pattern.sentence()}{part}."
    return Feature(f"typology:{pattern.kind}", share, PATTERN_WEIGHT, sentence, refs)


def red_flag_feature(hit: RedFlagHit) -> Feature:
    """A red flag as a feature, citing its advisory."""
    refs = (Reference(RefKind.RULE, hit.rule, hit.title, citation=hit.source),)
    sentence = f"Red flag {hit.title} ({hit.source}): {hit.detail}."
    return Feature(
        f"red_flag:{hit.rule}", 1.0, hit.weight, sentence, refs + _tx_refs(hit.transactions)
    )


def link_feature(link: Link) -> Feature:
    """A link to another area's record as a feature."""
    ref = Reference(
        RefKind.IDENTIFIER, link.entity_id, link.label, url=f"/entities/{link.entity_id}"
    )
    return Feature(f"link:{link.kind}", 1.0, link.weight, f"{link.label}.", (ref,))


def combine(features: Sequence[Feature]) -> float:
    """The noisy-or of value x weight."""
    remaining = 1.0
    for feature in features:
        remaining *= 1.0 - max(0.0, min(1.0, feature.value * feature.weight))
    return round(1.0 - remaining, 4)


def score_account(
    account_id: str,
    signals: Sequence[Signal],
    patterns: Sequence[tuple[Pattern, str]],
    hits: Sequence[RedFlagHit] = (),
    links: Sequence[Link] = (),
) -> AccountScore:
    """The account's explanation: every feature, the score, the threshold."""
    features = [signal_feature(s) for s in signals]
    irregular = {s.name for s in signals} & {"split_payments", "off_profile"}
    best: dict[str, Feature] = {}
    for pattern, role in patterns:
        feature = pattern_feature(pattern, role, role in ACTIVE_ROLES or bool(irregular))
        if pattern.kind not in best or feature.value > best[pattern.kind].value:
            best[pattern.kind] = feature
    features += list(best.values())
    features += [red_flag_feature(h) for h in hits]
    features += [link_feature(link) for link in links]
    score = combine(features)
    explanation = Explanation(
        outcome="flagged" if score >= FLAG_AT else "not flagged",
        score=score,
        features=tuple(features),
        thresholds=(Threshold("flagged", FLAG_AT),),
        below="not flagged",
    )
    return AccountScore(
        account_id,
        explanation,
        tuple(sorted(best)),
        tuple(sorted({h.rule for h in hits})),
    )


def score_all(
    detection: Detection,
    hits: Mapping[str, Sequence[RedFlagHit]] | None = None,
    links: Mapping[str, Sequence[Link]] | None = None,
) -> list[AccountScore]:
    """Every account that paid or was paid, scored."""
    memberships = detection.patterns_of()
    return [
        score_account(
            account,
            detection.signals.get(account, ()),
            memberships.get(account, ()),
            (hits or {}).get(account, ()),
            (links or {}).get(account, ()),
        )
        for account in detection.accounts
    ]
