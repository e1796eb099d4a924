"""The intake area's fiscal-year figures, computed from the records each time they are asked
for: public tips and forced-labour allegations received, encounter screenings recorded, and
referrals from screenings. The tips and allegations link to the records behind them."""

from __future__ import annotations

from ctip.intake import queues
from ctip.intake.access import IntakeAction
from ctip.model.area import Metric

METRICS = (
    Metric(
        "intake_tips_received",
        "Public tips received",
        queues.tips_received,
        records="/intake/tips?fy={year}",
        action=IntakeAction.TRIAGE,
        breakdown=queues.tips_by_activity,
    ),
    Metric(
        "intake_allegations_received",
        "Forced-labour allegations received",
        queues.allegations_received,
        records="/intake/allegations?fy={year}",
        action=IntakeAction.REVIEW_ALLEGATIONS,
    ),
    Metric(
        "intake_screenings_recorded",
        "Encounter screenings recorded",
        queues.screenings_recorded,
        breakdown=queues.screenings_by_outcome,
    ),
    Metric(
        "intake_referrals",
        "Encounter screenings referred (HSI tip queue or a case)",
        queues.referrals,
        breakdown=queues.referrals_by_kind,
    ),
)
