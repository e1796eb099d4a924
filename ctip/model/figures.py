"""The catalogue of fiscal-year figures the areas compute, for whoever reports them.

Areas declare their metrics in their descriptor; the registry hands them here at install
(as it hands grants to the policy), so a reporting area reads every figure without importing
the areas or the registry.
"""

from __future__ import annotations

from ctip.model.area import Metric

_declared: dict[str, tuple[str, Metric]] = {}
"""Metric id -> (area name, metric), in declaration order."""


def declare_metrics(area: str, metrics: tuple[Metric, ...]) -> None:
    """Add an area's metrics; an id declared by another area (or twice) is refused."""
    for metric in metrics:
        known = _declared.get(metric.id)
        if known is not None and known != (area, metric):
            raise ValueError(f"metric {metric.id!r} declared twice")
        _declared[metric.id] = (area, metric)


def withdraw_metrics(metrics: tuple[Metric, ...]) -> None:
    """Forget metrics declared earlier (a throwaway area in a test)."""
    for metric in metrics:
        _declared.pop(metric.id, None)


def declared_metrics() -> list[tuple[str, Metric]]:
    """(area name, metric) of every declared figure, in declaration order."""
    return list(_declared.values())
