"""Why ads are one network, and why an ad was flagged, as the shared explanation.

A network is explained by what joins its ads: each shared identifier (a phone, an e-mail, a
poster account, a photo) is a feature naming the identifier and how many links it made, and
reused text is a feature giving the likeness found against the threshold at which two texts
count as one template. An ad's indicator score is explained by the rules that fired, each a
feature with its rule id from the YAML pack, its weight and the words that fired it.
Indicators are reasons to look closer, never proof, and the sentences say so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from ctip.model.explain import Explanation, Feature, Reference, RefKind
from ctip.networks.linking import TEXT_THRESHOLD
from ctip.networks.profile import LinkEvidence, NetworkProfile

KIND_WORDS: Final = {
    "phone": "phone",
    "email": "e-mail address",
    "account": "poster account",
    "handle": "social handle",
    "image": "photo",
}
LINKED: Final = "one network"
FLAGGED: Final = "look closer"
NOT_FLAGGED: Final = "no indicator"


def identifier_features(links: Iterable[LinkEvidence]) -> list[Feature]:
    """One feature per shared identifier: the value, and how many ads it joins."""
    ads: dict[tuple[str, str], set[str]] = defaultdict(set)
    for link in links:
        if link.kind != "text":
            ads[(link.kind, link.value)].update((link.ad_a, link.ad_b))
    found = []
    for (kind, value), joined in sorted(ads.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        words = KIND_WORDS.get(kind, kind)
        sentence = f"{len(joined)} ads state the same {words}, {value}."
        refs = (Reference(RefKind.IDENTIFIER, f"{kind}:{value}", f"{words} {value}"),)
        found.append(Feature(f"shared_{kind}", 1.0, 1.0, sentence, refs + _ad_refs(joined)))
    return found


def _ad_refs(ads: Iterable[str], limit: int = 5) -> tuple[Reference, ...]:
    return tuple(Reference(RefKind.AD, ad, ad) for ad in sorted(ads)[:limit])


def text_feature(links: Iterable[LinkEvidence], threshold: float = TEXT_THRESHOLD) -> list[Feature]:
    """Reused text: how many pairs of ads read as one template, and how alike they are."""
    alike = [k for k in links if k.kind == "text" and k.similarity is not None]
    if not alike:
        return []
    low = min(k.similarity or 0.0 for k in alike)
    high = max(k.similarity or 0.0 for k in alike)
    span = f"{low:.2f}" if low == high else f"{low:.2f} to {high:.2f}"
    sentence = (
        f"{len(alike)} pair{'s' if len(alike) > 1 else ''} of ads have near-duplicate text "
        f"(likeness {span}, at least {threshold:.2f} counts as one template)."
    )
    ads = {ad for k in alike for ad in (k.ad_a, k.ad_b)}
    return [Feature("text_likeness", round(high, 4), 1.0, sentence, _ad_refs(ads))]


def network_explanation(profile: NetworkProfile) -> Explanation:
    """Why the network's ads are joined: shared identifiers first, then reused text."""
    features = (*identifier_features(profile.links), *text_feature(profile.links))
    return Explanation(LINKED, 1.0 if features else 0.0, features)


def rule_feature(fired: Mapping[str, Any]) -> Feature:
    """One indicator rule that fired on an ad, with the words that fired it."""
    rule_id, title = str(fired.get("rule_id", "")), str(fired.get("title", ""))
    words = ", ".join(repr(w) for w in fired.get("evidence", []))
    sentence = f"{title}: {fired.get('explanation', '')}".rstrip(": ")
    sentence = sentence.rstrip(".") + "." + (f" Found: {words}." if words else "")
    ref = Reference(RefKind.RULE, rule_id, title)
    return Feature(rule_id, 1.0, float(fired.get("weight", 0.0)), sentence, (ref,))


def indicator_explanation(score: float, fired: Sequence[Mapping[str, Any]]) -> Explanation:
    """An ad's indicator score: every rule that fired (the score is their weights, capped at 1)."""
    features = tuple(rule_feature(f) for f in fired)
    outcome = FLAGGED if features else NOT_FLAGGED
    return Explanation(outcome, score, features, (), NOT_FLAGGED)
