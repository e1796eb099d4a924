"""Why two records are one: a model link and the analysts' judgements as one explanation.

Each comparison the Splink model made (name, birth date, address, phone...) becomes a
feature whose contribution is exactly its match weight (value +1 or -1, weight the size of
the weight), with a sentence naming both records' values and the level they fell in. A
comparison that lowered the weight is conflicting evidence and is shown as such. The model's
prior (two records picked at random rarely match) is the starting point, neither for nor
against. An analyst's judgement on the pair is a feature that overrides: it decides whatever
the score says, as the clustering itself lets a judgement win over the model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final, Protocol
from urllib.parse import quote

from ctip.model.explain import Explanation, Feature, Reference, RefKind, Threshold
from ctip.resolve.engine import DEFAULT_THRESHOLD, PRIOR

SAME: Final = "same"
"""The judgement decision that joins two records."""
LINKED: Final = "linked"
NOT_LINKED: Final = "not linked"
COMPARISON_LABELS: Final = {
    "name": "Name",
    "birth_date": "Birth date",
    "address": "Street address",
    "city": "City",
    "postcode": "Postcode",
    "phone": "Phone",
    "id_number": "Document number",
    "email": "E-mail",
}


class ModelLink(Protocol):
    """A model link as the service reads it back (`service.LinkView`)."""

    @property
    def left_id(self) -> str: ...
    @property
    def right_id(self) -> str: ...
    @property
    def match_probability(self) -> float: ...
    @property
    def evidence(self) -> list[dict[str, Any]]: ...


class Judged(Protocol):
    """A judgement as the service reads it back (`service.JudgementView`)."""

    @property
    def id(self) -> int: ...
    @property
    def left_ref(self) -> str: ...
    @property
    def right_ref(self) -> str: ...
    @property
    def decision(self) -> str: ...
    @property
    def why(self) -> str: ...
    @property
    def actor(self) -> str: ...
    @property
    def judged_at(self) -> str: ...


def record_reference(record_id: str) -> Reference:
    """A record, linked to the cluster page that finds any record id."""
    return Reference(
        RefKind.RECORD, record_id, record_id, "/resolve/clusters/" + quote(record_id, safe="")
    )


def comparison_feature(evidence: Mapping[str, Any], left_id: str, right_id: str) -> Feature:
    """One comparison's say: its level, both values, and the weight it added."""
    name, weight = str(evidence.get("comparison", "")), float(evidence.get("match_weight", 0.0))
    value = 1.0 if weight > 0 else -1.0 if weight < 0 else 0.0
    if name == PRIOR:
        sentence = (
            f"The model starts from {weight:+.2f}: two records picked at random rarely match."
        )
        return Feature(PRIOR, value, abs(weight), sentence, (), True)
    label = COMPARISON_LABELS.get(name, name.replace("_", " ").capitalize())
    left, right, level = evidence.get("left"), evidence.get("right"), str(evidence.get("level", ""))
    if not left or not right:
        where = "both records" if not left and not right else "one record"
        sentence = f"{label}: missing on {where}, no evidence either way."
    else:
        sentence = f"{label}: {left!r} and {right!r} ({level or 'compared'}, {weight:+.2f})."
    refs = (
        Reference(RefKind.FIELD, name, label),
        record_reference(left_id),
        record_reference(right_id),
    )
    return Feature(name, value, abs(weight), sentence, refs, weight >= 0)


def judgement_feature(judgement: Judged) -> Feature:
    """An analyst's judgement on the pair: it decides, whatever the score."""
    same = judgement.decision == SAME
    verdict = "the same" if same else "different"
    sentence = (
        f"{judgement.actor} judged {judgement.left_ref} and {judgement.right_ref} {verdict} "
        f"on {judgement.judged_at[:10]}: {judgement.why}"
    )
    sentence = sentence if sentence.endswith((".", "!", "?")) else sentence + "."
    ref = Reference(RefKind.JUDGEMENT, str(judgement.id), f"judgement {judgement.id}")
    return Feature("judgement", 1.0 if same else -1.0, 1.0, sentence, (ref,), same, overrides=True)


def on_pair(judgement: Judged, refs: set[str]) -> bool:
    """Whether a judgement names both sides of the pair (a record or its cluster)."""
    return judgement.left_ref in refs and judgement.right_ref in refs


def link_explanation(
    link: ModelLink,
    judgements: Sequence[Judged] = (),
    cluster_id: str = "",
    threshold: float = DEFAULT_THRESHOLD,
) -> Explanation:
    """A model link with the judgements that name both its records (latest decides)."""
    features = [comparison_feature(e, link.left_id, link.right_id) for e in link.evidence]
    refs = {link.left_id, link.right_id, cluster_id} - {""}
    judged = [
        judgement_feature(j) for j in judgements if on_pair(j, refs) and j.left_ref != j.right_ref
    ]
    outcome = LINKED if link.match_probability >= threshold else NOT_LINKED
    if judged:
        outcome = LINKED if judged[-1].supports else NOT_LINKED
    return Explanation(
        outcome,
        round(link.match_probability, 4),
        (*features, *judged[-1:]),
        (Threshold(LINKED, threshold),),
        NOT_LINKED,
    )
