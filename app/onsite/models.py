"""Registrations for a fair's venue, check-ins at its entrance, and employers' booths."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import IdColumn, UTCDateTime, enum_type, new_id, utcnow
from app.errors import IllegalTransition
from app.extensions import db

TICKET_CODE_LENGTH = 8
BOOTH_NUMBER_LENGTH = 10


class RegistrationStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class RegistrationChannel(StrEnum):
    ONLINE = "online"  # the person registered themself
    WALK_IN = "walk_in"  # staff registered them at the desk


# Which status each status may move to.
REGISTRATION_TRANSITIONS: dict[RegistrationStatus, set[RegistrationStatus]] = {
    RegistrationStatus.WAITLISTED: {RegistrationStatus.CONFIRMED, RegistrationStatus.CANCELLED},
    RegistrationStatus.CONFIRMED: {RegistrationStatus.CANCELLED},
    # Registering again after cancelling reopens the same record (and ticket).
    RegistrationStatus.CANCELLED: {RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED},
}
ACTIVE_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


class Registration(db.Model):
    """A person's place at a fair's venue (or on its waiting list): one per person and fair."""

    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("fair_id", "seeker_id", name="uq_registration_person"),
        Index("ix_registrations_fair_status", "fair_id", "status", "queued_at"),
    )

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    fair_id: Mapped[str] = mapped_column(ForeignKey("fairs.id", ondelete="CASCADE"))
    seeker_id: Mapped[str] = mapped_column(ForeignKey("seekers.id"), index=True)
    # What the ticket's QR code carries and what staff type in; unique across all fairs, so a
    # ticket shown at the wrong fair is recognised as such.
    ticket_code: Mapped[str] = mapped_column(String(TICKET_CODE_LENGTH), unique=True)
    status: Mapped[RegistrationStatus] = mapped_column(enum_type(RegistrationStatus))
    channel: Mapped[RegistrationChannel] = mapped_column(enum_type(RegistrationChannel))
    registered_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    # The waiting list's order: when the person (last) registered.
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    fair = relationship("Fair")
    seeker = relationship("Seeker", lazy="joined")
    checkin = relationship("CheckIn", uselist=False, back_populates="registration")

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def move_to(self, target: RegistrationStatus) -> None:
        """Change status, refusing a move the current status does not allow."""
        if target == self.status:
            return
        if target not in REGISTRATION_TRANSITIONS[self.status]:
            raise IllegalTransition(
                f"A {self.status.value} registration cannot become {target.value}."
            )
        now = utcnow()
        if target == RegistrationStatus.CONFIRMED:
            self.confirmed_at = now
        elif target == RegistrationStatus.CANCELLED:
            self.cancelled_at = now
        self.status = target

    def confirm(self) -> None:
        self.move_to(RegistrationStatus.CONFIRMED)

    def cancel(self) -> None:
        self.move_to(RegistrationStatus.CANCELLED)

    def reopen(self, status: RegistrationStatus) -> None:
        """A cancelled registration made again: the same ticket, at the back of the queue."""
        if self.status != RegistrationStatus.CANCELLED:
            raise IllegalTransition("Only a cancelled registration can be made again.")
        self.move_to(status)
        self.queued_at = utcnow()
        self.cancelled_at = None
        if status == RegistrationStatus.WAITLISTED:
            self.confirmed_at = None


class CheckInMethod(StrEnum):
    TICKET = "ticket"  # the QR code scanned, or the ticket code typed
    MOBILE = "mobile"  # the mobile number typed


class CheckIn(db.Model):
    """A person entering a fair's venue: at most one per person and fair, whatever the devices."""

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("fair_id", "seeker_id", name="uq_checkin_person"),)

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    fair_id: Mapped[str] = mapped_column(ForeignKey("fairs.id", ondelete="CASCADE"))
    seeker_id: Mapped[str] = mapped_column(ForeignKey("seekers.id"), index=True)
    registration_id: Mapped[str] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )
    method: Mapped[CheckInMethod] = mapped_column(enum_type(CheckInMethod))
    checked_in_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    registration = relationship("Registration", back_populates="checkin")
    seeker = relationship("Seeker", lazy="joined")


class Booth(db.Model):
    """Where an employer stands at a fair's venue, as organisers number it."""

    __tablename__ = "booths"
    __table_args__ = (UniqueConstraint("fair_id", "number", name="uq_booth_number"),)

    fair_id: Mapped[str] = mapped_column(
        ForeignKey("fairs.id", ondelete="CASCADE"), primary_key=True
    )
    employer_id: Mapped[str] = mapped_column(
        ForeignKey("employers.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[str] = mapped_column(String(BOOTH_NUMBER_LENGTH))
    set_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    employer = relationship("Employer", lazy="joined")


class RegistrationLock(db.Model):
    """One row per fair that every change to its registrations and check-ins bumps first.

    The bump is a write, so it queues concurrent changes at one fair behind each other: a row
    lock on PostgreSQL, the database's write lock on SQLite. Counting places after it is exact.
    """

    __tablename__ = "registration_locks"

    fair_id: Mapped[str] = mapped_column(
        ForeignKey("fairs.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
