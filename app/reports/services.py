"""How a fair went: turnout, sign-ups, conversion, intents reached — read from the rollups."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import case, func, literal, select, union

from app.accounts.actor import SEEKER_PREFIX, Actor
from app.accounts.models import RealNameLevel, Seeker
from app.contracts.figures import DEAL_FIELDS, deal_counts
from app.db import utcnow
from app.errors import Forbidden
from app.extensions import db
from app.fairs.models import Fair, Room, fair_jobs
from app.fairs.services import visible_fairs
from app.jobs.models import Job
from app.live.models import (
    SIGN_UP_SOURCES,
    CardPush,
    FollowUpStatus,
    Presence,
    SignUp,
    SignUpCount,
)
from app.onsite.models import CheckIn, Registration, RegistrationStatus
from app.reports.models import FairPerson, FairStats, RoomMinute, RoomStats


def report_scope(actor: Actor, fair: Fair) -> str | None:
    """Whose figures actor may read: None for all (organisers), an employer id (its hosts)."""
    if actor.is_organiser:
        return None
    if actor.is_host and any(j.employer_id == actor.employer_id for j in fair.jobs):
        return actor.employer_id
    raise Forbidden("Only organisers, and the hosts of employers at this fair, read its report.")


def reportable_fairs(actor: Actor) -> list[Fair]:
    """Fairs whose report actor may open, newest first: all (organisers), or those where a
    host's employer offers jobs."""
    if not actor.is_staff:
        raise Forbidden("Only organisers and hosts read reports.")
    query = visible_fairs(actor).order_by(None).order_by(Fair.starts_at.desc(), Fair.id)
    if not actor.is_organiser:
        offered = (
            select(fair_jobs.c.fair_id)
            .join(Job, Job.id == fair_jobs.c.job_id)
            .where(Job.employer_id == actor.employer_id)
        )
        query = query.where(Fair.id.in_(offered))
    return list(db.session.scalars(query))


def _ratio(part: float, whole: float) -> float:
    return round(part / whole, 4) if whole else 0.0


def fair_report(actor: Actor, fair: Fair) -> dict:
    """The fair's report; hosts get their employer's jobs and their own rooms only."""
    employer_scope = report_scope(actor, fair)
    now = utcnow()
    rooms = [r for r in fair.rooms if employer_scope is None or r.host_id == actor.id]
    jobs = [j for j in fair.jobs if employer_scope is None or j.employer_id == employer_scope]
    reading = _Rollups(fair, now)
    figures = fair_figures(fair, jobs, now, reading)
    return {
        "fair_id": fair.id,
        "title": fair.title,
        "timezone": fair.timezone,
        "generated_at": now.isoformat(),
        "scope": "all" if employer_scope is None else "employer",
        **figures,
        "employers": _employer_totals(figures["jobs"]),
        "rooms": [_room_figures(room, reading) for room in rooms],
    }


class _Rollups:
    """What one report reads, each rollup in one query for the whole fair."""

    def __init__(self, fair: Fair, now: datetime):
        self.fair, self.now = fair, now
        self.room_ids = [r.id for r in fair.rooms]
        self.stats = {
            row.room_id: row
            for row in db.session.scalars(
                select(RoomStats).where(RoomStats.room_id.in_(self.room_ids))
            )
        }
        self.open_seconds: dict[str, float] = defaultdict(float)
        for room_id, joined in db.session.execute(
            select(Presence.room_id, Presence.joined_at).where(
                Presence.room_id.in_(self.room_ids), Presence.left_at.is_(None)
            )
        ):
            # Watching still under way (a stay without a leave yet) counts up to now.
            self.open_seconds[room_id] += max(0.0, (now - joined).total_seconds())
        self.cards = _fair_cards(fair.id)

    def watch_seconds(self, room_id: str) -> float:
        stats = self.stats.get(room_id)
        return (stats.watch_seconds if stats else 0.0) + self.open_seconds.get(room_id, 0.0)


