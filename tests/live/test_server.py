"""/live on a real server (eventlet, a loopback port) with real python-socketio clients."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.fixtures.people import remote_seeker_token
from tests.fixtures.realtime import (
    NS,
    call,
    close_all,
    open_client,
    open_many,
    rows,
    run,
    start_server,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def live(live_site):
    return live_site()


def test_200_viewers_receive_a_pushed_card(live):
    seeded, server = live

    async def scenario():
        viewers = await open_many(server.url, 200)
        received: dict[int, dict] = {}
        for index, viewer in enumerate(viewers):
            viewer.on("card", lambda data, i=index: received.__setitem__(i, data), namespace=NS)
        joined = await asyncio.gather(
            *(call(v, "join", {"room_id": seeded.room_id}) for v in viewers)
        )
        assert all(reply["ok"] for reply in joined)
        host = await open_client(server.url, auth={"token": seeded.host_token})
        assert (await call(host, "join", {"room_id": seeded.room_id}))["ok"]
        pushed = await call(
            host, "push_card", {"room_id": seeded.room_id, "job_id": seeded.job_ids[0]}
        )
        assert pushed["ok"], pushed
        deadline = time.monotonic() + 10
        while len(received) < len(viewers) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await close_all([*viewers, host])
        return pushed, received

    pushed, received = run(scenario())
    assert len(received) == 200
    assert {payload["card"]["card_id"] for payload in received.values()} == {pushed["card_id"]}
    assert all(payload["card"]["job"]["title"] == "Job 0" for payload in received.values())


def test_50_identical_sign_ups_from_one_person_are_one_row(live):
    seeded, server = live

    token = remote_seeker_token(server.url, seeded.database_url, "13800138000", "张伟")

    async def scenario():
        devices = await open_many(server.url, 5)
        for device in devices:
            assert (await call(device, "identify", {"token": token}))["ok"]
            assert (await call(device, "join", {"room_id": seeded.room_id}))["ok"]
        taps = [
            call(
                devices[n % 5], "sign_up", {"room_id": seeded.room_id, "job_id": seeded.job_ids[1]}
            )
            for n in range(50)
        ]
        replies = await asyncio.gather(*taps)
        await close_all(devices)
        return replies

    replies = run(scenario())
    assert all(r["ok"] for r in replies), [r for r in replies if not r["ok"]]
    assert sum(r["created"] for r in replies) == 1
    assert {r["count"] for r in replies} == {1}
    assert rows(
        seeded.database_url,
        "select count(*) from signups where job_id = :job",
        job=seeded.job_ids[1],
    ) == [(1,)]


def test_viewers_cannot_use_host_events_and_a_flood_is_cut_off(live):
    seeded, server = live

    async def scenario():
        viewer = await open_client(server.url)
        await call(viewer, "join", {"room_id": seeded.room_id})
        refused = await call(
            viewer, "push_card", {"room_id": seeded.room_id, "job_id": seeded.job_ids[0]}
        )
        disconnected = asyncio.Event()
        viewer.on("disconnect", lambda *a: disconnected.set(), namespace=NS)
        for _ in range(300):
            if disconnected.is_set():
                break
            await viewer.emit("leave", {"room_id": seeded.room_id}, namespace=NS)
        try:
            await asyncio.wait_for(disconnected.wait(), timeout=10)
        finally:
            await viewer.disconnect()
        return refused

    refused = run(scenario())
    assert refused["ok"] is False and refused["error"]["code"] == "forbidden"
    assert rows(seeded.database_url, "select count(*) from card_pushes") == [(0,)]


def test_clients_resync_after_a_server_restart(live, tmp_path):
    seeded, server = live

    token = remote_seeker_token(server.url, seeded.database_url, "13900000001", "李娜")

    async def scenario():
        states = []
        # The token in the handshake: the connection is the seeker again after reconnecting.
        viewer = await open_client(server.url, auth={"token": token}, reconnect=True)
        identity = await call(viewer, "identify", {"token": token})
        assert identity["ok"]

        async def rejoin():
            states.append(await call(viewer, "join", {"room_id": seeded.room_id}))

        viewer.on("connect", lambda: asyncio.ensure_future(rejoin()), namespace=NS)
        await rejoin()
        host = await open_client(server.url, auth={"token": seeded.host_token})
        await call(host, "join", {"room_id": seeded.room_id})
        signed = await call(
            viewer, "sign_up", {"room_id": seeded.room_id, "job_id": seeded.job_ids[0]}
        )
        await host.disconnect()

        server.stop(kill=True)  # kill -9: no goodbye to anyone
        await asyncio.sleep(0.5)
        restarted = start_server(seeded.database_url, tmp_path, port=server.port)
        host = await open_client(restarted.url, auth={"token": seeded.host_token})
        await call(host, "join", {"room_id": seeded.room_id})
        pushed = await call(
            host, "push_card", {"room_id": seeded.room_id, "job_id": seeded.job_ids[2]}
        )
        deadline = time.monotonic() + 15
        while len(states) < 2 and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        after = await call(viewer, "join", {"room_id": seeded.room_id})
        await close_all([viewer, host])
        restarted.stop()
        return signed, pushed, states, after

    signed, pushed, states, after = run(scenario())
    assert signed["created"] is True
    assert len(states) >= 2, "the viewer did not rejoin after the restart"
    resynced = states[1]["state"]
    assert resynced["counts"] == {seeded.job_ids[0]: 1}
    # Whatever it missed while reconnecting, a rejoin shows the card pushed after the restart.
    assert after["state"]["pinned"]["card_id"] == pushed["card_id"]
    assert after["me"]["signed_up"] == [] or after["me"]["signed_up"] == [seeded.job_ids[0]]
