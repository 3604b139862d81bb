"""The disk for HLS segments fills up mid-broadcast: the room gets a clear error, the app stays up."""

from __future__ import annotations

import asyncio
import subprocess
import time

import pytest
import requests

from tests.fixtures.realtime import (
    FFMPEG,
    NS,
    ReconnectingPusher,
    call,
    migrated_copy,
    open_client,
    rows,
    run,
    seed_live_room,
    start_server,
)

pytestmark = pytest.mark.slow
DISK_BYTES = 3 * 1024 * 1024


@pytest.fixture
def tiny_media(tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_BYTES}", "tmpfs", str(media)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here ({mounted.stderr.strip()}); needs root")
    yield media
    subprocess.run(["umount", "-l", str(media)], check=False)


def test_a_full_disk_ends_the_room_with_an_error_and_the_app_stays_up(
    tmp_path, migrated_template, tiny_media
):
    database_url = migrated_copy(migrated_template, tmp_path)
    seeded = seed_live_room(database_url, tmp_path / "seed-media")
    server = start_server(database_url, tmp_path)  # FAIRCAST_MEDIA_DIR = tmp_path / "media"
    headers = {"Authorization": f"Bearer {seeded.host_token}"}
    room = f"{server.url}/api/v1/rooms/{seeded.room_id}"
    events: list[dict] = []
    try:
        assert (
            requests.post(
                room + "/live", json={"source": "srt"}, headers=headers, timeout=10
            ).status_code
            == 200
        )
        pusher = ReconnectingPusher(
            FFMPEG, requests.get(room, headers=headers, timeout=10).json()["ingest"]["srt_url"]
        )

        async def watch():
            viewer = await open_client(server.url)
            viewer.on("stream", events.append, namespace=NS)
            await call(viewer, "join", {"room_id": seeded.room_id})
            deadline = time.monotonic() + 150
            while (
                not any(e["status"] in ("error", "ended") for e in events)
                and time.monotonic() < deadline
            ):
                await asyncio.sleep(0.5)
            still_serving = await call(viewer, "join", {"room_id": seeded.room_id})
            await viewer.disconnect()
            return still_serving

        try:
            still_serving = run(watch())
        finally:
            pusher.stop()
        assert still_serving["ok"]
        assert requests.get(server.url + "/", timeout=10).status_code == 200
        assert requests.get(room, timeout=10).json()["status"] == "ended"
    finally:
        server.stop()
    final = [e for e in events if e["status"] in ("error", "ended")]
    assert final, [e["status"] for e in events]
    ((status, error),) = rows(database_url, "select status, error from stream_runs")
    assert status == "error"
    assert "No space left" in error or "space" in error.lower(), error
    assert final[-1].get("error"), "the host is not told why the room stopped"
