"""Malicious uploads through the app: playlists pointing inward or at themselves are refused,
and nothing is fetched."""

from __future__ import annotations

import io
import socket
import threading

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture
def listener():
    """A loopback port that records whether anyone connects to it (an internal service)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    touched = threading.Event()
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            touched.set()
            connection.close()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    yield server.getsockname()[1], touched
    stop.set()
    thread.join(timeout=2)
    server.close()


def upload(client, room, token, name: str, body: bytes):
    return client.post(
        f"/api/v1/rooms/{room.id}/uploads",
        data={"video": (io.BytesIO(body), name)},
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.mark.parametrize("name", ["talk.avi", "talk.mp4", "talk.m3u8", "talk.ts"])
def test_playlists_pointing_at_internal_addresses_or_themselves_are_refused(
    client, live_room, token_for, listener, name
):
    room, host, _jobs = live_room
    port, touched = listener
    token = token_for(host)
    inward = (
        f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nhttp://127.0.0.1:{port}/secret.ts\n"
        "#EXT-X-ENDLIST\n"
    ).encode()
    itself = (f"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n{name}\n").encode()
    for body in (inward, itself):
        response = upload(client, room, token, name, body)
        assert response.status_code in (415, 422), response.get_json()
    assert not touched.is_set(), "probing the upload connected to an internal address"


def test_a_huge_declared_picture_is_refused(client, live_room, token_for, tmp_path):
    import subprocess

    import imageio_ffmpeg

    room, host, _jobs = live_room
    path = tmp_path / "huge.mkv"
    # A tiny clip whose stream says it is 8000 pixels wide: beyond what FairCast plays.
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "color=c=black:s=8000x16:d=1",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            str(path),
        ],
        check=True,
        timeout=60,
    )
    response = upload(client, room, token_for(host), "huge.mkv", path.read_bytes())
    assert (
        response.status_code == 422
        and response.get_json()["error"]["fields"]["video"] == "bad_resolution"
    )
