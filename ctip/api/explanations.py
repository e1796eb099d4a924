"""The shared explanation as API responses carry it: every area's scores, one schema.

A client reads `features[].references` (the list, entry, alias, rule, tier, place...) to act
on a result, and shows `summary` and `features[].sentence` to people. `evidence` repeats the
sentence for the tools written against the earlier feature form.
"""

from __future__ import annotations

from pydantic import BaseModel

from ctip.model.explain import Explanation, Feature, Reference


class ReferenceOut(BaseModel):
    """A thing a feature rests on: kind, id, label, and a page or citation where one exists."""

    kind: str
    id: str
    label: str = ""
    url: str = ""
    citation: str = ""

    @classmethod
    def of(cls, ref: Reference) -> ReferenceOut:
        return cls(
            kind=ref.kind.value, id=ref.id, label=ref.label, url=ref.url, citation=ref.citation
        )


class ExplainedFeatureOut(BaseModel):
    """One piece of evidence: value in [-1, 1], weight, a sentence, references, and
    whether it supports the outcome's flag or conflicts with it."""

    name: str
    value: float
    weight: float
    sentence: str
    evidence: str
    supports: bool
    overrides: bool = False
    detail: str = ""
    references: list[ReferenceOut]

    @classmethod
    def of(cls, feature: Feature) -> ExplainedFeatureOut:
        return cls(
            name=feature.name,
            value=feature.value,
            weight=feature.weight,
            sentence=feature.sentence,
            evidence=feature.sentence,
            supports=feature.supports,
            overrides=feature.overrides,
            detail=feature.detail,
            references=[ReferenceOut.of(r) for r in feature.references],
        )


class ThresholdOut(BaseModel):
    """A score at or above `at` leads to `outcome`."""

    outcome: str
    at: float


class ExplanationOut(BaseModel):
    """Why a score and an outcome: a summary against the thresholds, and every feature."""

    outcome: str
    score: float
    threshold: float | None
    thresholds: list[ThresholdOut]
    summary: str
    features: list[ExplainedFeatureOut]

    @classmethod
    def of(cls, explanation: Explanation) -> ExplanationOut:
        return cls(
            outcome=explanation.outcome,
            score=explanation.score,
            threshold=explanation.threshold,
            thresholds=[ThresholdOut(outcome=t.outcome, at=t.at) for t in explanation.thresholds],
            summary=explanation.summary(),
            features=[ExplainedFeatureOut.of(f) for f in explanation.features],
        )
