"""The counts coalescer on its own, watched by a real Socket.IO test client in the room: many
changes go out as one broadcast per interval, big rooms get fewer, a failed read is logged."""

from __future__ import annotations

import logging
import time

import pytest

from app.live.broadcast import CountsCoalescer
from tests.fixtures.sockets import ack, received

MARK = "job-x"  # the job our stand-in counts report, to tell them from the app's own


class RoomCounts:
    """What read_counts answers for a room: an audience, and how often it was read."""

    def __init__(self, viewers: int):
        self.viewers, self.reads, self.failures = viewers, 0, 0

    def __call__(self, room_id: str) -> dict:
        self.reads += 1
        if self.failures:
            self.failures -= 1
            raise RuntimeError("the database went away")
        return {"viewers": self.viewers, "signups": {MARK: self.reads}}


def ours(client) -> list[dict]:
    """The counts broadcasts this test's coalescer sent that reached the client."""
    return [e["args"][0] for e in received(client, "counts") if MARK in e["args"][0]["signups"]]


def wait_for_ours(client, timeout: float = 5.0) -> dict:
    """The next counts broadcast of this test's coalescer (exactly one)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = ours(client)
        if got:
            assert len(got) == 1, got
            return got[0]
        time.sleep(0.02)
    raise AssertionError("no counts broadcast arrived")


@pytest.fixture
def watchers(connect, live_room, make_room):
    """A viewer in the room and one in another room of the same fair."""
    room, host, _jobs = live_room
    other_room = make_room(fair=room.fair, host=host, title="Second room")
    inside, elsewhere = connect(), connect()
    assert ack(inside, "join", {"room_id": room.id})["ok"]
    assert ack(elsewhere, "join", {"room_id": other_room.id})["ok"]
    return room, inside, elsewhere


def test_flush_sends_the_counts_read_then_to_that_rooms_viewers_only(watchers):
    room, inside, elsewhere = watchers
    coalescer = CountsCoalescer(RoomCounts(viewers=3))
    coalescer.flush(room.id)
    counts = wait_for_ours(inside)
    assert counts["room_id"] == room.id
    assert counts["viewers"] == 3 and counts["signups"] == {MARK: 1}
    assert abs(counts["as_of"] - time.time() * 1000) < 5000
    assert ours(elsewhere) == []


def test_one_change_is_broadcast_once(watchers):
    room, inside, _elsewhere = watchers
    counts = RoomCounts(viewers=3)  # a small room: up to 4 broadcasts a second
    coalescer = CountsCoalescer(counts)
    coalescer.mark(room.id)
    assert wait_for_ours(inside)["signups"] == {MARK: 1}
    time.sleep(0.8)
    assert ours(inside) == [] and counts.reads == 1


def test_the_interval_grows_with_the_audience(watchers):
    room, _inside, _elsewhere = watchers
    counts = RoomCounts(viewers=0)
    coalescer = CountsCoalescer(counts)
    expected = {0: 0.25, 200: 0.25, 500: 0.5, 1500: 1.5, 50_000: 2.0}  # 4 a second .. every 2 s
    for viewers, interval in expected.items():
        counts.viewers = viewers
        coalescer.flush(room.id)  # learns the audience from what it read
        assert coalescer.interval(room.id) == pytest.approx(interval), viewers


def test_many_marks_in_a_big_room_are_one_broadcast_per_interval(watchers):
    room, inside, _elsewhere = watchers
    counts = RoomCounts(viewers=1500)  # one broadcast every 1.5 s at most
    coalescer = CountsCoalescer(counts)
    coalescer.mark(room.id)
    first = wait_for_ours(inside)
    assert first["signups"] == {MARK: 1}
    for _ in range(10):
        coalescer.mark(room.id)
    second = wait_for_ours(inside)
    assert second["signups"] == {MARK: 2}, "ten changes, read once"
    assert second["as_of"] - first["as_of"] >= 1400, "not before the interval was over"
    time.sleep(0.6)
    assert ours(inside) == [] and counts.reads == 2, "nothing more was pending"


def test_a_failed_read_is_logged_and_later_changes_still_go_out(watchers, caplog):
    room, inside, _elsewhere = watchers
    counts = RoomCounts(viewers=3)
    counts.failures = 1
    coalescer = CountsCoalescer(counts)
    with caplog.at_level(logging.ERROR, logger="app.live.broadcast"):
        coalescer.flush(room.id)  # does not raise
    assert f"could not read counts of room {room.id}" in caplog.text
    assert "the database went away" in caplog.text
    time.sleep(0.1)
    assert ours(inside) == []

    counts.failures = 1
    coalescer.mark(room.id)  # the background loop meets the failure...
    deadline = time.monotonic() + 5
    while counts.reads < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert counts.reads == 2
    coalescer.mark(room.id)  # ...and keeps running
    after = wait_for_ours(inside)
    assert after["signups"] == {MARK: 3} and after["viewers"] == 3
