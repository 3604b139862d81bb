"""Human labels for the enumerations, translated at render time."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.fairs.models import FairMode, FairStatus, RoomStatus
from app.jobs.models import Benefit, Category, PayUnit, WorkType

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
    FairStatus.DRAFT: _l("Draft"),
    FairStatus.PUBLISHED: _l("Published"),
    FairStatus.LIVE: _l("Live now"),
    FairStatus.ENDED: _l("Ended"),
    FairStatus.CANCELLED: _l("Cancelled"),
    RoomStatus.SCHEDULED: _l("Scheduled"),
    RoomStatus.WAITING: _l("Waiting for the host"),
    RoomStatus.LIVE: _l("Live"),
    RoomStatus.RECONNECTING: _l("Reconnecting"),
    RoomStatus.ENDED: _l("Ended"),
}


def label(value) -> str:
    """The translated label of an enumeration value (its raw value when it has none)."""
    return str(LABELS.get(value, value))


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
