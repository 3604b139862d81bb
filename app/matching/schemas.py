"""Input and output of job-seeker registration, matches and invitations."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from app.jobs.models import PayUnit, WorkType
from app.jobs.schemas import MAX_PAY, JobOut
from app.matching.models import InviteKind, InviteStatus
from app.matching.vocabulary import category_of
from app.schemas import Id, Input, Name, Output, Text

_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
Word = Text(20, 1)


class Notify(Input):
    in_app: bool = True
    web_push: bool = True
    sms: bool = False


class QuietHours(Input):
    start: str
    end: str

    @field_validator("start", "end")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not _CLOCK.match(value):
            raise ValueError("a time as HH:MM (00:00-23:59)")
        return value


class ProfileIn(Input):
    """The whole registration (PUT replaces it). categories take codes or common names."""

    name: Name | None = None
    categories: list[Word] = Field(min_length=1, max_length=6)
    districts: list[Text(50, 1)] = Field(default_factory=list, max_length=10)
    pay_min: float | None = Field(None, ge=0, le=MAX_PAY)
    pay_unit: PayUnit | None = None
    work_types: list[WorkType] = Field(default_factory=list, max_length=3)
    shifts: list[Literal["day", "night"]] = Field(default_factory=list, max_length=2)
    days: list[Literal["weekdays", "weekends"]] = Field(default_factory=list, max_length=2)
    daily_pay: bool = False
    available_from: date | None = None
    skills: list[Word] = Field(default_factory=list, max_length=20)
    certificates: list[Word] = Field(default_factory=list, max_length=20)
    intro: Text(500, multiline=True) = ""
    discoverable: bool = False
    notify: Notify = Field(default_factory=Notify)
    quiet_hours: QuietHours | None = QuietHours(start="21:00", end="08:00")

    @field_validator("categories")
    @classmethod
    def _categories(cls, value: list[str]) -> list[str]:
        codes = []
        for word in value:
            category = category_of(word)
            if category is None:
                raise ValueError(f"unknown kind of work: {word}")
            if category.value not in codes:
                codes.append(category.value)
        return codes

    @field_validator("districts", "work_types", "shifts", "days", "skills", "certificates")
    @classmethod
    def _distinct(cls, value: list) -> list:
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _pay(self):
        if (self.pay_min is None) != (self.pay_unit is None):
            raise ValueError("give the lowest pay together with its unit (pay_min and pay_unit)")
        return self


class ProfileOut(Output):
    id: str
    seeker_id: str
    name: str
    categories: list[str]
    districts: list[str]
    pay_min: float | None
    pay_unit: PayUnit | None
    work_types: list[str]
    shifts: list[str]
    days: list[str]
    daily_pay: bool
    available_from: date | None
    skills: list[str]
    certificates: list[str]
    intro: str
    discoverable: bool
    notify: Notify
    quiet_hours: QuietHours | None
    updated_at: datetime


class FairRef(BaseModel):
    id: str
    title: str
    starts_at: datetime
    url: str
    rooms: list[dict] = []


class MatchOut(BaseModel):
    job: JobOut
    score: int
    reasons: list[str]
    fairs: list[FairRef] = []


class SeekerMatchOut(BaseModel):
    profile_id: str
    display_name: str
    score: int
    reasons: list[str]
    invited: InviteStatus | None = None


class InviteIn(Input):
    profile_id: Id
    room_id: Id | None = None
    fair_id: Id | None = None
    message: Text(300, multiline=True) = ""


class InviteOut(BaseModel):
    id: str
    job_id: str
    job_title: str
    employer_name: str
    kind: InviteKind
    room_id: str | None
    fair_id: str | None
    message: str
    status: InviteStatus
    created_at: datetime
    answered_at: datetime | None
    # Only once the seeker accepted (and only to the inviting side): who they are.
    contact: dict | None = None
    display_name: str
