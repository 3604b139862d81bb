"""What happens in a live room: cards pushed, sign-ups, who was watching, chat."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import IdColumn, UTCDateTime, enum_type, new_id, utcnow
from app.extensions import db


class CardPush(db.Model):
    """A job card shown to a room: a snapshot of the job as it was when pushed."""

    __tablename__ = "card_pushes"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"), index=True)
    snapshot: Mapped[dict] = mapped_column(JSON)
    pushed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Epoch milliseconds of the push, as sent to clients so they can measure delay.
    pushed_at_ms: Mapped[int] = mapped_column(BigInteger)
    pushed_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    viewers_present: Mapped[int] = mapped_column(Integer, default=0)
    # Milliseconds into the broadcast's recording, so a replay shows the card at the same moment.
    stream_offset_ms: Mapped[int | None] = mapped_column(BigInteger)
    run_id: Mapped[str | None] = mapped_column(String(40))
    unpinned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The most people watching while this card was on screen.
    peak_viewers: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SignUpSource(StrEnum):
    LIVE = "live"
    REPLAY = "replay"
    PAGE = "page"
    ONSITE = "onsite"
    # In a live room, reached by tapping a notification about the job (岗位找人's alerts).
    NOTIFICATION = "notification"


# The sources' values, in order: the columns of the counts and of the reports.
SIGN_UP_SOURCES = tuple(source.value for source in SignUpSource)


class FollowUpStatus(StrEnum):
    """Where a host's follow-up call (回访) with a person who signed up has got to."""

    NEW = "new"
    CONTACTED = "contacted"
    INTERVIEWED = "interviewed"
    INTENT_REACHED = "intent_reached"
    HIRED = "hired"
    DECLINED = "declined"


INTENT_STATUSES = (FollowUpStatus.INTENT_REACHED, FollowUpStatus.HIRED)


class SignUp(db.Model):
    """A person's interest in a job at a fair: one row per person and job, whatever retries."""

    __tablename__ = "signups"
    __table_args__ = (
        UniqueConstraint("fair_id", "seeker_id", "job_id", name="uq_signup_person_job"),
        Index("ix_signups_fair_job", "fair_id", "job_id"),
        # Covers the report's count of active sign-ups per card (and the card foreign key).
        Index("ix_signups_card_withdrawn", "card_id", "withdrawn_at"),
    )

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    fair_id: Mapped[str] = mapped_column(ForeignKey("fairs.id", ondelete="CASCADE"))
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"))
    seeker_id: Mapped[str] = mapped_column(ForeignKey("seekers.id"), index=True)
    room_id: Mapped[str | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"))
    # The card on screen when a live sign-up was made: what converted the viewer.
    card_id: Mapped[str | None] = mapped_column(ForeignKey("card_pushes.id", ondelete="SET NULL"))
    source: Mapped[SignUpSource] = mapped_column(enum_type(SignUpSource))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    followup_status: Mapped[FollowUpStatus] = mapped_column(
        enum_type(FollowUpStatus),
        default=FollowUpStatus.NEW,
        server_default=FollowUpStatus.NEW.value,
    )
    followup_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the row last changed (signed up, withdrawn, followed up): what exports sync on.
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, index=True
    )

    seeker = relationship("Seeker")
    job = relationship("Job")


class Presence(db.Model):
    """One viewer's stay in a room, from join to leave (left_at stays empty while present)."""

    __tablename__ = "presence"
    __table_args__ = (
        Index("ix_presence_room_open", "room_id", "left_at"),
        # A viewer who identifies: their browser's stays are found without scanning them all.
        Index("ix_presence_visitor", "visitor_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    # A stable browser id (cookie) for anonymous viewers; the person once they identify.
    visitor_id: Mapped[str] = mapped_column(String(40))
    seeker_id: Mapped[str | None] = mapped_column(ForeignKey("seekers.id"))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    sid: Mapped[str] = mapped_column(String(64), index=True)
    process_id: Mapped[str] = mapped_column(String(32), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RoomViewers(db.Model):
    """How many distinct people watch a room now, as of its last join or leave."""

    __tablename__ = "room_viewers"

    room_id: Mapped[str] = mapped_column(
        ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True
    )
    viewers: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class VisitorLink(db.Model):
    """A browser id that turned out to be a known person (they identified or signed in)."""

    __tablename__ = "visitor_links"

    visitor_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    seeker_id: Mapped[str] = mapped_column(ForeignKey("seekers.id"), index=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChatMessage(db.Model):
    """A chat line in a room; deleting hides it for everyone but keeps the record."""

    __tablename__ = "chat_messages"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    author_key: Mapped[str] = mapped_column(String(40))
    author_name: Mapped[str] = mapped_column(String(50))
    author_is_staff: Mapped[bool] = mapped_column(default=False)
    text: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))


class RoomMute(db.Model):
    """A person silenced in a room's chat by its host or an organiser."""

    __tablename__ = "room_mutes"

    room_id: Mapped[str] = mapped_column(
        ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True
    )
    author_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    muted_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    muted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ServerProcess(db.Model):
    """A running FairCast process; its heartbeat tells when its viewers' presence went stale."""

    __tablename__ = "server_processes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SignUpCount(db.Model):
    """Active sign-ups per job at a fair (in all and by source) and the intents reached from
    them, kept current in the same transaction as each change."""

    __tablename__ = "signup_counts"

    fair_id: Mapped[str] = mapped_column(
        ForeignKey("fairs.id", ondelete="CASCADE"), primary_key=True
    )
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    live: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    replay: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    page: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    onsite: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    notification: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    intents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    hires: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class StreamSource(StrEnum):
    BROWSER = "browser"
    SRT = "srt"
    FILE = "file"
    RTMP = "rtmp"


class StreamRun(db.Model):
    """One broadcast of a room, from going live to its end; kept as a replay afterwards."""

    __tablename__ = "stream_runs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    source: Mapped[StreamSource] = mapped_column(enum_type(StreamSource))
    status: Mapped[str] = mapped_column(String(16))
    # The process whose supervisor runs this broadcast's ffmpeg.
    process_id: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    live_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # PROGRAM-DATE-TIME of the first segment: the replay's time zero.
    first_segment_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hls_path: Mapped[str | None] = mapped_column(String(300))
    replay_path: Mapped[str | None] = mapped_column(String(300))
    poster_path: Mapped[str | None] = mapped_column(String(300))
    srt_port: Mapped[int | None] = mapped_column(Integer)
    restarts: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(String(2000))


class Upload(db.Model):
    """A recorded video a host uploaded to play out as live (a premiere)."""

    __tablename__ = "uploads"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(200))
    # Relative to the uploads folder (never served to viewers directly).
    stored_name: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    duration_seconds: Mapped[float | None] = mapped_column()
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    video_codec: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    premiere_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    played_run_id: Mapped[str | None] = mapped_column(String(40))