def fair_figures(
    fair: Fair, jobs: list[Job], now: datetime, reading: _Rollups | None = None
) -> dict:
    """The fair's turnout with these jobs' sign-ups, intents and hires (callers authorise)."""
    reading = reading or _Rollups(fair, now)
    job_rows = _job_figures(fair, jobs, reading.cards)
    registrations = _registrations(fair.id)
    return {
        **_turnout(fair, reading),
        "checkins": registrations["checked_in"],
        "registrations": registrations,
        "signups": sum(j["signups"] for j in job_rows),
        "signups_by_source": {
            s: sum(j["signups_by_source"][s] for j in job_rows) for s in SIGN_UP_SOURCES
        },
        "intents": sum(j["intents"] for j in job_rows),
        "hires": sum(j["hires"] for j in job_rows),
        "funnel": _funnel(fair, [job.id for job in jobs]),
        **{name: sum(j[name] for j in job_rows) for name in DEAL_FIELDS},
        "wages_confirmed": round(sum(j["wages_confirmed"] for j in job_rows), 2),
        "jobs": job_rows,
    }


INTENT_STATUSES = (FollowUpStatus.INTENT_REACHED, FollowUpStatus.HIRED)


def _funnel(fair: Fair, job_ids: list[str]) -> dict:
    """From watching to hiring with the same people at every step: of those who watched, who
    saw a job card; of those, who signed up (for these jobs); of those, who reached an intent
    and who were hired. Sign-ups by people who never watched are not in it (see by source)."""
    saw = FairPerson.watched & FairPerson.saw_card
    viewers, saw_card = db.session.execute(
        select(
            func.coalesce(func.sum(case((FairPerson.watched, 1), else_=0)), 0),
            func.coalesce(func.sum(case((saw, 1), else_=0)), 0),
        ).where(FairPerson.fair_id == fair.id)
    ).one()
    watchers = select(FairPerson.person_key).where(FairPerson.fair_id == fair.id, saw)
    rows = db.session.execute(
        select(SignUp.seeker_id, SignUp.followup_status).where(
            SignUp.fair_id == fair.id,
            SignUp.withdrawn_at.is_(None),
            SignUp.job_id.in_(job_ids),
            (literal("s:") + SignUp.seeker_id).in_(watchers),
        )
    )
    signed_up, intents, hires = set(), set(), set()
    for seeker_id, status in rows:
        signed_up.add(seeker_id)
        if status in INTENT_STATUSES:
            intents.add(seeker_id)
        if status == FollowUpStatus.HIRED:
            hires.add(seeker_id)
    return {
        "viewers": viewers,
        "saw_card": saw_card,
        "signed_up": len(signed_up),
        "intents": len(intents),
        "hires": len(hires),
    }


def people_levels(seeker_ids=None) -> dict:
    """How far people are verified, among these seekers (a subquery of ids) or all of them:
    registered users, mobile-verified, ID checked and real-name verified (the district
    platform's own headline figures). Deleted accounts are not counted."""
    verified = (RealNameLevel.ID_CHECKED, RealNameLevel.VERIFIED)
    query = select(
        func.count(),
        func.coalesce(func.sum(case((Seeker.mobile_verified_at.is_not(None), 1), else_=0)), 0),
        func.coalesce(func.sum(case((Seeker.real_name_level.in_(verified), 1), else_=0)), 0),
        func.coalesce(
            func.sum(case((Seeker.real_name_level == RealNameLevel.VERIFIED, 1), else_=0)), 0
        ),
    ).where(Seeker.deleted_at.is_(None))
    if seeker_ids is not None:
        query = query.where(Seeker.id.in_(seeker_ids))
    registered, mobile, id_checked, real_name = db.session.execute(query).one()
    return {
        "registered": registered,
        "mobile_verified": mobile,
        "id_checked": id_checked,
        "real_name_verified": real_name,
    }


def _fair_seekers(fair_id: str):
    """The ids of everyone the fair reached: sign-ups, registrations, check-ins, viewers."""
    prefix = len(SEEKER_PREFIX) + 1
    return union(
        select(SignUp.seeker_id).where(SignUp.fair_id == fair_id),
        select(Registration.seeker_id).where(Registration.fair_id == fair_id),
        select(CheckIn.seeker_id).where(CheckIn.fair_id == fair_id),
        select(func.substr(FairPerson.person_key, prefix)).where(
            FairPerson.fair_id == fair_id, FairPerson.person_key.startswith(SEEKER_PREFIX)
        ),
    )


