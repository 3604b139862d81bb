"""The matching score of a (job, seeker) pair and its reasons: deterministic and explainable.

Only what the work needs counts: trade, town, pay, kind of work, shift, 日结 and the skills a
job names. Nothing about the person (age, sex, ethnicity, home region) is ever an input.

The same rules exist twice, on purpose: `score` in Python (the reference, and what gives the
reasons) and `sql_score` over the seekers' index (so one job is ranked against a hundred
thousand people inside the database). tests/matching/test_scoring.py keeps them equal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import and_, case, literal, or_

from app.jobs.models import Benefit, PayUnit

# Points per rule (they add up to 100).
W_CATEGORY, W_DISTRICT, W_PAY, W_WORK_TYPE, W_SHIFT, W_DAILY_PAY, W_SKILL = 35, 20, 15, 10, 5, 5, 10
# Below this a pair is not a match (the trade alone is not enough).
MIN_SCORE = 50

# Hours a day and a month stand for, to compare pay given in different units.
HOURS_PER = {PayUnit.HOUR: 1.0, PayUnit.DAY: 8.0, PayUnit.MONTH: 174.0}

# Bits of the small sets, so the database compares them with one AND.
WORK_TYPE_BITS = {"gig": 1, "part_time": 2, "full_time": 4}
SHIFT_BITS = {"day": 1, "night": 2}
SEP = "|"

_CLOCK = re.compile(r"(\d{1,2})[:：](\d{2})\s*[-~～至到]\s*(\d{1,2})[:：](\d{2})")


def hourly(amount: float | None, unit: str | None) -> float | None:
    """Pay per hour, for comparing units (None for piece rates, which compare only as such)."""
    if amount is None or unit is None or PayUnit(unit) == PayUnit.PIECE:
        return None
    return round(float(amount) / HOURS_PER[PayUnit(unit)], 4)


def job_shift(shift: str) -> str:
    """day or night, read from a job's shift text ("20:00-08:00", "夜班", "night")."""
    text = shift or ""
    if "夜" in text or "night" in text.lower():
        return "night"
    clock = _CLOCK.search(text)
    if clock:
        start, end = int(clock.group(1)), int(clock.group(3))
        if end < start or start >= 19 or end <= 5:
            return "night"
    return "day"


def pack(values) -> str:
    """A set of words as |a|b| so the database finds one with LIKE '%|a|%'."""
    return SEP + SEP.join(values) + SEP if values else ""


def bits(values, table: dict[str, int]) -> int:
    return sum(table[v] for v in set(values) if v in table)


@dataclass(frozen=True)
class JobFacts:
    """What matching reads of a job."""

    category: str
    district: str
    pay_max: float
    pay_unit: str
    work_type: str
    shift: str  # day | night
    daily_pay: bool
    terms: frozenset[str]

    @property
    def pay_hourly(self) -> float | None:
        return hourly(self.pay_max, self.pay_unit)


@dataclass(frozen=True)
class ProfileFacts:
    """What matching reads of a seeker's profile."""

    categories: tuple[str, ...]
    districts: tuple[str, ...]
    pay_min: float | None
    pay_unit: str | None
    work_types: tuple[str, ...]
    shifts: tuple[str, ...]
    daily_pay: bool
    # Certificates as the words a job uses for them (叉车证 → 叉车), then skills' words.
    certificate_stems: tuple[str, ...] = ()
    skill_terms: tuple[str, ...] = ()


@dataclass
class Match:
    score: int
    # (code, detail): rendered in words by app.matching.reasons.
    reasons: list[tuple[str, str]] = field(default_factory=list)


def score(job: JobFacts, profile: ProfileFacts) -> Match:
    """The reference score: points per rule met, and a reason for each."""
    found = Match(0)

    def add(points: int, code: str, detail: str = "") -> None:
        found.score += points
        found.reasons.append((code, detail))

    if job.category in profile.categories:
        add(W_CATEGORY, "category", job.category)
    if job.district in profile.districts:
        add(W_DISTRICT, "district", job.district)
    if profile.pay_min is not None and profile.pay_unit is not None:
        if profile.pay_unit == PayUnit.PIECE:
            if job.pay_unit == PayUnit.PIECE and job.pay_max >= profile.pay_min:
                add(W_PAY, "pay")
        else:
            wanted = hourly(profile.pay_min, profile.pay_unit)
            offered = job.pay_hourly
            if offered is not None and offered >= wanted:
                add(W_PAY, "pay")
    if job.work_type in profile.work_types:
        add(W_WORK_TYPE, "work_type", job.work_type)
    if job.shift in profile.shifts:
        add(W_SHIFT, "shift", job.shift)
    if profile.daily_pay and job.daily_pay:
        add(W_DAILY_PAY, "daily_pay")
    certificate = next((c for c in profile.certificate_stems if c in job.terms), None)
    if certificate is not None:
        add(W_SKILL, "certificate", certificate)
    else:
        skill = next((s for s in profile.skill_terms if s in job.terms), None)
        if skill is not None:
            add(W_SKILL, "skill", skill)
    return found


