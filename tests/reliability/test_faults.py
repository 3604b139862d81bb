"""Faults during a fair: the server killed, ffmpeg killed, many writers on SQLite, a full disk.
After each, every acknowledged sign-up is in the database and nothing is duplicated."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.fixtures.people import seeded_seeker_tokens
from tests.fixtures.realtime import (
    FFMPEG,
    NS,
    ReconnectingPusher,
    call,
    close_all,
    open_client,
    open_many,
    rows,
    run,
    start_server,
)
from tests.fixtures.reliability import record_figures

pytestmark = pytest.mark.slow


@pytest.fixture
def site(live_site, tmp_path):
    return (*live_site(jobs=4), tmp_path)


def test_kill_9_mid_fair_loses_no_acknowledged_sign_up_and_duplicates_no_card(site):
    seeded, server, tmp_path = site
    people = [(f"K{n}", f"1370000{n:04d}") for n in range(60)]
    tokens = seeded_seeker_tokens(seeded.database_url, tmp_path / "seed", people)
    acked: set[tuple[int, str]] = set()
    pushes_acked: list[str] = []

    async def tap_until_gone(viewers):
        async def one(n, viewer):
            for job_id in seeded.job_ids:
                try:
                    reply = await call(
                        viewer, "sign_up", {"room_id": seeded.room_id, "job_id": job_id}, timeout=3
                    )
                except Exception:  # noqa: BLE001 - the server is being killed under us
                    return
                if reply.get("ok"):
                    acked.add((n, job_id))
                await asyncio.sleep(random.random() / 4)  # people tap at their own pace

        await asyncio.gather(*(one(n, v) for n, v in enumerate(viewers)))

    async def scenario():
        viewers = await open_many(server.url, 60)
        for n, viewer in enumerate(viewers):
            await call(viewer, "identify", {"token": tokens[n]})
            await call(viewer, "join", {"room_id": seeded.room_id})
        host = await open_client(server.url, auth={"token": seeded.host_token})
        await call(host, "join", {"room_id": seeded.room_id})
        for job_id in seeded.job_ids[:2]:
            pushes_acked.append(
                (await call(host, "push_card", {"room_id": seeded.room_id, "job_id": job_id}))[
                    "card_id"
                ]
            )
        tapping = asyncio.ensure_future(tap_until_gone(viewers))
        await asyncio.sleep(0.25)  # in the middle of the taps
        os.killpg(server.process.pid, signal.SIGKILL)
        await tapping
        await close_all([*viewers, host])

    run(scenario())
    server.process.wait()
    stored = {
        (int(name[1:]), job_id)
        for name, job_id in rows(
            seeded.database_url,
            "select seekers.name, signups.job_id from signups join seekers on seekers.id = signups.seeker_id",
        )
    }
    record_figures(
        "kill -9 of the server mid-fair",
        sign_ups_acknowledged=len(acked),
        stored=len(stored),
        acknowledged_but_missing=len(acked - stored),
        cards_acknowledged=len(pushes_acked),
    )
    assert acked, "no sign-up was acknowledged before the kill"
    assert acked <= stored, f"acknowledged but lost: {sorted(acked - stored)[:5]}"
    assert len(stored) == len(set(stored))
    cards = rows(seeded.database_url, "select id from card_pushes")
    assert sorted(c for (c,) in cards) == sorted(pushes_acked)

    restarted = start_server(seeded.database_url, tmp_path, port=server.port)
    try:

        async def rejoin():
            viewer = await open_client(restarted.url)
            state = (await call(viewer, "join", {"room_id": seeded.room_id}))["state"]
            await viewer.disconnect()
            return state

        state = run(rejoin())
        assert state["pinned"]["card_id"] == pushes_acked[-1]
        assert sum(state["counts"].values()) == len(stored)
    finally:
        restarted.stop()


def test_many_writers_on_sqlite_never_see_a_locked_database(site):
    seeded, server, tmp_path = site
    http_people = 40
    people = [(f"H{n}", f"1360000{n:04d}") for n in range(http_people)]
    people += [(f"S{n}", f"1350000{n:04d}") for n in range(40)]
    tokens = seeded_seeker_tokens(seeded.database_url, tmp_path / "seed", people)

    def page_sign_up(n: int) -> int:
        browser = requests.Session()
        headers = {"Authorization": f"Bearer {tokens[n]}"}  # a seeker's app, signed in
        statuses = [
            browser.post(
                f"{server.url}/api/v1/fairs/{seeded.fair_id}/signups",
                json={"job_id": job_id, "source": "page"},
                headers=headers,
                timeout=30,
            ).status_code
            for job_id in seeded.job_ids
        ]
        return sum(s in (200, 201) for s in statuses)

    async def socket_writers():
        viewers = await open_many(server.url, 40)
        for n, viewer in enumerate(viewers):
            await call(viewer, "identify", {"token": tokens[http_people + n]})
            await call(viewer, "join", {"room_id": seeded.room_id})
        replies = await asyncio.gather(
            *(
                call(v, "sign_up", {"room_id": seeded.room_id, "job_id": j})
                for v in viewers
                for j in seeded.job_ids
            ),
            *(call(v, "chat", {"room_id": seeded.room_id, "text": "在吗"}) for v in viewers),
        )
        await close_all(viewers)
        return replies

    with ThreadPoolExecutor(max_workers=10) as pool:
        http = pool.map(page_sign_up, range(http_people))
        replies = run(socket_writers())
        http_ok = sum(http)
    ((stored,),) = rows(seeded.database_url, "select count(*) from signups")
    record_figures(
        "many writers on SQLite",
        sign_ups=80 * len(seeded.job_ids),
        acknowledged=http_ok + sum(1 for r in replies if r.get("created")),
        stored=stored,
    )
    assert all(r["ok"] for r in replies), [r for r in replies if not r["ok"]][:3]
    assert http_ok == http_people * len(seeded.job_ids)
    assert rows(seeded.database_url, "select count(*) from signups") == [
        (80 * len(seeded.job_ids),)
    ]
    log = (tmp_path / "server.log").read_text()
    assert "database is locked" not in log and "Traceback" not in log


def test_ffmpeg_killed_mid_stream_reconnects_then_recovers(site):
    seeded, server, _tmp_path = site
    headers = {"Authorization": f"Bearer {seeded.host_token}"}
    room = f"{server.url}/api/v1/rooms/{seeded.room_id}"
    assert (
        requests.post(
            room + "/live", json={"source": "srt"}, headers=headers, timeout=10
        ).status_code
        == 200
    )
    url = requests.get(room, headers=headers, timeout=10).json()["ingest"]["srt_url"]
    pusher = ReconnectingPusher(FFMPEG, url)
    statuses: list[str] = []

    async def watch():
        viewer = await open_client(server.url)
        viewer.on("stream", lambda data: statuses.append(data["status"]), namespace=NS)
        await call(viewer, "join", {"room_id": seeded.room_id})
        deadline = time.monotonic() + 40
        while "live" not in statuses and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        room_ffmpeg = subprocess.run(
            ["pgrep", "-f", f"rooms/{seeded.room_id}"], capture_output=True, text=True
        )
        assert room_ffmpeg.stdout.split(), "no ffmpeg runs for the room"
        for pid in room_ffmpeg.stdout.split():
            os.kill(int(pid), signal.SIGKILL)
        deadline = time.monotonic() + 60
        while (
            not ("reconnecting" in statuses and statuses[-1] == "live")
            and time.monotonic() < deadline
        ):
            await asyncio.sleep(0.2)
        await viewer.disconnect()

    try:
        run(watch())
    finally:
        pusher.stop()
        requests.post(room + "/end", headers=headers, timeout=10)
    assert "reconnecting" in statuses and statuses[-1] == "live", statuses
