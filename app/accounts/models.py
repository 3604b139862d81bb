"""People who use FairCast and the credentials they present."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import IdColumn, UTCDateTime, enum_type, new_id, utcnow
from app.extensions import db


class Role(StrEnum):
    ORGANISER = "organiser"
    HOST = "host"
    SEEKER = "seeker"


class HasRole:
    """What a role says about someone: shared by accounts and the Actor acting for one."""

    role: Role | None

    @property
    def is_organiser(self) -> bool:
        return self.role == Role.ORGANISER

    @property
    def is_host(self) -> bool:
        return self.role == Role.HOST

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.ORGANISER, Role.HOST)


class Employer(db.Model):
    """A company taking part in fairs, identified by its unified social credit code."""

    __tablename__ = "employers"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RealNameLevel(StrEnum):
    """How far a seeker's real name is established (the platform's headline figures)."""

    NONE = "none"
    ID_CHECKED = "id_checked"  # the ID number is well-formed and fits the name's owner's birth
    VERIFIED = "verified"  # the authority's name + ID check said yes


class Seeker(db.Model):
    """A job seeker as a person: one mobile number is one person, online and on site."""

    __tablename__ = "seekers"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(50))
    # None once the person deleted their account (their sign-ups stay, anonymised, in counts).
    mobile: Mapped[str | None] = mapped_column(String(11), unique=True)
    # A keyed hash (never the number itself), so the same ID finds the same person.
    id_number_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Shown where the real ID number would be (contracts, staff pages): 3505**********123X.
    id_number_masked: Mapped[str | None] = mapped_column(String(18))
    # Set when the person proved the number with an SMS code; None for staff-made records.
    mobile_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    real_name_level: Mapped[RealNameLevel] = mapped_column(
        enum_type(RealNameLevel), default=RealNameLevel.NONE
    )
    real_name_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The staff member who registered this person on their behalf (service hall, desk).
    registered_by_id: Mapped[str | None] = mapped_column(
        # users refer to seekers too: the constraint is added after both tables exist.
        ForeignKey("users.id", use_alter=True, name="fk_seekers_registered_by_id")
    )
    # The privacy notice the person agreed to at their first verification.
    consent_version: Mapped[str | None] = mapped_column(String(20))
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def mobile_verified(self) -> bool:
        return self.mobile_verified_at is not None

    @property
    def staff_registered(self) -> bool:
        """Made by staff for someone who has not yet proved their number themself."""
        return self.registered_by_id is not None and self.mobile_verified_at is None


class User(HasRole, UserMixin, db.Model):
    """An account that signs in: an organiser, a host (of one employer) or a seeker."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role))
    display_name: Mapped[str] = mapped_column(String(50), default="")
    employer_id: Mapped[str | None] = mapped_column(ForeignKey("employers.id"))
    seeker_id: Mapped[str | None] = mapped_column(ForeignKey("seekers.id"), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped to end every session and socket of this account (logout everywhere, role change).
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    employer = relationship("Employer")
    seeker = relationship("Seeker", foreign_keys=[seeker_id])

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def name(self) -> str:
        if self.seeker is not None:
            return self.seeker.name
        return self.display_name or self.username


class TokenScope(StrEnum):
    """What an API token may do: everything its user may, or only read exports."""

    FULL = "full"
    EXPORT = "export"
    EXPORT_PERSONAL = "export_personal"


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored, the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[TokenScope] = mapped_column(enum_type(TokenScope), default=TokenScope.FULL)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # None: valid until revoked (a data centre's integration); else it stops working then.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User")

    def valid_at(self, moment: datetime) -> bool:
        """Neither revoked nor expired at moment."""
        return self.revoked_at is None and (self.expires_at is None or moment < self.expires_at)


class LoginFailure(db.Model):
    """A failed password attempt, kept for rate limiting and lockout."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    ip: Mapped[str] = mapped_column(String(45), index=True)
    # The browser that tried, when it had signed in to this account before.
    device: Mapped[str | None] = mapped_column(String(32), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class LoginSession(db.Model):
    """One sign-in in one browser; signing out ends it, so a copied cookie stops working."""

    __tablename__ = "login_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OneTimeCode(db.Model):
    """A code sent by SMS to prove a mobile number: only its keyed hash is kept. Each row is also
    one send, which the limits per number, address and browser count."""

    __tablename__ = "one_time_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mobile: Mapped[str] = mapped_column(String(11), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    code_hash: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(45), index=True)
    browser: Mapped[str | None] = mapped_column(String(40), index=True)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RealNameAttempt(db.Model):
    """One try at real-name verification, for the limits per person and per browser."""

    __tablename__ = "realname_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seeker_id: Mapped[str] = mapped_column(ForeignKey("seekers.id"), index=True)
    browser: Mapped[str | None] = mapped_column(String(40), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
