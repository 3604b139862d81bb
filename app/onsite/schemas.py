"""On-site input and output: registering, checking in, booth sign-ups and booth numbers."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import field_validator, model_validator

from app.onsite.models import (
    BOOTH_NUMBER_LENGTH,
    CheckInMethod,
    RegistrationChannel,
    RegistrationStatus,
)
from app.schemas import Id, Input, Name, Output, Text
from app.validators import normalize_mobile, normalize_resident_id

MOBILE_HINT = "not a mainland China mobile number (11 digits starting 13-19)"


def _mobile(value: str | None) -> str | None:
    if value is None:
        return None
    mobile = normalize_mobile(value)
    if mobile is None:
        raise ValueError(MOBILE_HINT)
    return mobile


class RegistrationIn(Input):
    """Empty when a seeker registers themself; a walk-in's name and mobile when staff do."""

    name: Name | None = None
    mobile: Text(20, 1) | None = None
    # A walk-in's resident ID number, when they showed their card (kept hashed and masked).
    id_number: Text(30, 1) | None = None

    @field_validator("mobile")
    @classmethod
    def _check_mobile(cls, value: str | None) -> str | None:
        return _mobile(value)

    @field_validator("id_number")
    @classmethod
    def _check_id_number(cls, value: str | None) -> str | None:
        if value is None:
            return None
        number = normalize_resident_id(value)
        if number is None:
            raise ValueError("not a valid resident ID number (check digit does not match)")
        return number

    @model_validator(mode="after")
    def _both_or_neither(self):
        if (self.name is None) != (self.mobile is None):
            missing = "name" if self.name is None else "mobile"
            raise ValueError(f"a walk-in needs a name and a mobile number ({missing} is missing)")
        if self.id_number is not None and self.mobile is None:
            raise ValueError("an ID number goes with a walk-in's name and mobile number")
        return self

    @property
    def is_walk_in(self) -> bool:
        return self.mobile is not None


class PersonRef(Input):
    """Who is at the desk: the ticket's code (typed, or the QR code's text) or their mobile."""

    ticket_code: Text(200, 1) | None = None
    mobile: Text(20, 1) | None = None

    @field_validator("mobile")
    @classmethod
    def _check_mobile(cls, value: str | None) -> str | None:
        return _mobile(value)

    @model_validator(mode="after")
    def _exactly_one(self):
        if (self.ticket_code is None) == (self.mobile is None):
            raise ValueError("give either ticket_code or mobile")
        return self


class CheckInIn(PersonRef):
    """A check-in at the entrance."""


class OnsiteSignUpIn(PersonRef):
    """A sign-up for a job taken at an employer's booth, for a person who checked in."""

    job_id: Id


class BoothIn(Input):
    """An employer's booth number at a fair; null takes the booth away."""

    number: Text(BOOTH_NUMBER_LENGTH, 1) | None


class PersonOut(Output):
    """A person as staff see them, with how far who they are is established."""

    id: str
    name: str
    mobile: str | None
    verified_mobile: bool = False
    real_name_level: str = "none"
    staff_registered: bool = False


class RegistrationOut(Output):
    id: str
    fair_id: str
    fair_title: str
    ticket_code: str
    status: RegistrationStatus
    channel: RegistrationChannel
    person: PersonOut
    registered_at: datetime
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    checked_in_at: datetime | None
    waitlist_position: int | None
    ticket_url: str
    created: bool = False


class CheckInOut(Output):
    ok: Literal[True] = True
    person: PersonOut
    registration_id: str
    ticket_code: str
    method: CheckInMethod
    checked_in_at: datetime
    fair_id: str


class OnsiteSignUpOut(Output):
    created: bool
    count: int
    job_id: str
    person: PersonOut


class AttendanceOut(Output):
    fair_id: str
    capacity: int | None
    confirmed: int
    waitlisted: int
    places_left: int | None
    checked_in: int | None


class BoothOut(Output):
    fair_id: str
    employer_id: str
    employer_name: str
    number: str | None
    jobs_url: str
