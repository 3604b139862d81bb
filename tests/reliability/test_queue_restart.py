"""Redis, the message queue between processes, killed and restarted mid-fair.

Two app processes share PostgreSQL and a Redis server of this test's own (started on a free
port, so the machine's shared Redis is left alone). The host pushes on one process, five viewers
watch on the other. While Redis is down a push is stored and acknowledged with the warning
`not_everywhere`; when Redis is back, every process redraws its rooms from the database, so the
viewers see the cards and counts they missed without rejoining."""

from __future__ import annotations

import asyncio
import secrets
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import redis

from app.migrate import upgrade
from tests.fixtures.people import remote_seeker_token
from tests.fixtures.realtime import (
    NS,
    call,
    close_all,
    open_client,
    run,
    seed_live_room,
    start_server,
)
from tests.fixtures.reliability import record_figures
from tests.fixtures.servers import die_with_parent, free_port

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

VIEWERS = 5
RESYNC_TIMEOUT = 15


class PrivateRedis:
    """A redis-server of this test's own on a free port, that can be killed and started again."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=die_with_parent,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def queue(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed; this test runs a Redis of its own")
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def two_processes(tmp_path, postgres_url, queue):
    upgrade(postgres_url)
    seeded = seed_live_room(postgres_url, tmp_path / "media", jobs=3)
    channel = f"faircast-test-{secrets.token_hex(4)}"
    servers = []
    try:
        for name in ("host-side", "viewer-side"):
            folder = tmp_path / name
            folder.mkdir()
            servers.append(
                start_server(
                    postgres_url,
                    folder,
                    FAIRCAST_MESSAGE_QUEUE=queue.url,
                    FAIRCAST_MESSAGE_QUEUE_CHANNEL=channel,
                )
            )
        yield seeded, servers, queue
    finally:
        for server in servers:
            server.stop()


class Screen:
    """What one viewer's page shows: the pinned card, every card seen, the counts."""

    def __init__(self, client):
        self.pinned: str | None = None
        self.seen: set[str] = set()
        self.counts: dict[str, int] = {}
        self.states = 0
        self.connects = 0
        client.on("card", self.on_card, namespace=NS)
        client.on("state", self.on_state, namespace=NS)
        client.on("counts", self.on_counts, namespace=NS)
        client.on("connect", self.on_connect, namespace=NS)

    def on_card(self, data):
        self.pinned = data["card"]["card_id"]
        self.seen.add(self.pinned)

    def on_state(self, data):
        self.states += 1
        self.pinned = (data.get("pinned") or {}).get("card_id")
        self.seen.update(card["card_id"] for card in data.get("cards", []))
        self.counts = dict(data.get("counts", {}))

    def on_counts(self, data):
        self.counts = dict(data.get("signups", {}))

    def on_connect(self):
        self.connects += 1


async def until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.05)
    return condition()


def test_redis_killed_and_restarted_mid_fair_viewers_catch_up_without_rejoining(two_processes):
    seeded, (host_side, viewer_side), queue = two_processes
    first, while_down, just_back = seeded.job_ids
    seeker_token = remote_seeker_token(host_side.url, seeded.database_url, "13700001111", "王芳")

    async def scenario():
        viewers = [await open_client(viewer_side.url) for _ in range(VIEWERS)]
        screens = [Screen(v) for v in viewers]
        for viewer in viewers:
            assert (await call(viewer, "join", {"room_id": seeded.room_id}))["ok"]
        host = await open_client(host_side.url, auth={"token": seeded.host_token})
        assert (await call(host, "join", {"room_id": seeded.room_id}))["ok"]
        seeker = await open_client(host_side.url)
        assert (await call(seeker, "identify", {"token": seeker_token}))["ok"]
        assert (await call(seeker, "join", {"room_id": seeded.room_id}))["ok"]

        # The link works: a card crosses from the host's process to the viewers'.
        card = await call(host, "push_card", {"room_id": seeded.room_id, "job_id": first})
        assert card["ok"] and "warning" not in card
        assert await until(lambda: all(s.pinned == card["card_id"] for s in screens), 10)

        queue.kill()
        await asyncio.sleep(0.3)
        down = await call(host, "push_card", {"room_id": seeded.room_id, "job_id": while_down})
        signed = await call(seeker, "sign_up", {"room_id": seeded.room_id, "job_id": while_down})
        reached_while_down = sum(down["card_id"] in s.seen for s in screens)

        queue.start()
        restarted_at = time.monotonic()
        back = await call(host, "push_card", {"room_id": seeded.room_id, "job_id": just_back})
        assert back["ok"], back
        caught_up = await until(
            lambda: all(
                s.pinned == back["card_id"]
                and down["card_id"] in s.seen
                and s.counts.get(while_down) == 1
                for s in screens
            ),
            RESYNC_TIMEOUT,
        )
        catch_up = time.monotonic() - restarted_at
        # Once caught up, the link carries cards live again, with no warning as soon as the
        # host's own process listens again too (each process retries on its own schedule, up
        # to 2 s apart).
        deadline = time.monotonic() + RESYNC_TIMEOUT
        later = await call(host, "push_card", {"room_id": seeded.room_id, "job_id": first})
        while "warning" in later and time.monotonic() < deadline:
            await asyncio.sleep(0.25)
            later = await call(host, "push_card", {"room_id": seeded.room_id, "job_id": first})
        live_again = await until(lambda: all(s.pinned == later["card_id"] for s in screens), 10)
        await close_all([*viewers, host, seeker])
        outcome = (caught_up, catch_up, live_again)
        return down, signed, later, screens, reached_while_down, outcome

    down, signed, later, screens, reached_while_down, outcome = run(scenario())
    caught_up, catch_up, live_again = outcome
    record_figures(
        "Redis killed and restarted mid-fair (2 processes)",
        viewers=VIEWERS,
        reached_while_down=reached_while_down,
        caught_up=sum(s.pinned == later["card_id"] and down["card_id"] in s.seen for s in screens),
        warned=down.get("warning", {}).get("code"),
        seconds_to_catch_up=round(catch_up, 2),
    )
    assert down["ok"], down
    assert down["warning"]["code"] == "not_everywhere" and down["warning"]["message"]
    assert signed["ok"] and signed["created"], signed
    assert caught_up, [(s.pinned, sorted(s.seen), s.counts, s.states) for s in screens]
    assert all(s.connects == 0 for s in screens), "a viewer had to reconnect"
    assert live_again and "warning" not in later, later
