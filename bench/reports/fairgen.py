"""Builds a fair with a given number of recorded events through FairCast's own recording
functions, so its rollups are the ones production keeps.

Events are joins, leaves, card pushes, sign-ups and withdrawals. The fair runs for some hours;
people arrive at random, stay a while (several times, often in more than one room), some stay
anonymous, some identify part-way through; hosts push their employer's jobs every minute or
so; viewers sign up for the card on screen, others on the fair page or from a replay.

Time is simulated: each batch is recorded at its own instant (identifications at a tick, joins
a second later, then leaves, pushes, sign-ups, withdrawals), through `record_joins`,
`record_leaves`, `push_card`, `unpin_card`, `link_visitor`, `record_signups`,
`record_withdrawals` and `record_followup`, one transaction each, as the live server commits
them. Seekers are written in bulk first (they are people, not events). Needs an app context on a
migrated, empty database.
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from app.accounts.actor import Actor
from app.accounts.models import Role, Seeker, TokenScope
from app.accounts.schemas import NewUser
from app.accounts.services import create_user
from app.announce import commit
from app.db import new_id
from app.extensions import db
from app.fairs.models import Fair, FairMode, FairStatus, Room
from app.fairs.services import new_stream_key
from app.jobs.models import Category, Job, PayUnit, WorkType
from app.live import cards, operations, presence
from app.live import signups as signup_log
from app.live.models import FollowUpStatus, SignUp, SignUpSource
from app.live.signups import SignUpRequest, WithdrawRequest
from app.reports import followup

START = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
PROCESS = "bench"
BATCH = 400


@dataclass(frozen=True)
class FairSpec:
    """How big a fair to build."""

    events: int = 1_000_000
    rooms: int = 4
    employers: int = 8
    jobs_per_employer: int = 5
    hours: float = 6.0
    tick_seconds: int = 30
    # Everything random comes from this seed: the same spec builds the same fair.
    seed: int = 7
    signup_share: float = 0.095
    withdraw_share: float = 0.005
    push_every_seconds: float = 86.0
    mean_stay_minutes: float = 12.0
    anonymous_share: float = 0.3
    identify_share: float = 0.1

    @property
    def people(self) -> int:
        return max(50, self.events // 10)


@dataclass
class BuiltFair:
    fair_id: str
    organiser_id: str
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    # (browser, seeker, when): viewers who said who they were part-way through.
    identifications: list[tuple[str, str, datetime]] = field(default_factory=list)

    @property
    def events(self) -> int:
        kinds = ("joins", "leaves", "pushes", "unpins", "signups", "withdrawals")
        return sum(self.counts[k] for k in kinds)


@dataclass
class _Person:
    visitor_id: str
    seeker_id: str | None
    # Ticks before this one the person is anonymous (None: known from the start, or never).
    identifies_at: int | None = None

    def seeker_at(self, tick: int) -> str | None:
        if self.identifies_at is not None and tick < self.identifies_at:
            return None
        return self.seeker_id


class SimulatedClock:
    """The time the recording functions read, set by the builder; restore() puts it back."""

    MODULES = (cards, presence, signup_log, followup)

    def __init__(self):
        self.now = START
        self.saved = [(m, m.utcnow) for m in self.MODULES]
        for module in self.MODULES:
            module.utcnow = self.read

    def read(self) -> datetime:
        return self.now

    def restore(self) -> None:
        for module, original in self.saved:
            module.utcnow = original


def _setup(spec: FairSpec, rng: random.Random):
    organiser = create_user(
        NewUser(role=Role.ORGANISER, username="bench-organiser", password="bench-password-1")
    )
    hosts = [
        create_user(
            NewUser(
                role=Role.HOST,
                username=f"bench-host{e}",
                password="bench-password-1",
                employer=f"Bench employer {e}",
            )
        )
        for e in range(spec.employers)
    ]
    fair = Fair(
        title="Benchmark fair",
        mode=FairMode.HYBRID,
        venue="Service hall",
        status=FairStatus.LIVE,
        starts_at=START - timedelta(hours=1),
        ends_at=START + timedelta(hours=spec.hours + 1),
        created_by_id=organiser.id,
    )
    db.session.add(fair)
    categories, units = list(Category), list(PayUnit)
    jobs_of: dict[str, list[Job]] = {}
    for e, host in enumerate(hosts):
        jobs_of[host.id] = []
        for j in range(spec.jobs_per_employer):
            pay = rng.choice((20, 25, 30, 180, 200, 4500, 6000))
            job = Job(
                employer_id=host.employer_id,
                title=f"Job {e}-{j}",
                category=categories[(e + j) % len(categories)],
                pay_min=pay,
                pay_max=pay * 1.2,
                pay_unit=units[(e * 3 + j) % len(units)],
                district="Dongyuan",
                headcount=rng.randint(2, 50),
                work_type=WorkType.GIG,
            )
            fair.jobs.append(job)
            jobs_of[host.id].append(job)
    rooms = [
        Room(
            fair=fair,
            title=f"Room {r}",
            host_id=hosts[r % len(hosts)].id,
            starts_at=START,
            ends_at=START + timedelta(hours=spec.hours),
            stream_key=new_stream_key(),
        )
        for r in range(spec.rooms)
    ]
    db.session.add_all(rooms)
    db.session.commit()
    return organiser, hosts, fair, rooms, jobs_of


def _people(spec: FairSpec, rng: random.Random, ticks: int) -> list[_Person]:
    """Browsers and, for most, the seeker behind them (written in bulk)."""
    people, seekers = [], []
    for i in range(spec.people):
        roll = rng.random()
        seeker_id = None if roll < spec.anonymous_share else new_id()
        person = _Person(f"b{i:08d}", seeker_id)
        if seeker_id and roll < spec.anonymous_share + spec.identify_share:
            person.identifies_at = rng.randrange(1, ticks)
        if seeker_id:
            seekers.append({"id": seeker_id, "name": f"求职者{i}", "mobile": f"13{i:09d}"})
        people.append(person)
    for start in range(0, len(seekers), 10_000):
        db.session.execute(insert(Seeker), seekers[start : start + 10_000])
    db.session.commit()
    return people


def _sessions(spec: FairSpec, rng: random.Random, ticks: int, joins: int):
    """(join tick, leave tick, person index, room index) for each stay."""
    plan_join: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    plan_leave: dict[int, list[tuple[int, int]]] = defaultdict(list)
    horizon = spec.hours * 3600
    for n in range(joins):
        # A tenth of the people (regulars) account for a third of the stays.
        pool = max(1, spec.people // 10) if n % 3 == 0 else spec.people
        person = rng.randrange(pool)
        room = min(int(rng.expovariate(1.2)), spec.rooms - 1)
        start = rng.uniform(0, horizon)
        stay = rng.expovariate(1 / (spec.mean_stay_minutes * 60))
        first = int(start // spec.tick_seconds)
        last = min(ticks, max(first + 1, math.ceil((start + stay) / spec.tick_seconds)))
        plan_join[first].append((n, person, room))
        plan_leave[last].append((n, room))
    return plan_join, plan_leave


def build_fair(spec: FairSpec, progress: Callable[[str], None] | None = None) -> BuiltFair:
    """Record the fair's events; the numbers of each kind are in the result's counts."""
    began = time.perf_counter()
    rng = random.Random(spec.seed)
    ticks = max(2, int(spec.hours * 3600 // spec.tick_seconds))
    organiser, hosts, fair, rooms, jobs_of = _setup(spec, rng)
    people = _people(spec, rng, ticks)
    pushes_planned = int(spec.hours * 3600 / spec.push_every_seconds) * spec.rooms
    signups_planned = int(spec.events * spec.signup_share)
    withdrawals_planned = int(spec.events * spec.withdraw_share)
    joins = (spec.events - pushes_planned - signups_planned - withdrawals_planned) // 2
    plan_join, plan_leave = _sessions(spec, rng, ticks, joins)
    counts = dict.fromkeys(
        (
            "joins",
            "leaves",
            "pushes",
            "unpins",
            "signups",
            "withdrawals",
            "identified",
            "followups",
        ),
        0,
    )
    room_ids = [r.id for r in rooms]
    host_actors = {
        r.id: Actor(user_id=r.host_id, role=Role.HOST, scope=TokenScope.FULL) for r in rooms
    }
    pinned: dict[str, str] = {}  # room -> job on screen
    unpin_at: dict[str, tuple[float, str]] = {}  # room -> (second, card) to take down
    open_sessions: dict[int, tuple[int, int]] = {}  # session -> (person, room)
    signed: set[tuple[str, str]] = set()
    active: list[tuple[str, str]] = []
    all_jobs = [j.id for js in jobs_of.values() for j in js]
    identify_at: dict[int, list[_Person]] = defaultdict(list)
    for p in people:
        if p.identifies_at is not None:
            identify_at[p.identifies_at].append(p)
    next_push = {r.id: rng.uniform(0, spec.push_every_seconds) for r in rooms}
    per_tick_signups = signups_planned / ticks
    per_tick_withdrawals = withdrawals_planned / ticks
    owed_signups = owed_withdrawals = 0.0
    identifications: list[tuple[str, str, datetime]] = []
    clock = SimulatedClock()
    try:
        for tick in range(ticks + 1):
            base = START + timedelta(seconds=tick * spec.tick_seconds)
            # People who say who they are do so before they join again.
            clock.now = base
            for person in identify_at.get(tick, []):
                presence.link_visitor(person.visitor_id, person.seeker_id)
                identifications.append((person.visitor_id, person.seeker_id, clock.now))
                counts["identified"] += 1
            db.session.commit()
            batch = []
            for n, person_index, room in plan_join.get(tick, []):
                person = people[person_index]
                batch.append(
                    presence.Join(
                        room_ids[room],
                        fair.id,
                        person.visitor_id,
                        person.seeker_at(tick),
                        None,
                        f"c{n}",
                        PROCESS,
                    )
                )
                open_sessions[n] = (person_index, room)
            # Each batch at its own instant, as the live server's batches are.
            for index, chunk in enumerate(_chunks(batch)):
                clock.now = base + timedelta(seconds=1, milliseconds=index)
                presence.record_joins(chunk)
                db.session.commit()
                counts["joins"] += len(chunk)
            leaving = [(n, room) for n, room in plan_leave.get(tick, []) if n in open_sessions]
            if tick == ticks:  # the fair's end: everyone still watching leaves
                leaving = [(n, room) for n, (_p, room) in open_sessions.items()]
            for index, chunk in enumerate(_chunks(leaving)):
                clock.now = base + timedelta(seconds=2, milliseconds=index)
                presence.record_leaves(
                    [presence.Leave(room_ids[room], f"c{n}") for n, room in chunk]
                )
                db.session.commit()
                for n, _room in chunk:
                    open_sessions.pop(n, None)
                counts["leaves"] += len(chunk)
            if tick == ticks:
                break
            for index, room in enumerate(rooms):
                due = (tick + 1) * spec.tick_seconds
                clock.now = base + timedelta(seconds=3, milliseconds=10 * index)
                if next_push[room.id] <= due:
                    job = rng.choice(jobs_of[room.host_id])
                    card = operations.push_card(host_actors[room.id], room.id, job.id)
                    commit()
                    pinned[room.id] = job.id
                    unpin_at.pop(room.id, None)
                    gap = rng.uniform(0.5, 1.5) * spec.push_every_seconds
                    # Most cards are taken down a while before the next one goes up.
                    if rng.random() < 0.7:
                        unpin_at[room.id] = (next_push[room.id] + gap * 0.6, card["card_id"])
                    next_push[room.id] += gap
                    counts["pushes"] += 1
                elif room.id in unpin_at and unpin_at[room.id][0] <= due:
                    operations.unpin_card(host_actors[room.id], room.id, unpin_at.pop(room.id)[1])
                    commit()
                    pinned.pop(room.id, None)
                    counts["unpins"] += 1
            clock.now = base + timedelta(seconds=4)
            owed_signups += per_tick_signups
            requests = _signups(
                rng, int(owed_signups), fair.id, tick, people, open_sessions, room_ids,
                pinned, all_jobs, signed,
            )  # fmt: skip
            owed_signups -= len(requests)
            if requests:
                signup_log.record_signups(requests)
                db.session.commit()
                counts["signups"] += len(requests)
                active.extend((r.seeker_id, r.job_id) for r in requests)
            clock.now = base + timedelta(seconds=5)
            owed_withdrawals += per_tick_withdrawals
            withdrawing = []
            while owed_withdrawals >= 1 and active:
                seeker_id, job_id = active.pop(rng.randrange(len(active)))
                withdrawing.append(WithdrawRequest(fair.id, seeker_id, job_id))
                owed_withdrawals -= 1
            if withdrawing:
                signup_log.record_withdrawals(withdrawing)
                db.session.commit()
                counts["withdrawals"] += len(withdrawing)
            if progress and tick % max(1, ticks // 20) == 0:
                progress(f"tick {tick}/{ticks}: {sum(counts.values())} events")
        clock.now = START + timedelta(hours=spec.hours, minutes=30)
        counts["followups"] = _follow_up(rng, fair, hosts)
    finally:
        clock.restore()
    return BuiltFair(fair.id, organiser.id, counts, time.perf_counter() - began, identifications)


def _chunks(items: list) -> list[list]:
    """Batches the size the live server's writer commits at a busy moment."""
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


