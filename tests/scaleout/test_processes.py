"""Three FairCast processes on PostgreSQL and Redis: cards cross processes, sign-ups stay
exactly-once, and a killed process's viewers resync on another."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.fixtures.people import seeded_seeker_tokens
from tests.fixtures.realtime import (
    NS,
    call,
    close_all,
    open_client,
    open_many,
    rows,
    run,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


def test_cards_cross_processes_and_sign_ups_stay_exactly_once(cluster, tmp_path):
    seeded, servers = cluster
    people_ = [(f"P{n}", f"1380000{n:04d}") for n in range(30)]
    tokens = seeded_seeker_tokens(seeded.database_url, tmp_path / "seed", people_)
    a, b, c = servers

    async def scenario():
        viewers = await open_many(a.url, 20) + await open_many(c.url, 20)
        received: dict[int, dict] = {}
        for index, viewer in enumerate(viewers):
            viewer.on("card", lambda data, i=index: received.__setitem__(i, data), namespace=NS)
        assert all(
            r["ok"]
            for r in await asyncio.gather(
                *(call(v, "join", {"room_id": seeded.room_id}) for v in viewers)
            )
        )
        host = await open_client(b.url, auth={"token": seeded.host_token})
        await call(host, "join", {"room_id": seeded.room_id})
        pushed = await call(
            host, "push_card", {"room_id": seeded.room_id, "job_id": seeded.job_ids[0]}
        )
        deadline = time.monotonic() + 10
        while len(received) < len(viewers) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)

        # 30 people, each on all three processes at once, tapping each of 3 jobs on each.
        people = []
        for n in range(30):
            devices = [await open_client(server.url) for server in servers]
            for device in devices:
                assert (await call(device, "identify", {"token": tokens[n]}))["ok"]
                assert (await call(device, "join", {"room_id": seeded.room_id}))["ok"]
            people.append(devices)
        taps = [
            call(device, "sign_up", {"room_id": seeded.room_id, "job_id": job_id})
            for devices in people
            for device in devices
            for job_id in seeded.job_ids
        ]
        replies = await asyncio.gather(*taps)
        await close_all([*viewers, host, *(d for devices in people for d in devices)])
        return pushed, received, replies, len(viewers)

    pushed, received, replies, viewer_count = run(scenario())
    assert len(received) == viewer_count
    assert {p["card"]["card_id"] for p in received.values()} == {pushed["card_id"]}
    assert all(r["ok"] for r in replies), [r for r in replies if not r["ok"]][:3]
    assert sum(r["created"] for r in replies) == 90
    per_job = dict(
        rows(seeded.database_url, "select job_id, count(*) from signups group by job_id")
    )
    assert per_job == {job_id: 30 for job_id in seeded.job_ids}
    counted = dict(rows(seeded.database_url, "select job_id, count from signup_counts"))
    assert counted == per_job


def test_a_killed_process_loses_nothing_and_its_viewers_resync_elsewhere(cluster, tmp_path):
    seeded, servers = cluster
    people = [(f"V{n}", f"1390000{n:04d}") for n in range(10)]
    tokens = seeded_seeker_tokens(seeded.database_url, tmp_path / "seed", people)
    a, b, c = servers

    async def scenario():
        viewers = await open_many(a.url, 10)
        for n, viewer in enumerate(viewers):
            await call(viewer, "identify", {"token": tokens[n]})
            await call(viewer, "join", {"room_id": seeded.room_id})
        acked = await asyncio.gather(
            *(
                call(v, "sign_up", {"room_id": seeded.room_id, "job_id": seeded.job_ids[1]})
                for v in viewers
            )
        )
        a.stop(kill=True)
        host = await open_client(c.url, auth={"token": seeded.host_token})
        await call(host, "join", {"room_id": seeded.room_id})
        pushed = await call(
            host, "push_card", {"room_id": seeded.room_id, "job_id": seeded.job_ids[2]}
        )
        # The viewers' connections are gone; they come back through another process.
        moved = []
        for n in range(len(viewers)):
            viewer = await open_client(b.url)
            await call(viewer, "identify", {"token": tokens[n]})
            moved.append(await call(viewer, "join", {"room_id": seeded.room_id}))
            await viewer.disconnect()
        await close_all([host, *viewers])
        return acked, pushed, moved

    acked, pushed, moved = run(scenario())
    assert all(r["ok"] and r["created"] for r in acked)
    for reply in moved:
        assert reply["state"]["pinned"]["card_id"] == pushed["card_id"]
        assert reply["state"]["counts"][seeded.job_ids[1]] == 10
        assert reply["me"]["signed_up"] == [seeded.job_ids[1]]
    assert rows(
        seeded.database_url, "select count(*) from signups where job_id = :j", j=seeded.job_ids[1]
    ) == [(10,)]
