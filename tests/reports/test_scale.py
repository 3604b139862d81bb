"""At scale, the report read from rollups equals the same figures computed from the raw events.

A fair of about 50,000 events is recorded through the live services (bench/reports/fairgen.py,
the benchmark's builder); then every figure is recomputed by sweeping the presence rows, card
pushes and sign-ups themselves, and compared with the report.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.accounts.actor import Actor
from app.accounts.models import User
from app.fairs.models import Fair, Room
from app.live.models import INTENT_STATUSES, CardPush, FollowUpStatus, Presence, SignUp
from app.reports.services import fair_report
from bench.reports.fairgen import FairSpec, build_fair

pytestmark = pytest.mark.slow

# Short stays and cards every few minutes, so that some viewers never see a card.
SPEC = FairSpec(
    events=50_000, hours=2, rooms=3, employers=4, push_every_seconds=300, mean_stay_minutes=3
)


@pytest.fixture
def built(db):
    return build_fair(SPEC)


class Sweep:
    """Who was watching when: replays the presence rows in time order, as the live server
    measured them (after each batch of joins or leaves, per room touched and for the fair)."""

    def __init__(self, rows, identifications):
        self.linked_at = {visitor: at for visitor, _seeker, at in identifications}
        self.rows = rows
        self.room_at: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
        self.fair_at: list[tuple[datetime, int]] = []
        self._run()

    def key(self, row, at: datetime) -> str:
        """The person a stay counted as at a moment: their browser until they identified."""
        linked = self.linked_at.get(row.visitor_id)
        if row.seeker_id is None or (linked is not None and at < linked):
            return f"v:{row.visitor_id}"
        return f"s:{row.seeker_id}"

    def _run(self) -> None:
        changes = defaultdict(list)  # time -> [(+1/-1, row)]
        for row in self.rows:
            changes[row.joined_at].append((1, row))
            changes[row.left_at].append((-1, row))
        for visitor, at in self.linked_at.items():
            changes[at].append((0, visitor))
        open_rows: dict[str, dict[int, object]] = defaultdict(dict)
        for at in sorted(changes):
            touched = set()
            for delta, row in changes[at]:
                if delta == 1:
                    open_rows[row.room_id][row.id] = row
                    touched.add(row.room_id)
                elif delta == -1:
                    open_rows[row.room_id].pop(row.id)
                    touched.add(row.room_id)
            if not touched:
                continue  # an identification: nobody is measured then
            keys = {
                room_id: {self.key(r, at) for r in found.values()}
                for room_id, found in open_rows.items()
            }
            for room_id in touched:
                self.room_at[room_id].append((at, len(keys[room_id])))
            self.fair_at.append((at, len(set().union(*keys.values()))))

    def present(self, room_id: str, at: datetime) -> int:
        """Distinct people in a room at a moment between measurements (a card's push)."""
        return len(
            {
                self.key(r, at)
                for r in self.rows
                if r.room_id == room_id and r.joined_at < at < r.left_at
            }
        )


def peak(measured: list[tuple[datetime, int]]) -> tuple[int, datetime | None]:
    best, when = 0, None
    for at, value in measured:
        if value > best:
            best, when = value, at
    return best, when


def minute_line(measured: list[tuple[datetime, int]]) -> list[dict]:
    """The most viewers in each minute, quiet minutes carrying the last count forward."""
    minutes: dict[datetime, list[int]] = {}
    for at, value in measured:
        minutes.setdefault(at.replace(second=0, microsecond=0), []).append(value)
    points, previous = [], None
    for minute in sorted(minutes):
        values = minutes[minute]
        while previous is not None and previous[0] + timedelta(minutes=1) < minute:
            previous = (previous[0] + timedelta(minutes=1), previous[1])
            points.append({"minute": previous[0].isoformat(), "viewers": previous[1]})
        points.append({"minute": minute.isoformat(), "viewers": max(values)})
        previous = (minute, values[-1])
    if previous is not None and previous[1] != points[-1]["viewers"]:
        following = previous[0] + timedelta(minutes=1)
        points.append({"minute": following.isoformat(), "viewers": previous[1]})
    return points


def test_report_equals_a_direct_computation_from_the_raw_events(db, built):
    assert built.events >= 49_000
    fair = db.session.get(Fair, built.fair_id)
    report = fair_report(Actor.of(db.session.get(User, built.organiser_id)), fair)
    room_ids = [r.id for r in fair.rooms]
    rows = list(db.session.scalars(select(Presence).where(Presence.room_id.in_(room_ids))))
    assert len(rows) == built.counts["joins"] and all(r.left_at for r in rows)
    sweep = Sweep(rows, built.identifications)
    final = {r.id: sweep.key(r, datetime.max.replace(tzinfo=r.joined_at.tzinfo)) for r in rows}

    # Turnout: distinct people, watch time, peaks (and when), minute by minute.
    assert report["unique_viewers"] == len(set(final.values()))
    seconds = defaultdict(float)
    for r in rows:
        seconds[r.room_id] += (r.left_at - r.joined_at).total_seconds()
    assert report["watch_seconds"] == pytest.approx(sum(seconds.values()), abs=0.5)
    fair_peak, fair_peak_at = peak(sweep.fair_at)
    assert (report["peak_concurrent"], report["peak_at"]) == (fair_peak, fair_peak_at.isoformat())
    for room in report["rooms"]:
        room_id = room["room_id"]
        mine = [r for r in rows if r.room_id == room_id]
        assert room["unique_viewers"] == len({final[r.id] for r in mine})
        assert room["watch_seconds"] == pytest.approx(seconds[room_id], abs=0.5)
        room_peak, room_peak_at = peak(sweep.room_at[room_id])
        assert (room["peak_concurrent"], room["peak_at"]) == (room_peak, room_peak_at.isoformat())
        assert room["timeline"] == minute_line(sweep.room_at[room_id])

    # Cards: who was watching at the push, the most while it stayed up, what it converted.
    cards = list(
        db.session.scalars(
            select(CardPush).join(Room).where(Room.fair_id == fair.id).order_by(CardPush.id)
        )
    )
    signups = list(db.session.scalars(select(SignUp).where(SignUp.fair_id == fair.id)))
    active = [s for s in signups if s.withdrawn_at is None]
    reported = {c["card_id"]: c for room in report["rooms"] for c in room["cards"]}
    assert len(reported) == len(cards) == built.counts["pushes"]
    far = datetime.max.replace(tzinfo=cards[0].pushed_at.tzinfo)
    for card in cards:
        until = card.unpinned_at or far
        present = sweep.present(card.room_id, card.pushed_at)
        during = [v for at, v in sweep.room_at[card.room_id] if card.pushed_at < at < until]
        converted = [
            s
            for s in active
            if s.source == "live"
            and s.room_id == card.room_id
            and s.job_id == card.job_id
            and card.pushed_at < s.created_at < until
        ]
        figures = reported[card.id]
        assert figures["viewers_present"] == present, card.id
        assert figures["peak_viewers"] == max([present, *during]), card.id
        assert figures["signups"] == len(converted), card.id

    # Sign-ups per job and source, intents and hires from the follow-up.
    by_job = {j["job_id"]: j for j in report["jobs"]}
    sources = Counter((s.job_id, s.source.value) for s in active)
    for job in fair.jobs:
        expected = {
            src: sources[(job.id, src)]
            for src in ("live", "replay", "page", "onsite", "notification")
        }
        assert by_job[job.id]["signups_by_source"] == expected, job.title
        assert by_job[job.id]["signups"] == sum(expected.values())
        assert by_job[job.id]["intents"] == sum(
            1 for s in signups if s.job_id == job.id and s.followup_status in INTENT_STATUSES
        )
        assert by_job[job.id]["hires"] == sum(
            1 for s in signups if s.job_id == job.id and s.followup_status == FollowUpStatus.HIRED
        )
    assert report["signups"] == len(active) > 1000

    # The funnel's second step: people watching while a card was on screen.
    saw = {
        final[r.id]
        for r in rows
        for c in cards
        if c.room_id == r.room_id
        and r.joined_at < (c.unpinned_at or far)
        and c.pushed_at < r.left_at
    }
    assert report["card_viewers"] == len(saw) < report["unique_viewers"]
    # Everyone reached once: watchers, and people who signed up (withdrawn or not).
    assert report["people_served"] == len(
        set(final.values()) | {f"s:{s.seeker_id}" for s in signups}
    )
