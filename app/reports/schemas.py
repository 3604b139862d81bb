"""The report and follow-up as the API returns them."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field, model_validator

from app.fairs.schemas import FairOut
from app.jobs.models import Category, PayUnit
from app.jobs.schemas import JobOut
from app.live.models import FollowUpStatus, SignUpSource
from app.schemas import Input, Output, Text


class BySource(Output):
    live: int
    replay: int
    page: int
    onsite: int
    notification: int = 0


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
    contracts_signed: int = 0
    contracts_completed: int = 0
    contracts_confirmed: int = 0
    contracts_disputed: int = 0
    wages_confirmed: float = 0.0


class EmployerFigures(Output):
    employer_id: str
    name: str
    jobs: int
    headcount: int
    pushes: int
    signups: int
    intents: int
    hires: int
    contracts_signed: int = 0
    contracts_completed: int = 0
    contracts_confirmed: int = 0
    contracts_disputed: int = 0


class TimelinePoint(Output):
    minute: datetime
    viewers: int


class CardFigures(Output):
    card_id: str
    room_id: str
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


class PeopleFigures(Output):
    """How far people are verified: registered users, mobile-verified, ID checked, real-name
    verified (the platform's headline figures)."""

    registered: int
    mobile_verified: int
    id_checked: int
    real_name_verified: int


class Turnout(Output):
    """The figures of how a fair went, as the report and the statistics export both give them."""

    unique_viewers: int
    card_viewers: int = Field(description="viewers who watched while a job card was on screen")
    peak_concurrent: int
    peak_at: datetime | None
    watch_seconds: float
    average_watch_seconds: float
    people_served: int
    people: PeopleFigures
    checkins: int
    registrations: RegistrationFigures
    signups: int
    signups_by_source: BySource
    intents: int
    hires: int
    contracts_signed: int = Field(0, description="contracts signed by both parties")
    contracts_completed: int = 0
    contracts_confirmed: int = 0
    contracts_disputed: int = 0
    wages_confirmed: float = Field(0.0, description="pay the workers confirmed receiving")


class Funnel(Output):
    """The same people at each step, each a part of the one before."""

    viewers: int
    saw_card: int = Field(description="of the viewers, those who watched while a card was shown")
    signed_up: int = Field(description="of those, the people who signed up for a job")
    intents: int = Field(description="of those, the people with an intent reached (or hired)")
    hires: int = Field(description="of those, the people hired")


class FairReport(Turnout):
    fair_id: str
    title: str
    timezone: str
    generated_at: datetime
    scope: str = Field(description="all, or employer when a host reads their employer's part")
    funnel: Funnel
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
    note: Text(1000, multiline=True) = ""


MAX_DASHBOARD_DAYS = 366


class DashboardIn(Input):
    """The dashboard's filter: days from–to (inclusive, in the market's time zone), a trade."""

    start: date | None = Field(None, alias="from")
    end: date | None = Field(None, alias="to")
    category: Category | None = None

    @model_validator(mode="after")
    def _span(self) -> DashboardIn:
        if self.start and self.end:
            if self.end < self.start:
                raise ValueError("to must not be before from")
            if (self.end - self.start).days >= MAX_DASHBOARD_DAYS:
                raise ValueError("at most 366 days at once")
        return self


class DashboardTotals(Output):
    fairs: int
    positions: int
    headcount: int
    signups: int
    intents: int
    hires: int
    contracts_signed: int = Field(0, description="contracts signed by both parties")
    contracts_confirmed: int = 0
    wages_confirmed: float = Field(0.0, description="yuan the workers confirmed receiving")
    signups_per_opening: float


class DashboardDay(Output):
    day: date
    positions: int = Field(description="jobs on offer at fairs held that day")
    headcount: int = Field(description="openings of those jobs")
    signups: int = Field(description="active sign-ups made that day")
    intents: int = Field(description="intents reached that day (first follow-up note saying so)")
    contracts_signed: int = Field(0, description="contracts both parties signed that day")


class DashboardCategory(Output):
    category: Category
    positions: int
    headcount: int
    signups: int
    intents: int
    hires: int


class PayRange(Output):
    unit: PayUnit
    jobs: int
    lowest: float
    highest: float
    average_min: float
    average_max: float


class Dashboard(Output):
    start: date
    end: date
    category: Category | None
    timezone: str
    totals: DashboardTotals
    days: list[DashboardDay]
    categories: list[DashboardCategory]
    pay: list[PayRange]
    people: PeopleFigures


# The export API (for a provincial data centre) -----------------------------------------------

PAGE_FIELDS = {
    "next_cursor": "pass as cursor for the next page; null on the last page",
    "next_since": "on the last page: pass as since next time to get only what changed after",
}


class ExportFair(FairOut):
    updated_at: datetime


class ExportJob(JobOut):
    employer_credit_code: str | None
    created_at: datetime


class ExportSignUp(Output):
    id: str
    fair_id: str
    job_id: str
    employer_id: str
    person_id: str = Field(description="the same person across fairs and sign-ups")
    name: str
    mobile: str
    source: SignUpSource
    signed_up_at: datetime
    withdrawn_at: datetime | None
    status: FollowUpStatus
    followup_at: datetime | None
    updated_at: datetime


class ExportJobStatistics(Output):
    job_id: str
    title: str
    employer_id: str
    category: str
    headcount: int
    pushes: int
    viewers_while_shown: int
    signups: int
    signups_by_source: BySource
    intents: int
    hires: int


class ExportStatistics(Turnout):
    fair_id: str
    title: str
    status: str
    starts_at: datetime
    ends_at: datetime
    as_of: datetime
    jobs: list[ExportJobStatistics]


class ExportFairPage(Output):
    items: list[ExportFair]
    next_cursor: str | None = Field(description=PAGE_FIELDS["next_cursor"])
    next_since: datetime | None = Field(description=PAGE_FIELDS["next_since"])


class ExportJobPage(Output):
    items: list[ExportJob]
    next_cursor: str | None = Field(description=PAGE_FIELDS["next_cursor"])
    next_since: datetime | None = Field(description=PAGE_FIELDS["next_since"])


class ExportSignUpPage(Output):
    items: list[ExportSignUp]
    next_cursor: str | None = Field(description=PAGE_FIELDS["next_cursor"])
    next_since: datetime | None = Field(description=PAGE_FIELDS["next_since"])


class ExportStatisticsPage(Output):
    items: list[ExportStatistics]
    next_cursor: str | None = Field(description=PAGE_FIELDS["next_cursor"])
    next_since: datetime | None = Field(description=PAGE_FIELDS["next_since"])
