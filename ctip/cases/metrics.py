"""The cases area's fiscal-year figures, computed from the case records every time they are
asked for (the source document's HSI lines: cases initiated, arrests; and what the courts
made of them: indictments and convictions).

A case counts as HSI's when its office is HSI's ("HSI Houston") or left empty. Each figure
counts records whose own date falls in the fiscal year: a case by the day it was opened, an
arrest by its day, an indictment or conviction by the day it was recorded as happening.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctip.cases.access import CaseAction
from ctip.cases.service import hsi_condition
from ctip.cases.tables import ArrestRow, CaseRow, ChargeOutcomeRow, ChargeRow
from ctip.model.area import Metric

RECORDS = "/cases?fy={year}"


def cases_initiated(session: Session, fiscal_year: int) -> int:
    """HSI cases opened in the fiscal year."""
    query = select(func.count()).where(CaseRow.fiscal_year == fiscal_year, hsi_condition())
    return int(session.execute(query).scalar_one())


def cases_by_type(session: Session, fiscal_year: int) -> Mapping[str, int]:
    """HSI cases opened in the fiscal year, by case type."""
    query = (
        select(CaseRow.case_type, func.count())
        .where(CaseRow.fiscal_year == fiscal_year, hsi_condition())
        .group_by(CaseRow.case_type)
        .order_by(CaseRow.case_type)
    )
    return {kind: int(n) for kind, n in session.execute(query)}


def arrests(session: Session, fiscal_year: int) -> int:
    """Arrests made in the fiscal year on HSI cases."""
    query = (
        select(func.count())
        .select_from(ArrestRow)
        .join(CaseRow, CaseRow.number == ArrestRow.case_number)
        .where(ArrestRow.fiscal_year == fiscal_year, hsi_condition())
    )
    return int(session.execute(query).scalar_one())


def arrests_by_type(session: Session, fiscal_year: int) -> Mapping[str, int]:
    """Arrests made in the fiscal year on HSI cases, by the case's type."""
    query = (
        select(CaseRow.case_type, func.count())
        .select_from(ArrestRow)
        .join(CaseRow, CaseRow.number == ArrestRow.case_number)
        .where(ArrestRow.fiscal_year == fiscal_year, hsi_condition())
        .group_by(CaseRow.case_type)
        .order_by(CaseRow.case_type)
    )
    return {kind: int(n) for kind, n in session.execute(query)}


def _persons_with(session: Session, fiscal_year: int, outcome: str) -> int:
    """Arrested persons with a charge that reached `outcome` in the fiscal year (a person
    indicted on three counts is one indictment)."""
    query = (
        select(func.count(func.distinct(ChargeRow.arrest_id)))
        .select_from(ChargeOutcomeRow)
        .join(ChargeRow, ChargeRow.id == ChargeOutcomeRow.charge_id)
        .join(CaseRow, CaseRow.number == ChargeOutcomeRow.case_number)
        .where(
            ChargeOutcomeRow.fiscal_year == fiscal_year,
            ChargeOutcomeRow.outcome == outcome,
            hsi_condition(),
        )
    )
    return int(session.execute(query).scalar_one())


def indictments(session: Session, fiscal_year: int) -> int:
    """Persons indicted in the fiscal year on HSI cases."""
    return _persons_with(session, fiscal_year, "indicted")


def convictions(session: Session, fiscal_year: int) -> int:
    """Persons convicted in the fiscal year on HSI cases."""
    return _persons_with(session, fiscal_year, "convicted")


METRICS = (
    Metric(
        "hsi_cases_initiated",
        "HSI human-trafficking cases initiated",
        cases_initiated,
        records=RECORDS,
        action=CaseAction.READ,
        breakdown=cases_by_type,
    ),
    Metric(
        "hsi_arrests",
        "HSI human-trafficking arrests",
        arrests,
        records=RECORDS,
        action=CaseAction.READ,
        breakdown=arrests_by_type,
    ),
    Metric(
        "hsi_indictments",
        "Persons indicted on HSI human-trafficking cases",
        indictments,
        records=RECORDS,
        action=CaseAction.READ,
    ),
    Metric(
        "hsi_convictions",
        "Persons convicted on HSI human-trafficking cases",
        convictions,
        records=RECORDS,
        action=CaseAction.READ,
    ),
)
