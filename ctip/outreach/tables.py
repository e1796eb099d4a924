"""Tables of the outreach area: trainings and presentations, partners, materials.

Workflow records FtM does not model, so plain rows. A training and a presentation differ
in what they are for (teaching a course to officers and staff, raising awareness in an
audience), not in what is kept about them, so they share one table told apart by `kind`.
Nothing here is a victim's or a tipster's data: the rows hold counts, places and dates.
"""

from __future__ import annotations

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ctip.store.tables import TIMESTAMP, Base

DATE = String(10)


class ActivityRow(Base):
    """One training or presentation: what, by which component, to whom, when, where, how many."""

    __tablename__ = "outreach_activities"
    __table_args__ = (Index("ix_outreach_activities_held_on", "held_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    component: Mapped[str] = mapped_column(String(100))
    audience: Mapped[str] = mapped_column(String(100))
    held_on: Mapped[str] = mapped_column(DATE)
    place: Mapped[str] = mapped_column(String(300))
    attendees: Mapped[int] = mapped_column(Integer)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[str] = mapped_column(TIMESTAMP)
    file_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class PartnerRow(Base):
    """An organisation that joined an initiative (an airline joining Blue Lightning) on a day."""

    __tablename__ = "outreach_partners"
    __table_args__ = (Index("ix_outreach_partners_joined_on", "joined_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(300))
    initiative: Mapped[str] = mapped_column(String(100))
    sector: Mapped[str] = mapped_column(String(100))
    joined_on: Mapped[str] = mapped_column(DATE)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[str] = mapped_column(TIMESTAMP)
    file_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class MaterialRow(Base):
    """Awareness materials handed out (indicator cards, posters, shoe cards) by a component."""

    __tablename__ = "outreach_materials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(300))
    component: Mapped[str] = mapped_column(String(100))
    distributed_on: Mapped[str] = mapped_column(DATE)
    place: Mapped[str] = mapped_column(Text)
    quantity: Mapped[int] = mapped_column(Integer)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[str] = mapped_column(TIMESTAMP)
