"""The report and follow-up as the API returns them."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from app.live.models import FollowUpStatus, SignUpSource
from app.schemas import Input, Output, Text


class BySource(Output):
    live: int
    replay: int
    page: int
    onsite: int


class JobFigures(Output):
    job_id: str
    title: str
    employer_id: str
    employer_name: str
    category: str
    headcount: int
    pushes: int
    viewers_while_shown: int
    signups_while_shown: int
    signups: int
    signups_by_source: BySource
    conversion: float
    intents: int
    hires: int


class EmployerFigures(Output):
    employer_id: str
    name: str
    jobs: int
    headcount: int
    pushes: int
    signups: int
    intents: int
    hires: int


class TimelinePoint(Output):
    minute: datetime
    viewers: int


class CardFigures(Output):
    card_id: str
    job_id: str
    title: str | None
    pushed_at: datetime
    viewers_present: int
    peak_viewers: int
    signups: int
    conversion: float


class RoomFigures(Output):
    room_id: str
    title: str
    host: str
    unique_viewers: int
    peak_concurrent: int
    peak_at: datetime | None
    watch_seconds: float
    average_watch_seconds: float
    timeline: list[TimelinePoint]
    cards: list[CardFigures]


class RegistrationFigures(Output):
    confirmed: int
    waitlisted: int
    cancelled: int
    checked_in: int
    came_rate: float


class FairReport(Output):
    fair_id: str
    title: str
    timezone: str
    generated_at: datetime
    scope: str = Field(description="all, or employer when a host reads their employer's part")
    unique_viewers: int
    card_viewers: int = Field(description="viewers who watched while a job card was on screen")
    peak_concurrent: int
    peak_at: datetime | None
    watch_seconds: float
    average_watch_seconds: float
    people_served: int
    checkins: int
    registrations: RegistrationFigures
    signups: int
    signups_by_source: BySource
    intents: int
    hires: int
    jobs: list[JobFigures]
    employers: list[EmployerFigures]
    rooms: list[RoomFigures]


class FollowUpNoteOut(Output):
    id: str
    status: FollowUpStatus
    text: str
    created_at: datetime


class CandidateOut(Output):
    signup_id: str
    job_id: str
    name: str
    mobile: str
    source: SignUpSource
    signed_up_at: datetime
    withdrawn: bool
    status: FollowUpStatus
    notes: list[FollowUpNoteOut]


class FollowUpIn(Input):
    status: FollowUpStatus
    note: Text(1000) = ""
