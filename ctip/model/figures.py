"""The catalogue of fiscal-year figures the areas compute, for whoever reports them.

Areas declare their metrics in their descriptor; the registry hands them here at install
(as it hands grants to the policy), so a reporting area reads every figure without importing
the areas or the registry. An area may hand over where its metrics are declared (a `TupleRef`):
they are imported when the figures are first asked for, not when the registry is.
"""

from __future__ import annotations

from ctip.model.area import Metric, Metrics

_declared: dict[str, Metrics] = {}
"""Area name -> its metrics (or where they are declared), in declaration order."""


def declare_metrics(area: str, metrics: Metrics) -> None:
    """Add (or declare again) an area's metrics."""
    _declared[area] = metrics


def withdraw_metrics(area: str) -> None:
    """Forget an area's metrics (a throwaway area in a test)."""
    _declared.pop(area, None)


def declared_metrics() -> list[tuple[str, Metric]]:
    """(area name, metric) of every declared figure, in declaration order; an id declared by
    two areas (or twice) is refused."""
    found: dict[str, tuple[str, Metric]] = {}
    for area, metrics in list(_declared.items()):
        for metric in metrics:
            if metric.id in found:
                raise ValueError(f"metric {metric.id!r} declared twice")
            found[metric.id] = (area, metric)
    return list(found.values())
