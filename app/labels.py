"""Human labels for the enumerations, translated at render time."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.fairs.models import FairMode, FairStatus, RoomStatus
from app.jobs.models import Benefit, Category, PayUnit, WorkType
from app.reports.exports import Wording

LABELS = {
    Category.MANUFACTURING: _l("Manufacturing"),
    Category.LOGISTICS: _l("Logistics & delivery"),
    Category.CATERING: _l("Catering"),
    Category.RETAIL: _l("Retail"),
    Category.DOMESTIC: _l("Domestic services"),
    Category.CONSTRUCTION: _l("Construction"),
    Category.CLEANING: _l("Cleaning"),
    Category.SECURITY: _l("Security"),
    Category.DRIVING: _l("Driving"),
    Category.OFFICE: _l("Office"),
    Category.OTHER: _l("Other"),
    PayUnit.HOUR: _l("hour"),
    PayUnit.DAY: _l("day"),
    PayUnit.MONTH: _l("month"),
    PayUnit.PIECE: _l("piece"),
    WorkType.GIG: _l("Gig"),
    WorkType.PART_TIME: _l("Part-time"),
    WorkType.FULL_TIME: _l("Full-time"),
    Benefit.MEALS: _l("Meals"),
    Benefit.HOUSING: _l("Housing"),
    Benefit.TRANSPORT: _l("Transport"),
    Benefit.SOCIAL_INSURANCE: _l("Social insurance"),
    Benefit.DAILY_PAY: _l("Paid daily"),
    Benefit.OVERTIME_PAY: _l("Overtime pay"),
    Benefit.TRAINING: _l("Training"),
    Benefit.UNIFORM: _l("Uniform"),
    FairMode.ONLINE: _l("Online"),
    FairMode.OFFLINE: _l("On site"),
    FairMode.HYBRID: _l("Online and on site"),
}
# Enumerations whose values coincide ("live", "ended") keep their labels apart, by kind: in one
# dict a room's "live" would replace the fair's.
LABELS_BY_KIND = {
    FairStatus: {
        FairStatus.DRAFT: _l("Draft"),
        FairStatus.PUBLISHED: _l("Published"),
        FairStatus.LIVE: _l("Live now"),
        FairStatus.ENDED: _l("Ended"),
        FairStatus.CANCELLED: _l("Cancelled"),
    },
    RoomStatus: {
        RoomStatus.SCHEDULED: _l("Scheduled"),
        RoomStatus.WAITING: _l("Waiting for the host"),
        RoomStatus.LIVE: _l("Live"),
        RoomStatus.RECONNECTING: _l("Reconnecting"),
        RoomStatus.ENDED: _l("Ended"),
    },
}


# The report's columns and sheets as staff read them in a spreadsheet.
EXPORT_HEADINGS = {
    "job_id": _l("Job ID"),
    "title": _l("Title"),
    "employer_id": _l("Employer ID"),
    "employer_name": _l("Employer"),
    "name": _l("Name"),
    "category": _l("Category"),
    "headcount": _l("Openings"),
    "jobs": _l("Jobs"),
    "pushes": _l("Times presented"),
    "viewers_while_shown": _l("Viewers while shown"),
    "signups_while_shown": _l("Sign-ups while shown"),
    "signups": _l("Sign-ups"),
    "signups_live": _l("Sign-ups (live)"),
    "signups_replay": _l("Sign-ups (replay)"),
    "signups_page": _l("Sign-ups (fair page)"),
    "signups_onsite": _l("Sign-ups (on site)"),
    "signups_notification": _l("Sign-ups (from a notification)"),
    "conversion": _l("Conversion while shown"),
    "intents": _l("Intents reached"),
    "hires": _l("Hires"),
    "contracts_signed": _l("Contracts signed"),
    "contracts_completed": _l("Contracts completed"),
    "contracts_confirmed": _l("Contracts confirmed"),
    "contracts_disputed": _l("Contracts disputed"),
    "wages_confirmed": _l("Wages confirmed (yuan)"),
    "fair": _l("Fair"),
    "unique_viewers": _l("Unique viewers"),
    "card_viewers": _l("Viewers who saw a card"),
    "peak_concurrent": _l("Peak concurrent viewers"),
    "peak_at": _l("Peak at"),
    "watch_seconds": _l("Watch time (seconds)"),
    "average_watch_seconds": _l("Average watch time (seconds)"),
    "people_served": _l("People served"),
    "checkins": _l("Check-ins"),
    "registrations_confirmed": _l("Registrations (confirmed)"),
    "registrations_waitlisted": _l("Registrations (waiting list)"),
    "registrations_cancelled": _l("Registrations (cancelled)"),
    "registrations_checked_in": _l("Registrations (checked in)"),
    "registrations_came_rate": _l("Show-up rate"),
    "room_id": _l("Session ID"),
    "room_title": _l("Session"),
    "host": _l("Host"),
    "minute": _l("Minute"),
    "viewers": _l("Viewers"),
    "TOTAL": _l("Total"),
    "Summary": _l("Summary"),
    "Jobs": _l("Jobs"),
    "Employers": _l("Employers"),
    "Rooms": _l("Sessions"),
    "Timeline": _l("Viewers by minute"),
}
# Columns whose codes are shown as their labels in exports.
LABELLED_COLUMNS = {"category": Category}


def export_heading(name: str) -> str:
    """A report column's or sheet's heading in the reader's language."""
    heading = EXPORT_HEADINGS.get(name)
    return str(heading) if heading is not None else name


def export_label(column: str, value):
    """A code in a report column as its label; other values as they are."""
    kind = LABELLED_COLUMNS.get(column)
    if kind is None or value in (None, ""):
        return value
    try:
        return label(kind(value))
    except ValueError:
        return value


def export_wording(timezone: str) -> Wording:
    """How the report's files read for the current reader, on the fair's clock."""
    return Wording(heading=export_heading, label=export_label, timezone=timezone)


def label(value) -> str:
    """The translated label of an enumeration value (its raw value when it has none)."""
    kind = LABELS_BY_KIND.get(type(value))
    return str((kind if kind is not None else LABELS).get(value, value))


def pay_text(job) -> str:
    """Pay as people read it: ¥22–25 / hour."""

    def amount(x: float) -> str:
        return f"{x:g}"

    span = (
        amount(job.pay_min)
        if job.pay_min == job.pay_max
        else f"{amount(job.pay_min)}–{amount(job.pay_max)}"
    )
    return f"¥{span} / {label(job.pay_unit)}"
