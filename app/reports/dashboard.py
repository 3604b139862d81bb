"""The gig-work market dashboard (零工市场大数据看板): supply against demand across fairs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.accounts.actor import Actor
from app.config import DEFAULT_TIMEZONE
from app.contracts.models import Contract, ContractStatus
from app.extensions import db
from app.fairs.models import Fair, FairStatus, fair_jobs
from app.fairs.services import require_organiser
from app.jobs.models import Category, Job, PayUnit
from app.live.models import INTENT_STATUSES, FollowUpStatus, SignUp
from app.reports.models import FollowUpNote
from app.reports.schemas import DashboardIn
from app.reports.services import people_levels

# Fairs whose jobs were on offer: published, running or held (not drafts, not cancelled ones).
OFFERED_STATUSES = (FairStatus.PUBLISHED, FairStatus.LIVE, FairStatus.ENDED)
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class DashboardFilter:
    """Which days (inclusive, in the dashboard's time zone) and which trade to show."""

    start: date
    end: date
    category: Category | None = None


def default_filter(today: date | None = None) -> DashboardFilter:
    """The last thirty days up to today."""
    today = today or datetime.now(ZoneInfo(DEFAULT_TIMEZONE)).date()
    return DashboardFilter(today - timedelta(days=DEFAULT_DAYS - 1), today)


def resolve_filter(data: DashboardIn, today: date | None = None) -> DashboardFilter:
    """A filter from what was asked: a missing end or start is thirty days from the other."""
    fallback = default_filter(today)
    span = fallback.end - fallback.start
    end = data.end or (data.start + span if data.start else fallback.end)
    return DashboardFilter(data.start or end - span, end, data.category)


def _bounds(chosen: DashboardFilter, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The filter's days as a half-open range of UTC instants."""
    start = datetime.combine(chosen.start, time.min, zone).astimezone(UTC)
    end = datetime.combine(chosen.end + timedelta(days=1), time.min, zone).astimezone(UTC)
    return start, end


def _hour(column):
    """The UTC hour an instant falls in (hours fold into local days in Python, for any zone)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.date_trunc("hour", column)
    return func.strftime("%Y-%m-%d %H:00:00", column)


def _as_utc(value) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _days(chosen: DashboardFilter) -> list[date]:
    return [chosen.start + timedelta(days=n) for n in range((chosen.end - chosen.start).days + 1)]


def _ratio(part: float, whole: float) -> float:
    return round(part / whole, 4) if whole else 0.0


def market_dashboard(actor: Actor, chosen: DashboardFilter) -> dict:
    """Positions, headcount and pay on offer at fairs against sign-ups and intents, by day."""
    require_organiser(actor)
    zone = ZoneInfo(DEFAULT_TIMEZONE)
    start, end = _bounds(chosen, zone)
    days = _days(chosen)
    offers, fair_count = _offers(chosen, start, end, zone)
    jobs = {job.id: job for _day, job in offers}
    per_day: dict[date, dict] = {
        d: {
            "day": d.isoformat(),
            "positions": 0,
            "headcount": 0,
            "signups": 0,
            "intents": 0,
            "contracts_signed": 0,
        }
        for d in days
    }
    seen: set[tuple[date, str]] = set()
    for day, job in offers:
        if (day, job.id) not in seen and day in per_day:
            seen.add((day, job.id))
            per_day[day]["positions"] += 1
            per_day[day]["headcount"] += job.headcount
    categories: dict[str, dict] = {}

    def category_row(name: str) -> dict:
        return categories.setdefault(
            name,
            {
                "category": name,
                "positions": 0,
                "headcount": 0,
                "signups": 0,
                "intents": 0,
                "hires": 0,
            },
        )

    for job in jobs.values():
        row = category_row(job.category.value)
        row["positions"] += 1
        row["headcount"] += job.headcount
    signups = _signups_by_day(chosen, start, end, zone)
    for (day, category), count in signups.items():
        per_day[day]["signups"] += count
        category_row(category)["signups"] += count
    intents, hires = _outcomes_by_day(chosen, start, end, zone)
    for (day, category), count in intents.items():
        per_day[day]["intents"] += count
        category_row(category)["intents"] += count
    for (_day, category), count in hires.items():
        category_row(category)["hires"] += count
    signed, confirmed, wages = _deals_by_day(chosen, start, end, zone)
    for day, count in signed.items():
        if day in per_day:
            per_day[day]["contracts_signed"] += count
    headcount = sum(j.headcount for j in jobs.values())
    total_signups = sum(signups.values())
    return {
        "start": chosen.start.isoformat(),
        "end": chosen.end.isoformat(),
        "category": chosen.category.value if chosen.category else None,
        "timezone": DEFAULT_TIMEZONE,
        "totals": {
            "fairs": fair_count,
            "positions": len(jobs),
            "headcount": headcount,
            "signups": total_signups,
            "intents": sum(intents.values()),
            "hires": sum(hires.values()),
            "contracts_signed": sum(signed.values()),
            "contracts_confirmed": confirmed,
            "wages_confirmed": wages,
            "signups_per_opening": _ratio(total_signups, headcount),
        },
        "days": [per_day[d] for d in days],
        "categories": sorted(
            categories.values(), key=lambda r: (-r["headcount"], -r["signups"], r["category"])
        ),
        "pay": _pay_ranges(list(jobs.values())),
        "people": people_levels(),
    }


def _offers(
    chosen: DashboardFilter, start: datetime, end: datetime, zone: ZoneInfo
) -> tuple[list[tuple[date, Job]], int]:
    """(day, job) for every day a job was on offer at a fair in the range; how many fairs."""
    query = (
        select(Fair.id, Fair.starts_at, Fair.ends_at, Job)
        .join(fair_jobs, fair_jobs.c.fair_id == Fair.id)
        .join(Job, Job.id == fair_jobs.c.job_id)
        .where(Fair.status.in_(OFFERED_STATUSES), Fair.starts_at < end, Fair.ends_at > start)
    )
    if chosen.category is not None:
        query = query.where(Job.category == chosen.category)
    offers: list[tuple[date, Job]] = []
    fairs: set[str] = set()
    for fair_id, fair_start, fair_end, job in db.session.execute(query):
        fairs.add(fair_id)
        first = max(fair_start, start).astimezone(zone).date()
        # A fair ending at midnight does not run on the day that begins then.
        last = (min(fair_end, end) - timedelta(microseconds=1)).astimezone(zone).date()
        day = first
        while day <= last:
            offers.append((day, job))
            day += timedelta(days=1)
    return offers, len(fairs)


def _signups_by_day(
    chosen: DashboardFilter, start: datetime, end: datetime, zone: ZoneInfo
) -> dict[tuple[date, str], int]:
    """Active sign-ups by the local day they were made and the job's trade."""
    hour = _hour(SignUp.created_at)
    query = (
        select(hour, Job.category, func.count())
        .join(Job, Job.id == SignUp.job_id)
        .where(SignUp.created_at >= start, SignUp.created_at < end, SignUp.withdrawn_at.is_(None))
        .group_by(hour, Job.category)
    )
    if chosen.category is not None:
        query = query.where(Job.category == chosen.category)
    counts: dict[tuple[date, str], int] = defaultdict(int)
    for at, category, count in db.session.execute(query):
        counts[(_as_utc(at).astimezone(zone).date(), Category(category).value)] += count
    return counts


def _deals_by_day(
    chosen: DashboardFilter, start: datetime, end: datetime, zone: ZoneInfo
) -> tuple[dict[date, int], int, float]:
    """Contracts signed by both, by local day; contracts confirmed and the wages they confirmed."""
    query = (
        select(Contract.signed_at, Contract.status, Contract.paid_amount)
        .join(Job, Job.id == Contract.job_id)
        .where(Contract.signed_at >= start, Contract.signed_at < end)
    )
    if chosen.category is not None:
        query = query.where(Job.category == chosen.category)
    signed: dict[date, int] = defaultdict(int)
    confirmed, wages = 0, 0.0
    for at, status, paid in db.session.execute(query):
        signed[_as_utc(at).astimezone(zone).date()] += 1
        if status == ContractStatus.CONFIRMED:
            confirmed, wages = confirmed + 1, wages + float(paid or 0)
    return signed, confirmed, round(wages, 2)


def _outcomes_by_day(
    chosen: DashboardFilter, start: datetime, end: datetime, zone: ZoneInfo
) -> tuple[dict[tuple[date, str], int], dict[tuple[date, str], int]]:
    """Intents reached and hires, dated by the follow-up note that first recorded them."""
    results = []
    for statuses, current in (
        (INTENT_STATUSES, INTENT_STATUSES),
        ((FollowUpStatus.HIRED,), (FollowUpStatus.HIRED,)),
    ):
        first = (
            select(
                FollowUpNote.signup_id.label("signup_id"),
                func.min(FollowUpNote.created_at).label("at"),
            )
            .where(FollowUpNote.status.in_([s.value for s in statuses]))
            .group_by(FollowUpNote.signup_id)
            .subquery()
        )
        query = (
            select(first.c.at, Job.category)
            .join(SignUp, SignUp.id == first.c.signup_id)
            .join(Job, Job.id == SignUp.job_id)
            .where(SignUp.followup_status.in_(current), first.c.at >= start, first.c.at < end)
        )
        if chosen.category is not None:
            query = query.where(Job.category == chosen.category)
        counts: dict[tuple[date, str], int] = defaultdict(int)
        for at, category in db.session.execute(query):
            counts[(_as_utc(at).astimezone(zone).date(), Category(category).value)] += 1
        results.append(counts)
    return results[0], results[1]


def _pay_ranges(jobs: list[Job]) -> list[dict]:
    """Per pay unit: how many jobs, the lowest and highest pay, and the average range."""
    by_unit: dict[PayUnit, list[Job]] = defaultdict(list)
    for job in jobs:
        by_unit[job.pay_unit].append(job)
    return [
        {
            "unit": unit.value,
            "jobs": len(found),
            "lowest": min(j.pay_min for j in found),
            "highest": max(j.pay_max for j in found),
            "average_min": round(sum(j.pay_min for j in found) / len(found), 2),
            "average_max": round(sum(j.pay_max for j in found) / len(found), 2),
        }
        for unit in PayUnit
        if (found := by_unit.get(unit))
    ]