def _signups(
    rng, wanted, fair_id, tick, people, open_sessions, room_ids, pinned, all_jobs, signed
) -> list[SignUpRequest]:
    """Up to `wanted` new sign-ups: watchers take the card on screen, others sign up on the
    page, from a replay or at a booth."""
    requests: list[SignUpRequest] = []
    watching = list(open_sessions.values())
    for _attempt in range(wanted * 3):
        if len(requests) >= wanted:
            break
        if watching and rng.random() < 0.6:
            person_index, room = rng.choice(watching)
            seeker_id = people[person_index].seeker_at(tick)
            job_id = pinned.get(room_ids[room])
            source, room_id = SignUpSource.LIVE, room_ids[room]
        else:
            seeker_id = people[rng.randrange(len(people))].seeker_at(tick)
            job_id = rng.choice(all_jobs)
            source = rng.choice((SignUpSource.PAGE, SignUpSource.PAGE, SignUpSource.REPLAY,
                                 SignUpSource.ONSITE))  # fmt: skip
            room_id = rng.choice(room_ids) if source == SignUpSource.REPLAY else None
        if seeker_id is None or job_id is None or (seeker_id, job_id) in signed:
            continue
        signed.add((seeker_id, job_id))
        requests.append(SignUpRequest(fair_id, seeker_id, job_id, source, room_id))
    return requests


def _follow_up(rng: random.Random, fair: Fair, hosts) -> int:
    """Hosts call a few of the people who signed up; some reach an intent, a few are hired."""
    host_of = {h.employer_id: h for h in hosts}
    signups = list(
        db.session.scalars(
            db.select(SignUp).where(SignUp.fair_id == fair.id).order_by(SignUp.id).limit(300)
        )
    )
    steps = (
        FollowUpStatus.CONTACTED,
        FollowUpStatus.INTENT_REACHED,
        FollowUpStatus.HIRED,
        FollowUpStatus.DECLINED,
    )
    notes = 0
    for signup in signups:
        host = host_of[signup.job.employer_id]
        for status in steps[: rng.randint(1, 3)]:
            followup.record_followup(Actor.of(host), signup, status, "bench")
            notes += 1
    db.session.commit()
    return notes