def job_facts(job, terms: frozenset[str]) -> JobFacts:
    return JobFacts(
        category=str(job.category),
        district=job.district,
        pay_max=float(job.pay_max),
        pay_unit=str(job.pay_unit),
        work_type=str(job.work_type),
        shift=job_shift(job.shift),
        daily_pay=Benefit.DAILY_PAY.value in (job.benefits or []),
        terms=terms,
    )


def sql_score(job: JobFacts, index):
    """The same score as `score`, as an expression over the seekers' index table."""

    def has(column, word: str):
        return column.like(f"%{SEP}{_escape(word)}{SEP}%", escape="\\")

    pay = literal(0)
    if job.pay_unit == PayUnit.PIECE:
        pay = case(
            (and_(index.pay_piece.is_not(None), index.pay_piece <= job.pay_max), W_PAY), else_=0
        )
    elif job.pay_hourly is not None:
        pay = case(
            (and_(index.pay_hourly.is_not(None), index.pay_hourly <= job.pay_hourly), W_PAY),
            else_=0,
        )
    terms = sorted(job.terms)
    certificate = (
        or_(*[has(index.certificate_stems, t) for t in terms]) if terms else literal(False)
    )
    skill = or_(*[has(index.skill_terms, t) for t in terms]) if terms else literal(False)
    return (
        literal(W_CATEGORY)  # candidates are read from the trade's own rows
        + case((has(index.districts, job.district), W_DISTRICT), else_=0)
        + pay
        + case(
            (index.work_types.op("&")(WORK_TYPE_BITS.get(job.work_type, 0)) != 0, W_WORK_TYPE),
            else_=0,
        )
        + case((index.shifts.op("&")(SHIFT_BITS[job.shift]) != 0, W_SHIFT), else_=0)
        + (case((index.daily_pay.is_(True), W_DAILY_PAY), else_=0) if job.daily_pay else literal(0))
        + case((or_(certificate, skill), W_SKILL), else_=0)
    )


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def sql_score_jobs(profile: ProfileFacts, index):
    """The same score as `score`, for one profile, over the jobs' index table (its trade
    rows only: candidates are read by category)."""

    def has(word: str):
        return index.terms.like(f"%{SEP}{_escape(word)}{SEP}%", escape="\\")

    pay = literal(0)
    if profile.pay_min is not None and profile.pay_unit == PayUnit.PIECE:
        pay = case(
            (and_(index.pay_piece.is_not(None), index.pay_piece >= profile.pay_min), W_PAY), else_=0
        )
    elif profile.pay_min is not None and profile.pay_unit is not None:
        wanted = hourly(profile.pay_min, profile.pay_unit)
        pay = case(
            (and_(index.pay_hourly.is_not(None), index.pay_hourly >= wanted), W_PAY), else_=0
        )
    words = [*profile.certificate_stems, *profile.skill_terms]
    skill = or_(*[has(w) for w in words]) if words else literal(False)

    def among(column, values, points):
        return case((column.in_(values), points), else_=0) if values else literal(0)

    return (
        literal(W_CATEGORY)
        + among(index.district, list(profile.districts), W_DISTRICT)
        + pay
        + among(index.work_type, list(profile.work_types), W_WORK_TYPE)
        + among(index.shift, list(profile.shifts), W_SHIFT)
        + (
            case((index.daily_pay.is_(True), W_DAILY_PAY), else_=0)
            if profile.daily_pay
            else literal(0)
        )
        + case((skill, W_SKILL), else_=0)
    )


def index_values(job, terms) -> dict:
    """A job's row in the jobs' index."""
    facts = job_facts(job, terms)
    return {
        "job_id": job.id,
        "category": facts.category,
        "district": facts.district,
        "pay_hourly": facts.pay_hourly,
        "pay_piece": facts.pay_max if facts.pay_unit == PayUnit.PIECE else None,
        "work_type": facts.work_type,
        "shift": facts.shift,
        "daily_pay": facts.daily_pay,
        "terms": pack(sorted(terms)),
        "job_updated_at": job.updated_at,
    }


def facts_from_index(row, pay_max: float, pay_unit: str) -> JobFacts:
    return JobFacts(
        category=row.category,
        district=row.district,
        pay_max=pay_max,
        pay_unit=pay_unit,
        work_type=row.work_type,
        shift=row.shift,
        daily_pay=row.daily_pay,
        terms=frozenset(t for t in row.terms.split(SEP) if t),
    )
