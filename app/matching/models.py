"""What a seeker wants (求职登记), the index that finds them by trade, and invitations."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import IdColumn, UTCDateTime, enum_type, new_id, utcnow
from app.extensions import db
from app.jobs.models import PayUnit

DEFAULT_QUIET_START, DEFAULT_QUIET_END = "21:00", "08:00"


class JobSeekerProfile(db.Model):
    """The work a person wants, kept by them (or by staff at the service hall for them)."""

    __tablename__ = "job_seeker_profiles"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    seeker_id: Mapped[str] = mapped_column(
        ForeignKey("seekers.id", ondelete="CASCADE"), unique=True
    )
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    districts: Mapped[list[str]] = mapped_column(JSON, default=list)
    pay_min: Mapped[float | None] = mapped_column(Numeric(10, 2, asdecimal=False))
    pay_unit: Mapped[PayUnit | None] = mapped_column(enum_type(PayUnit))
    work_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    shifts: Mapped[list[str]] = mapped_column(JSON, default=list)
    days: Mapped[list[str]] = mapped_column(JSON, default=list)
    daily_pay: Mapped[bool] = mapped_column(Boolean, default=False)
    available_from: Mapped[date | None] = mapped_column(Date)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    certificates: Mapped[list[str]] = mapped_column(JSON, default=list)
    intro: Mapped[str] = mapped_column(Text, default="")
    # The words of skills, certificates and intro as the segmenter cut them, kept so matching
    # never runs the segmenter over every profile.
    terms: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Employers see (masked) only people who said so; off until the person turns it on.
    discoverable: Mapped[bool] = mapped_column(Boolean, default=False)
    notify_in_app: Mapped[bool] = mapped_column(Boolean, default=True)
    notify_web_push: Mapped[bool] = mapped_column(Boolean, default=True)
    notify_sms: Mapped[bool] = mapped_column(Boolean, default=False)
    # Local "HH:MM" times; both None: no quiet hours.
    quiet_start: Mapped[str | None] = mapped_column(String(5), default=DEFAULT_QUIET_START)
    quiet_end: Mapped[str | None] = mapped_column(String(5), default=DEFAULT_QUIET_END)
    registered_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    seeker = relationship("Seeker", lazy="joined")


class ProfileCategory(db.Model):
    """The index from a trade to the people who want it, with what the score reads, packed so
    the database ranks one job against every candidate without reading the profiles."""

    __tablename__ = "job_seeker_categories"
    __table_args__ = (Index("ix_job_seeker_categories_profile", "profile_id"),)

    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    profile_id: Mapped[str] = mapped_column(
        ForeignKey("job_seeker_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    districts: Mapped[str] = mapped_column(String(400), default="")  # |东园镇|洛阳镇|
    pay_hourly: Mapped[float | None] = mapped_column(Float)  # the lowest pay, per hour
    pay_piece: Mapped[float | None] = mapped_column(Float)  # or per piece
    work_types: Mapped[int] = mapped_column(Integer, default=0)  # bits (scoring.WORK_TYPE_BITS)
    shifts: Mapped[int] = mapped_column(Integer, default=0)  # bits (scoring.SHIFT_BITS)
    daily_pay: Mapped[bool] = mapped_column(Boolean, default=False)
    certificate_stems: Mapped[str] = mapped_column(Text, default="")
    skill_terms: Mapped[str] = mapped_column(Text, default="")
    discoverable: Mapped[bool] = mapped_column(Boolean, default=False)
    # Wants to hear when a matching job goes live (some channel is on).
    live_alerts: Mapped[bool] = mapped_column(Boolean, default=True)


class JobIndex(db.Model):
    """What matching reads of each job, worked out once when the job is saved (its shift as
    day or night, its pay per hour, the words of its title and requirements), so one seeker
    is ranked against every open job inside the database."""

    __tablename__ = "job_match_index"
    __table_args__ = (Index("ix_job_match_index_category", "category"),)

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(32))
    district: Mapped[str] = mapped_column(String(50))
    pay_hourly: Mapped[float | None] = mapped_column(Float)
    pay_piece: Mapped[float | None] = mapped_column(Float)
    work_type: Mapped[str] = mapped_column(String(32))
    shift: Mapped[str] = mapped_column(String(8))
    daily_pay: Mapped[bool] = mapped_column(Boolean, default=False)
    terms: Mapped[str] = mapped_column(Text, default="")  # |叉车|司机|…
    # The job's updated_at when this row was made: a different one means it is stale.
    job_updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class InviteKind(StrEnum):
    ROOM = "room"  # watch a live session
    FAIR = "fair"  # come to a fair
    CONTACT = "contact"  # the employer would like to call


class InviteStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


# The words a seeker agrees to by accepting: what the employer then sees.
CONSENT_TEXT = "accept-invite-v1: the inviting employer may see my name and mobile number"


class Invitation(db.Model):
    """An employer's invitation to a discoverable seeker; accepting shares their contact."""

    __tablename__ = "invitations"
    __table_args__ = (
        UniqueConstraint("job_id", "profile_id", name="uq_invitations_job_profile"),
        Index("ix_invitations_job_created", "job_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    profile_id: Mapped[str] = mapped_column(
        ForeignKey("job_seeker_profiles.id", ondelete="CASCADE"), index=True
    )
    invited_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[InviteKind] = mapped_column(enum_type(InviteKind))
    room_id: Mapped[str | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"))
    fair_id: Mapped[str | None] = mapped_column(ForeignKey("fairs.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[InviteStatus] = mapped_column(
        enum_type(InviteStatus), default=InviteStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What the seeker agreed to when accepting (recorded consent to share name and number).
    consent: Mapped[str | None] = mapped_column(String(200))

    job = relationship("Job", lazy="joined")
    profile = relationship("JobSeekerProfile", lazy="joined")
