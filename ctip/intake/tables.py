"""Tables of the intake area: public tips (and forced-labour allegations), what reporters add
later, the keys tips are deduplicated by, and front-line encounter screenings.

A tip holds what the reporter chose to tell and nothing about how it arrived: no address, no
user agent, no session. The acknowledgement code a reporter gets back is kept only as its
SHA-256, so a copy of the database cannot be used to add to someone else's tip. What
happened to a tip (accepted into a case, referred, closed) lives in the shared ledger; its
state is computed from the events, never stored here.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ctip.store.tables import TIMESTAMP, Base

DATE = String(10)
JSON_LIST = Text
"""A JSON list of strings (persons, phones, ...), '[]' when empty."""


class TipRow(Base):
    """One tip as the reporter (or a referring officer) gave it."""

    __tablename__ = "intake_tips"
    __table_args__ = (
        Index("ix_intake_tips_received_on", "received_on"),
        Index("ix_intake_tips_activity", "activity"),
    )

    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    ack_sha256: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    received_at: Mapped[str] = mapped_column(TIMESTAMP)
    received_on: Mapped[str] = mapped_column(DATE)
    channel: Mapped[str] = mapped_column(String(20))
    reporter_location: Mapped[str] = mapped_column(String(12))
    activity: Mapped[str] = mapped_column(String(40))
    narrative: Mapped[str] = mapped_column(Text)
    persons: Mapped[str] = mapped_column(JSON_LIST, default="[]")
    places: Mapped[str] = mapped_column(JSON_LIST, default="[]")
    phones: Mapped[str] = mapped_column(JSON_LIST, default="[]")
    emails: Mapped[str] = mapped_column(JSON_LIST, default="[]")
    vehicles: Mapped[str] = mapped_column(JSON_LIST, default="[]")
    contact: Mapped[str] = mapped_column(Text, default="")
    company: Mapped[str] = mapped_column(String(300), default="")
    goods: Mapped[str] = mapped_column(String(300), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    ilo_indicators: Mapped[str] = mapped_column(JSON_LIST, default="[]")
    documents: Mapped[str] = mapped_column(JSON_LIST, default="[]")
    screening_id: Mapped[str] = mapped_column(String(40), default="")


class TipAdditionRow(Base):
    """Information a reporter added later with the acknowledgement code."""

    __tablename__ = "intake_tip_additions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tip_id: Mapped[str] = mapped_column(String(20), index=True)
    added_at: Mapped[str] = mapped_column(TIMESTAMP)
    narrative: Mapped[str] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text, default="{}")


class TipKeyRow(Base):
    """A normalised phone, e-mail or name of a tip: what tips are deduplicated by, in SQL."""

    __tablename__ = "intake_tip_keys"
    __table_args__ = (Index("ix_intake_tip_keys_key", "kind", "key"),)

    tip_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(320), primary_key=True)
    value: Mapped[str] = mapped_column(String(320))


class ScreeningRow(Base):
    """One encounter screening by a front-line officer: where, when, the answers, the score."""

    __tablename__ = "intake_screenings"
    __table_args__ = (
        Index("ix_intake_screenings_officer", "officer", "encountered_on"),
        Index("ix_intake_screenings_draft", "officer", "draft_id", unique=True),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    draft_id: Mapped[str] = mapped_column(String(64))
    """The browser's id for the draft: a retried send finds the screening it already made."""
    officer: Mapped[str] = mapped_column(String(100))
    place: Mapped[str] = mapped_column(String(200))
    port: Mapped[str] = mapped_column(String(10), default="")
    encountered_on: Mapped[str] = mapped_column(DATE)
    recorded_at: Mapped[str] = mapped_column(TIMESTAMP)
    answers: Mapped[str] = mapped_column(Text)
    notes: Mapped[str] = mapped_column(Text, default="")
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    subject_name: Mapped[str] = mapped_column(String(300), default="")
    """Only with the person's consent; empty otherwise."""
    score: Mapped[float] = mapped_column(Float)
    outcome: Mapped[str] = mapped_column(String(40))
    explanation: Mapped[str] = mapped_column(Text)
    referral: Mapped[str] = mapped_column(String(20), default="none")
    case_id: Mapped[str] = mapped_column(String(60), default="")
    tip_id: Mapped[str] = mapped_column(String(20), default="")
