"""Fairs and their live sessions, with the state changes each allows."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.config import DEFAULT_TIMEZONE
from app.db import IdColumn, UTCDateTime, enum_type, new_id, utcnow
from app.errors import IllegalTransition
from app.extensions import db


class FairMode(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
    HYBRID = "hybrid"


class FairStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    LIVE = "live"
    ENDED = "ended"
    CANCELLED = "cancelled"


# Which status each status may move to.
FAIR_TRANSITIONS: dict[FairStatus, set[FairStatus]] = {
    FairStatus.DRAFT: {FairStatus.PUBLISHED, FairStatus.CANCELLED},
    FairStatus.PUBLISHED: {FairStatus.LIVE, FairStatus.CANCELLED, FairStatus.DRAFT},
    FairStatus.LIVE: {FairStatus.ENDED},
    FairStatus.ENDED: set(),
    FairStatus.CANCELLED: set(),
}
PUBLIC_STATUSES = (FairStatus.PUBLISHED, FairStatus.LIVE, FairStatus.ENDED, FairStatus.CANCELLED)
# A fair in these takes no more sign-ups, cards, sessions or jobs.
FINISHED_STATUSES = (FairStatus.ENDED, FairStatus.CANCELLED)
# A fair in these lets people in: registrations, check-ins, booths.
OPEN_FAIR_STATUSES = (FairStatus.PUBLISHED, FairStatus.LIVE)


fair_jobs = Table(
    "fair_jobs",
    db.metadata,
    Column("fair_id", ForeignKey("fairs.id", ondelete="CASCADE"), primary_key=True),
    Column("job_id", ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("added_at", UTCDateTime(), default=utcnow),
)


class Fair(db.Model):
    """A recruitment fair: online, on site, or both."""

    __tablename__ = "fairs"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    mode: Mapped[FairMode] = mapped_column(enum_type(FairMode))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIMEZONE)
    venue: Mapped[str | None] = mapped_column(String(200))
    capacity: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[FairStatus] = mapped_column(enum_type(FairStatus), default=FairStatus.DRAFT)
    anonymous_viewers: Mapped[bool] = mapped_column(Boolean, default=True)
    allow_replay: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    jobs = relationship("Job", secondary=fair_jobs, order_by="Job.title")
    rooms = relationship(
        "Room", back_populates="fair", order_by="Room.starts_at", cascade="all, delete-orphan"
    )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, moment: datetime) -> datetime:
        """A stored UTC time as the fair's local time."""
        return moment.astimezone(self.zone)

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def is_over(self) -> bool:
        """Ended or cancelled: nothing more happens at this fair."""
        return self.status in FINISHED_STATUSES

    @property
    def is_open(self) -> bool:
        """Published or live: people may register, check in and visit booths."""
        return self.status in OPEN_FAIR_STATUSES

    @property
    def has_venue(self) -> bool:
        return self.mode in (FairMode.OFFLINE, FairMode.HYBRID)

    @property
    def has_rooms(self) -> bool:
        return self.mode in (FairMode.ONLINE, FairMode.HYBRID)

    def employers(self) -> list:
        """The employers whose jobs are attached, in name order."""
        unique = {job.employer.id: job.employer for job in self.jobs}
        return sorted(unique.values(), key=lambda e: e.name)

    def move_to(self, target: FairStatus) -> None:
        """Change status, refusing a move the current status does not allow."""
        if target == self.status:
            return
        if target not in FAIR_TRANSITIONS[self.status]:
            raise IllegalTransition(
                "The fair's present status does not allow this change.",
                {"status": f"{self.status.value} → {target.value}"},
            )
        self.status = target

    @property
    def on_air(self) -> bool:
        """Whether one of its sessions is being broadcast now (what "live" means to visitors;
        the status is the organiser's)."""
        return any(room.status in ON_AIR_STATUSES for room in self.rooms)

    def publish(self) -> None:
        self.move_to(FairStatus.PUBLISHED)

    def go_live(self) -> None:
        self.move_to(FairStatus.LIVE)

    def end(self) -> None:
        self.move_to(FairStatus.ENDED)

    def cancel(self) -> None:
        self.move_to(FairStatus.CANCELLED)


class RoomStatus(StrEnum):
    SCHEDULED = "scheduled"
    WAITING = "waiting"  # the host opened the broadcast; no video yet
    LIVE = "live"
    RECONNECTING = "reconnecting"
    ENDED = "ended"


ROOM_TRANSITIONS: dict[RoomStatus, set[RoomStatus]] = {
    RoomStatus.SCHEDULED: {RoomStatus.WAITING, RoomStatus.ENDED},
    RoomStatus.WAITING: {RoomStatus.LIVE, RoomStatus.ENDED},
    RoomStatus.LIVE: {RoomStatus.RECONNECTING, RoomStatus.ENDED},
    RoomStatus.RECONNECTING: {RoomStatus.LIVE, RoomStatus.ENDED},
    # A host may go live again in the same slot after ending (a new run, a new replay).
    RoomStatus.ENDED: {RoomStatus.WAITING},
}
OPEN_ROOM_STATUSES = (RoomStatus.WAITING, RoomStatus.LIVE, RoomStatus.RECONNECTING)
# A session viewers can watch now (a dropped host is still on air while it reconnects).
ON_AIR_STATUSES = (RoomStatus.LIVE, RoomStatus.RECONNECTING)


class Room(db.Model):
    """A live session inside a fair: one host, one time slot, one stream."""

    __tablename__ = "rooms"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    fair_id: Mapped[str] = mapped_column(ForeignKey("fairs.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    host_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[RoomStatus] = mapped_column(enum_type(RoomStatus), default=RoomStatus.SCHEDULED)
    # The ingest secret (SRT passphrase / RTMP key); shown only to the host and organisers.
    stream_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    fair = relationship("Fair", back_populates="rooms")
    host = relationship("User", lazy="joined")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ROOM_STATUSES

    def move_to(self, target: RoomStatus) -> None:
        """Change status, refusing a move the current status does not allow."""
        if target == self.status:
            return
        if target not in ROOM_TRANSITIONS[self.status]:
            raise IllegalTransition(
                "The session's present state does not allow this.",
                {"status": f"{self.status.value} → {target.value}"},
            )
        self.status = target

    def open_broadcast(self) -> None:
        self.move_to(RoomStatus.WAITING)

    def stream_started(self) -> None:
        self.move_to(RoomStatus.LIVE)

    def stream_stalled(self) -> None:
        self.move_to(RoomStatus.RECONNECTING)

    def end(self) -> None:
        self.move_to(RoomStatus.ENDED)
