"""The outbox: one row per message per channel, kept for retries and for the reports."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import IdColumn, UTCDateTime, enum_type, new_id, utcnow
from app.extensions import db


class Channel(StrEnum):
    IN_APP = "in_app"
    WEB_PUSH = "web_push"
    SMS = "sms"


class Kind(StrEnum):
    LIVE_MATCH = "live_match"
    INVITE = "invite"
    FAIR_PUBLISHED = "fair_published"
    FAIR_REMINDER = "fair_reminder"
    WAITLIST_PROMOTED = "waitlist_promoted"
    EMPLOYER_MESSAGE = "employer_message"


class Delivery(StrEnum):
    PENDING = "pending"  # waiting to be sent (maybe until quiet hours end, or a retry)
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry, or nowhere to send it
    SKIPPED = "skipped"  # the daily cap was reached


class Notification(db.Model):
    """One message to one person on one channel; the dedupe key makes it at most once."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("seeker_id", "channel", "dedupe_key", name="uq_notifications_once"),
        Index("ix_notifications_due", "status", "next_attempt_at"),
        Index("ix_notifications_seeker_created", "seeker_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    seeker_id: Mapped[str] = mapped_column(ForeignKey("seekers.id", ondelete="CASCADE"))
    channel: Mapped[Channel] = mapped_column(enum_type(Channel))
    kind: Mapped[Kind] = mapped_column(enum_type(Kind))
    dedupe_key: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(300), default="")
    job_id: Mapped[str | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    status: Mapped[Delivery] = mapped_column(enum_type(Delivery), default=Delivery.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The person tapped it (the link leads through /n/<id>, which notes this).
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PushSubscription(db.Model):
    """A browser's Web Push subscription for one person (removed when the service says gone)."""

    __tablename__ = "push_subscriptions"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    seeker_id: Mapped[str] = mapped_column(ForeignKey("seekers.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
