"""Tables of the protection area.

A victim row holds the pseudonym and the HTCDS context fields in the clear (they identify
nobody) and the identity only as an AES-GCM sealed blob (`ctip.protection.crypto`): the
database file alone never reveals a name. Relief steps are events of their stream in the
shared append-only ledger (`ledger_events`); their state and deadlines are computed from it.
A break-glass opening is a row of its own, so the assigned specialist sees who opened the
compartment, when and why.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ctip.store.tables import TIMESTAMP, Base

DATE = String(10)
USERNAME = String(100)


class VictimRow(Base):
    """A victim: pseudonym, HTCDS context and the sealed identity."""

    __tablename__ = "protection_victims"
    __table_args__ = (UniqueConstraint("pseudonym_year", "pseudonym_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pseudonym: Mapped[str] = mapped_column(String(20), unique=True)
    pseudonym_year: Mapped[int] = mapped_column(Integer)
    pseudonym_seq: Mapped[int] = mapped_column(Integer)
    identified_on: Mapped[str] = mapped_column(DATE, index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, index=True)
    trafficking_status: Mapped[str] = mapped_column(String(40))
    exploitation: Mapped[str] = mapped_column(Text, default="[]")
    recruitment: Mapped[str] = mapped_column(Text, default="[]")
    control: Mapped[str] = mapped_column(Text, default="[]")
    relationship: Mapped[str] = mapped_column(String(20), default="")
    age_when_trafficked: Mapped[int | None] = mapped_column(Integer, nullable=True)
    needs: Mapped[str] = mapped_column(Text, default="[]")
    assisted: Mapped[bool] = mapped_column(Boolean, default=True)
    identity: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[str] = mapped_column(TIMESTAMP)
    created_by: Mapped[str] = mapped_column(USERNAME)


class VictimCaseRow(Base):
    """A victim's link to a case, by the case id the cases area prints (text, no import)."""

    __tablename__ = "protection_victim_cases"

    victim_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    case_id: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class AssignmentRow(Base):
    """A victim specialist assigned to a victim: the only people who read the identity."""

    __tablename__ = "protection_assignments"

    victim_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    username: Mapped[str] = mapped_column(USERNAME, primary_key=True, index=True)
    assigned_at: Mapped[str] = mapped_column(TIMESTAMP)
    assigned_by: Mapped[str] = mapped_column(USERNAME)


class ReferralRow(Base):
    """A service referral (shelter, medical, legal, interpreter...) and where it stands."""

    __tablename__ = "protection_referrals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    victim_id: Mapped[int] = mapped_column(Integer, index=True)
    service: Mapped[str] = mapped_column(String(30))
    provider: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20))
    referred_on: Mapped[str] = mapped_column(DATE)
    updated_at: Mapped[str] = mapped_column(TIMESTAMP)
    updated_by: Mapped[str] = mapped_column(USERNAME)


class ReliefRow(Base):
    """An immigration relief matter (Continued Presence, T visa, U visa) of one victim.

    What it is and who asked; every step after the request is a ledger event."""

    __tablename__ = "protection_relief"
    __table_args__ = (Index("ix_protection_relief_victim_kind", "victim_id", "kind"),)

    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    victim_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    requested_on: Mapped[str] = mapped_column(DATE)
    fiscal_year: Mapped[int] = mapped_column(Integer, index=True)
    agency: Mapped[str] = mapped_column(String(200), default="")
    officer: Mapped[str] = mapped_column(String(200), default="")
    case_id: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[str] = mapped_column(TIMESTAMP)
    created_by: Mapped[str] = mapped_column(USERNAME)


class BreakGlassRow(Base):
    """A supervisor's recorded opening of one victim's compartment, with the written reason;
    it opens the identity to that supervisor until `expires_at`."""

    __tablename__ = "protection_break_glass"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    victim_id: Mapped[int] = mapped_column(Integer, index=True)
    username: Mapped[str] = mapped_column(USERNAME)
    reason: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[str] = mapped_column(TIMESTAMP)
    expires_at: Mapped[str] = mapped_column(TIMESTAMP)
