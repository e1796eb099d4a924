"""Tables of the cases area: cases, their team, subjects, deconfliction keys, evidence links,
arrests, charges and charge outcomes.

A case's history (opened, each subject, arrest and link added, referral, closure) is the
case's stream in the shared append-only ledger; its status and closure are computed from the
events. These rows hold the facts a case was given and the records added to it, so that
long lists, need-to-know filters and fiscal-year figures are SQL, never a walk of every
stream. Nothing here is updated or deleted: a charge's later outcome is a new outcome row.
"""

from __future__ import annotations

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ctip.store.tables import TIMESTAMP, Base

DATE = String(10)
USERNAME = String(100)
ENTITY_ID = String(255)


class CaseRow(Base):
    """A case as opened: its number, title, type, office, lead and the day it was opened."""

    __tablename__ = "cases_cases"
    __table_args__ = (
        Index("ix_cases_cases_fiscal_year", "fiscal_year"),
        Index("ix_cases_cases_lead", "lead"),
    )

    number: Mapped[str] = mapped_column(String(24), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    case_type: Mapped[str] = mapped_column(String(30))
    office: Mapped[str] = mapped_column(String(100))
    opened_on: Mapped[str] = mapped_column(DATE)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    lead: Mapped[str] = mapped_column(USERNAME)
    created_at: Mapped[str] = mapped_column(TIMESTAMP)
    created_by: Mapped[str] = mapped_column(USERNAME)


class CaseMemberRow(Base):
    """A person on a case's team (the lead is on it too): who may read the case in full."""

    __tablename__ = "cases_members"
    __table_args__ = (Index("ix_cases_members_username", "username"),)

    case_number: Mapped[str] = mapped_column(String(24), primary_key=True)
    username: Mapped[str] = mapped_column(USERNAME, primary_key=True)
    added_at: Mapped[str] = mapped_column(TIMESTAMP)
    added_by: Mapped[str] = mapped_column(USERNAME)


class CaseSubjectRow(Base):
    """A subject of a case: an entity of the shared store (person, company, account, phone)
    or an identifier (phone, e-mail, account) or a resolved cluster, with its role."""

    __tablename__ = "cases_subjects"
    __table_args__ = (
        UniqueConstraint("case_number", "kind", "key"),
        Index("ix_cases_subjects_case", "case_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_number: Mapped[str] = mapped_column(String(24))
    kind: Mapped[str] = mapped_column(String(20))
    """entity, phone, email, account or cluster."""
    key: Mapped[str] = mapped_column(String(255))
    """The entity or cluster id, or the identifier as the store indexes it (E.164...)."""
    label: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(100))
    added_at: Mapped[str] = mapped_column(TIMESTAMP)
    added_by: Mapped[str] = mapped_column(USERNAME)


class CaseKeyRow(Base):
    """One deconfliction key of a subject: the subject itself and what the store ties to it
    (a person's phones, the entities holding a phone). Two cases sharing a key deconflict."""

    __tablename__ = "cases_keys"
    __table_args__ = (Index("ix_cases_keys_key", "kind", "key"),)

    case_number: Mapped[str] = mapped_column(String(24), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    subject_id: Mapped[int] = mapped_column(Integer)


class EvidenceLinkRow(Base):
    """A link from a case to another area's record (kind + record id), with who and why."""

    __tablename__ = "cases_evidence"
    __table_args__ = (
        UniqueConstraint("case_number", "kind", "record_id"),
        Index("ix_cases_evidence_case", "case_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_number: Mapped[str] = mapped_column(String(24))
    kind: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[str] = mapped_column(String(255))
    why: Mapped[str] = mapped_column(Text)
    added_at: Mapped[str] = mapped_column(TIMESTAMP)
    added_by: Mapped[str] = mapped_column(USERNAME)


class ArrestRow(Base):
    """An arrest of a case's subject: who (entity id), when, by which agency."""

    __tablename__ = "cases_arrests"
    __table_args__ = (
        Index("ix_cases_arrests_case", "case_number"),
        Index("ix_cases_arrests_fiscal_year", "fiscal_year"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_number: Mapped[str] = mapped_column(String(24))
    person: Mapped[str] = mapped_column(ENTITY_ID)
    arrested_on: Mapped[str] = mapped_column(DATE)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    agency: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[str] = mapped_column(TIMESTAMP)
    recorded_by: Mapped[str] = mapped_column(USERNAME)


class ChargeRow(Base):
    """A charge against an arrested person: a federal section (18 U.S.C. 1581-1597) or a
    state statute as written."""

    __tablename__ = "cases_charges"
    __table_args__ = (Index("ix_cases_charges_arrest", "arrest_id"),)

    id: Mapped[str] = mapped_column(String(48), primary_key=True)
    arrest_id: Mapped[str] = mapped_column(String(40))
    case_number: Mapped[str] = mapped_column(String(24))
    statute: Mapped[str] = mapped_column(String(200))
    federal: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[str] = mapped_column(TIMESTAMP)
    recorded_by: Mapped[str] = mapped_column(USERNAME)


class ChargeOutcomeRow(Base):
    """What became of a charge on a day: indicted, convicted or dismissed (appended)."""

    __tablename__ = "cases_charge_outcomes"
    __table_args__ = (
        Index("ix_cases_charge_outcomes_charge", "charge_id"),
        Index("ix_cases_charge_outcomes_fy", "fiscal_year", "outcome"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    charge_id: Mapped[str] = mapped_column(String(48))
    case_number: Mapped[str] = mapped_column(String(24))
    outcome: Mapped[str] = mapped_column(String(20))
    outcome_on: Mapped[str] = mapped_column(DATE)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[str] = mapped_column(TIMESTAMP)
    recorded_by: Mapped[str] = mapped_column(USERNAME)