def _turnout(fair: Fair, reading: _Rollups) -> dict:
    reached, watchers, card_viewers = db.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((FairPerson.watched, 1), else_=0)), 0),
            func.coalesce(
                func.sum(case((FairPerson.watched & FairPerson.saw_card, 1), else_=0)), 0
            ),
        ).where(FairPerson.fair_id == fair.id)
    ).one()
    # People checked in on site who were not reached online count once more each.
    known = (
        select(FairPerson.person_key)
        .where(
            FairPerson.fair_id == fair.id,
            FairPerson.person_key == literal("s:") + CheckIn.seeker_id,
        )
        .exists()
    )
    only_on_site = db.session.scalar(
        select(func.count()).select_from(CheckIn).where(CheckIn.fair_id == fair.id, ~known)
    )
    stats = db.session.get(FairStats, fair.id)
    peak, peak_at = (stats.peak_concurrent, stats.peak_at) if stats else (0, None)
    watch_seconds = round(sum(reading.watch_seconds(r) for r in reading.room_ids), 1)
    return {
        "unique_viewers": watchers,
        "card_viewers": card_viewers,
        "peak_concurrent": peak,
        "peak_at": peak_at.isoformat() if peak_at else None,
        "watch_seconds": watch_seconds,
        "average_watch_seconds": round(watch_seconds / watchers, 1) if watchers else 0.0,
        "people_served": reached + only_on_site,
        "people": people_levels(_fair_seekers(fair.id)),
    }


def _room_figures(room: Room, reading: _Rollups) -> dict:
    stats = reading.stats.get(room.id)
    unique = stats.unique_viewers if stats else 0
    watch = reading.watch_seconds(room.id)
    return {
        "room_id": room.id,
        "title": room.title,
        "host": room.host.name,
        "unique_viewers": unique,
        "peak_concurrent": stats.peak_concurrent if stats else 0,
        "peak_at": stats.peak_at.isoformat() if stats and stats.peak_at else None,
        "watch_seconds": round(watch, 1),
        "average_watch_seconds": round(watch / unique, 1) if unique else 0.0,
        "timeline": timeline(room.id),
        "cards": [c for c in reading.cards if c["room_id"] == room.id],
    }


def timeline(room_id: str) -> list[dict]:
    """Concurrent viewers minute by minute (a quiet minute keeps the last count)."""
    rows = db.session.execute(
        select(RoomMinute.minute, RoomMinute.peak, RoomMinute.last)
        .where(RoomMinute.room_id == room_id)
        .order_by(RoomMinute.minute)
    ).all()
    points: list[dict] = []
    previous = None
    for minute, peak, last in rows:
        if previous is not None:
            gap = previous[0] + timedelta(minutes=1)
            while gap < minute:
                points.append({"minute": gap.isoformat(), "viewers": previous[1]})
                gap += timedelta(minutes=1)
        points.append({"minute": minute.isoformat(), "viewers": peak})
        previous = (minute, last)
    if previous is not None and previous[1] != points[-1]["viewers"]:
        # Where the last minute left off (people who left in it are gone afterwards).
        following = previous[0] + timedelta(minutes=1)
        points.append({"minute": following.isoformat(), "viewers": previous[1]})
    return points


def _fair_cards(fair_id: str) -> list[dict]:
    """Every card pushed in the fair's rooms, in order, with the sign-ups each converted."""
    fair_cards = select(CardPush.id).join(Room, Room.id == CardPush.room_id)
    converted = dict(
        db.session.execute(
            select(SignUp.card_id, func.count())
            .where(
                SignUp.card_id.in_(fair_cards.where(Room.fair_id == fair_id)),
                SignUp.withdrawn_at.is_(None),
            )
            .group_by(SignUp.card_id)
        ).all()
    )
    rows = db.session.execute(
        select(
            CardPush.id,
            CardPush.room_id,
            CardPush.job_id,
            CardPush.snapshot["title"].as_string(),
            CardPush.pushed_at,
            CardPush.viewers_present,
            CardPush.peak_viewers,
        )
        .join(Room, Room.id == CardPush.room_id)
        .where(Room.fair_id == fair_id)
        .order_by(CardPush.pushed_at_ms, CardPush.id)
    )
    cards = []
    for card_id, room_id, job_id, title, pushed_at, present, peak in rows:
        viewers = max(peak, present)
        signups = converted.get(card_id, 0)
        cards.append(
            {
                "card_id": card_id,
                "room_id": room_id,
                "job_id": job_id,
                "title": title,
                "pushed_at": pushed_at.isoformat(),
                "viewers_present": present,
                "peak_viewers": viewers,
                "signups": signups,
                "conversion": _ratio(signups, viewers),
            }
        )
    return cards


