"""Rollups kept current as events arrive, so a report never scans the raw event log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from app.db import IdColumn, UTCDateTime, new_id, utcnow
from app.extensions import db


class RoomPerson(db.Model):
    """Someone who watched a room: a person ("s:<seeker>") or, until they identify, a browser."""

    __tablename__ = "room_people"

    room_id: Mapped[str] = mapped_column(
        ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True
    )
    person_key: Mapped[str] = mapped_column(String(48), primary_key=True)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    watch_seconds: Mapped[float] = mapped_column(Float, default=0.0)


class FairPerson(db.Model):
    """Someone the fair reached, online or on site; one row per person per fair."""

    __tablename__ = "fair_people"
    # Covers the report's counts of people reached, watching, and watching while a card was up.
    __table_args__ = (Index("ix_fair_people_counts", "fair_id", "watched", "saw_card"),)

    fair_id: Mapped[str] = mapped_column(
        ForeignKey("fairs.id", ondelete="CASCADE"), primary_key=True
    )
    person_key: Mapped[str] = mapped_column(String(48), primary_key=True)
    watched: Mapped[bool] = mapped_column(Boolean, default=False)
    signed_up: Mapped[bool] = mapped_column(Boolean, default=False)
    # Was watching while a job card was on screen (at its push, or joining while pinned).
    saw_card: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    watch_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RoomStats(db.Model):
    """A room's turnout so far."""

    __tablename__ = "room_stats"

    room_id: Mapped[str] = mapped_column(
        ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True
    )
    unique_viewers: Mapped[int] = mapped_column(Integer, default=0)
    peak_concurrent: Mapped[int] = mapped_column(Integer, default=0)
    peak_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    watch_seconds: Mapped[float] = mapped_column(Float, default=0.0)


class RoomMinute(db.Model):
    """Concurrent viewers of a room in one minute: the most, and the count at its last change."""

    __tablename__ = "room_minutes"

    room_id: Mapped[str] = mapped_column(
        ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True
    )
    minute: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    peak: Mapped[int] = mapped_column(Integer, default=0)
    last: Mapped[int] = mapped_column(Integer, default=0)


class FollowUpNote(db.Model):
    """A dated note of a host's follow-up with someone who signed up (a 回访 record)."""

    __tablename__ = "followup_notes"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    signup_id: Mapped[str] = mapped_column(ForeignKey("signups.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FairStats(db.Model):
    """The most distinct people watching any of a fair's rooms at once, and when."""

    __tablename__ = "fair_stats"

    fair_id: Mapped[str] = mapped_column(
        ForeignKey("fairs.id", ondelete="CASCADE"), primary_key=True
    )
    peak_concurrent: Mapped[int] = mapped_column(Integer, default=0)
    peak_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
