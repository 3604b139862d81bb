"""Every client gets every message once, in order and intact, on the fast path and on the stock
path (the kill switch): real servers, real clients, readers that stall, polling and upgrades."""

from __future__ import annotations

import time

import pytest

from tests.fixtures.numbered import (
    EmitterServer,
    LibraryClient,
    RawClient,
    accepted_extensions,
    emitter_env,
)
from tests.fixtures.realtime import migrated_copy

pytestmark = pytest.mark.slow

SENDERS = 4
COUNT = 40
SIZES = [600, 600, 150_000, 600]  # a 150 KB message in every four


@pytest.fixture(params=["fast", "stock"])
def emitter(request, tmp_path, migrated_template):
    """emitter(**env) -> (fast, server): the test server on the fast path, then on the stock
    path (FAIRCAST_FAST_SOCKETS=0)."""
    fast = request.param == "fast"
    servers = []

    def start(**extra):
        env = emitter_env(
            migrated_copy(migrated_template, tmp_path), tmp_path / "media", fast, **extra
        )
        servers.append(EmitterServer(env, tmp_path / "server.log").start())
        return fast, servers[-1]

    yield start
    for server in servers:
        server.stop()


def wait_for_all(clients, expected: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(sum(map(len, c.record["seqs"].values())) >= expected for c in clients):
            return
        time.sleep(0.1)


def assert_exactly_once_in_order(client, senders: int, count: int) -> None:
    record = client.record
    assert not record["disconnected"]
    assert record["torn"] == 0
    assert sorted(record["seqs"]) == list(range(senders))
    for sender in range(senders):
        got = record["seqs"][sender]
        assert got == list(range(count)), f"{client!r} sender {sender}: {got}"


def test_concurrent_senders_reach_stalled_polling_and_upgraded_clients(emitter):
    fast, server = emitter()
    steady = [RawClient(server.url) for _ in range(6)]
    stalled = [RawClient(server.url, pause_after=3, pause_for=3.0) for _ in range(3)]
    polling = [LibraryClient(server.url, ["polling"]) for _ in range(2)]
    upgraded = [LibraryClient(server.url, ["polling", "websocket"]) for _ in range(2)]
    driver = LibraryClient(server.url, ["websocket"])
    clients = [*steady, *stalled, *polling, *upgraded, driver]
    time.sleep(0.5)  # the upgrades finish
    assert driver.call("burst", {"senders": SENDERS, "count": COUNT, "sizes": SIZES})["ok"]
    wait_for_all(clients, SENDERS * COUNT)
    stats = driver.call("stats")
    for client in clients:
        assert_exactly_once_in_order(client, SENDERS, COUNT)
    for client in clients:
        client.close()
    if fast:
        assert stats["mode"] == "fast"
        assert stats["direct"] > 0  # most went straight to the socket
        assert stats["partial"] + stats["queued"] > 0  # the stalled readers forced the queue
    else:
        assert stats["mode"] == "guarded"
        assert stats["direct"] == stats["partial"] == stats["queued"] == 0


def test_connections_outlive_the_ping_timeout_while_messages_go_direct(emitter):
    # A short ping cycle: the writer's wait for its queue (interval + timeout, 5 s) ends
    # several times while every message goes straight to the socket.
    fast, server = emitter(EMITTER_PING_INTERVAL="1", EMITTER_PING_TIMEOUT="4")
    raw = [RawClient(server.url) for _ in range(3)]
    driver = LibraryClient(server.url, ["websocket"])
    upgraded = LibraryClient(server.url, ["polling", "websocket"])
    clients = [*raw, driver, upgraded]
    time.sleep(0.5)
    # 8 s of small messages, longer than the writer's 5 s wait: only pings use the queue.
    assert driver.call("burst", {"senders": 1, "count": 80, "sizes": [600], "interval": 0.1})["ok"]
    wait_for_all(clients, 80, timeout=30)
    time.sleep(6)  # idle past the ping timeout
    assert driver.call("burst", {"senders": 1, "count": 80, "sizes": [600]})["ok"]
    wait_for_all(clients, 160, timeout=30)
    stats = driver.call("stats")
    for client in clients:
        record = client.record
        assert not record["disconnected"]
        assert record["torn"] == 0
        assert record["seqs"][0] == list(range(80)) * 2
        client.close()
    assert stats["sockets"] >= len(clients)
    if fast:
        assert stats["direct"] > 0


def test_per_socket_compression_is_declined_unless_switched_off(emitter):
    fast, server = emitter()
    accepted = accepted_extensions(server.url, "permessage-deflate; client_max_window_bits")
    if fast:
        assert "permessage-deflate" not in accepted
    else:
        assert "permessage-deflate" in accepted  # the stock path, as eventlet ships it


def test_idle_websockets_hold_one_green_thread_each_on_the_fast_path(emitter):
    fast, server = emitter()
    driver = LibraryClient(server.url, ["websocket"])
    before = driver.call("stats")["green_threads"]
    idle = [RawClient(server.url) for _ in range(40)]
    time.sleep(1.0)
    stats = driver.call("stats")
    per_connection = (stats["green_threads"] - before) / len(idle)
    for client in [*idle, driver]:
        client.close()
    if fast:
        assert per_connection < 1.5  # the reader; no writer or ping sleeper while idle
    else:
        assert per_connection >= 2.5  # reader, writer and ping sleeper