def _job_figures(fair: Fair, jobs: list[Job], cards: list[dict]) -> list[dict]:
    job_ids = [j.id for j in jobs]
    deals = deal_counts(fair.id)
    counts = {
        row.job_id: row
        for row in db.session.scalars(
            select(SignUpCount).where(
                SignUpCount.fair_id == fair.id, SignUpCount.job_id.in_(job_ids)
            )
        )
    }
    pushes: dict[str, list[dict]] = defaultdict(list)
    for card in cards:
        pushes[card["job_id"]].append(card)
    rows = []
    for job in jobs:
        count = counts.get(job.id)
        shown = pushes.get(job.id, [])
        viewers = sum(c["peak_viewers"] for c in shown)
        while_shown = sum(c["signups"] for c in shown)
        rows.append(
            {
                "job_id": job.id,
                "title": job.title,
                "employer_id": job.employer_id,
                "employer_name": job.employer.name,
                "category": job.category.value,
                "headcount": job.headcount,
                "pushes": len(shown),
                "viewers_while_shown": viewers,
                "signups_while_shown": while_shown,
                "signups": count.count if count else 0,
                "signups_by_source": {
                    s: getattr(count, s) if count else 0 for s in SIGN_UP_SOURCES
                },
                "conversion": _ratio(while_shown, viewers),
                "intents": count.intents if count else 0,
                "hires": count.hires if count else 0,
                **_deal_figures(deals.get(job.id)),
            }
        )
    return rows


def _deal_figures(deal: dict | None) -> dict:
    """A job's contracts: signed (by both), completed, confirmed, disputed, wages confirmed."""
    deal = deal or {}
    return {
        "contracts_signed": deal.get("signed", 0),
        "contracts_completed": deal.get("completed", 0),
        "contracts_confirmed": deal.get("confirmed", 0),
        "contracts_disputed": deal.get("disputed", 0),
        "wages_confirmed": round(deal.get("wages_confirmed", 0.0), 2),
    }


def _employer_totals(job_rows: list[dict]) -> list[dict]:
    totals: dict[str, dict] = {}
    for row in job_rows:
        entry = totals.setdefault(
            row["employer_id"],
            {
                "employer_id": row["employer_id"],
                "name": row["employer_name"],
                "jobs": 0,
                "pushes": 0,
                "signups": 0,
                "intents": 0,
                "hires": 0,
                "headcount": 0,
                **dict.fromkeys(DEAL_FIELDS, 0),
            },
        )
        entry["jobs"] += 1
        for name in ("pushes", "signups", "intents", "hires", "headcount", *DEAL_FIELDS):
            entry[name] += row[name]
    return sorted(totals.values(), key=lambda e: e["name"])


def _registrations(fair_id: str) -> dict:
    by_status = dict(
        db.session.execute(
            select(Registration.status, func.count())
            .where(Registration.fair_id == fair_id)
            .group_by(Registration.status)
        ).all()
    )
    checked_in = db.session.scalar(
        select(func.count()).select_from(CheckIn).where(CheckIn.fair_id == fair_id)
    )
    registered = by_status.get(RegistrationStatus.CONFIRMED, 0)
    return {
        "confirmed": registered,
        "waitlisted": by_status.get(RegistrationStatus.WAITLISTED, 0),
        "cancelled": by_status.get(RegistrationStatus.CANCELLED, 0),
        "checked_in": checked_in,
        "came_rate": _ratio(checked_in, registered),
    }
