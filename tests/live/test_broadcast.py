"""Broadcasts through the app: going live and ending, uploads, media serving, SRT with real ffmpeg."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from app.fairs.models import Room, RoomStatus
from app.live.models import StreamRun, Upload
from app.live.runtime import stream_runtime
from tests.fixtures.realtime import FFMPEG
from tests.fixtures.sockets import ack


@pytest.fixture
def host_api(api, live_room, token_for):
    room, host, _jobs = live_room
    api.token = token_for(host)
    return api, room


@pytest.fixture(autouse=True)
def stop_ffmpeg(app):
    yield
    stream_runtime(app).shutdown()


def wait_until(predicate, timeout=20.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def room_status(db, room_id) -> RoomStatus:
    db.session.expire_all()
    return db.session.get(Room, room_id).status


def test_going_live_from_the_browser_waits_for_video_then_ends(host_api, db):
    api, room = host_api
    reply = api.post(f"/rooms/{room.id}/live", {"source": "browser"})
    assert reply.status_code == 200, reply.get_json()
    assert reply.get_json()["status"] == "waiting"
    assert api.post(f"/rooms/{room.id}/live", {"source": "browser"}).status_code == 409
    ended = api.post(f"/rooms/{room.id}/end")
    assert ended.get_json()["status"] == "ended"
    assert api.post(f"/rooms/{room.id}/end").status_code == 409


def test_only_the_host_or_an_organiser_runs_the_broadcast(api, live_room, make_user, token_for):
    room, _host, _jobs = live_room
    stranger = token_for(make_user("host"))
    assert (
        api.post(f"/rooms/{room.id}/live", {"source": "browser"}, token=stranger).status_code == 403
    )
    assert api.post(f"/rooms/{room.id}/live", {"source": "browser"}).status_code == 401
    organiser = token_for(make_user("organiser"))
    assert (
        api.post(f"/rooms/{room.id}/live", {"source": "browser"}, token=organiser).status_code
        == 200
    )


def test_bad_sources_are_refused(host_api):
    api, room = host_api
    assert api.post(f"/rooms/{room.id}/live", {"source": "satellite"}).status_code == 422
    assert api.post(f"/rooms/{room.id}/live", {"source": "file"}).status_code == 422
    assert (
        api.post(f"/rooms/{room.id}/live", {"source": "file", "upload_id": "nope"}).status_code
        == 422
    )


def test_viewers_cannot_send_video(connect, live_room):
    room, _host, _jobs = live_room
    viewer = connect()
    ack(viewer, "join", {"room_id": room.id})
    reply = viewer.emit(
        "media",
        {"room_id": room.id, "mime_type": "video/webm"},
        b"\x1a\x45\xdf\xa3",
        namespace="/live",
        callback=True,
    )
    assert reply["ok"] is False and reply["error"]["code"] == "forbidden"


def test_video_chunks_need_an_open_broadcast(connect, live_room, token_for):
    room, host, _jobs = live_room
    cockpit = connect(token=token_for(host))
    ack(cockpit, "join", {"room_id": room.id})
    reply = cockpit.emit(
        "media",
        {"room_id": room.id, "mime_type": "video/webm"},
        b"\x1a\x45\xdf\xa3",
        namespace="/live",
        callback=True,
    )
    assert reply["ok"] is False and reply["error"]["code"] == "conflict"
    not_binary = cockpit.emit(
        "media",
        {"room_id": room.id, "mime_type": "video/webm"},
        "text",
        namespace="/live",
        callback=True,
    )
    assert not_binary["error"]["fields"] == {"chunk": "required"}


def make_video(path: Path, seconds: int = 3) -> Path:
    subprocess.run(
        [
            FFMPEG,
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size=640x360:rate=25:duration={seconds}",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-g",
            "25",
            "-c:a",
            "aac",
            "-shortest",
            str(path),
        ],
        check=True,
        timeout=60,
    )
    return path


def test_premiere_upload_is_checked_by_content(client, host_api, tmp_path, db):
    api, room = host_api
    headers = {"Authorization": f"Bearer {api.token}"}
    video = make_video(tmp_path / "talk.mp4")
    with video.open("rb") as f:
        ok = client.post(
            f"/api/v1/rooms/{room.id}/uploads", data={"video": (f, "宣讲会.mp4")}, headers=headers
        )
    assert ok.status_code == 201, ok.get_json()
    body = ok.get_json()
    assert (
        body["width"] == 640
        and body["video_codec"] == "h264"
        and 2 <= body["duration_seconds"] <= 4
    )
    # An HLS playlist pointing at a local file, disguised as an AVI.
    playlist = (
        b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n"
    )
    sneaky = client.post(
        f"/api/v1/rooms/{room.id}/uploads",
        data={"video": (__import__("io").BytesIO(playlist), "movie.avi")},
        headers=headers,
    )
    assert sneaky.status_code == 415, sneaky.get_json()
    concat = client.post(
        f"/api/v1/rooms/{room.id}/uploads",
        data={
            "video": (__import__("io").BytesIO(b"concat:/etc/passwd|/etc/hosts"), "concat:x.mp4")
        },
        headers=headers,
    )
    assert concat.status_code in (415, 422)
    assert (
        client.post(f"/api/v1/rooms/{room.id}/uploads", data={}, headers=headers).status_code == 422
    )
    with video.open("rb") as f:
        late = client.post(
            f"/api/v1/rooms/{room.id}/uploads",
            headers=headers,
            data={"video": (f, "late.mp4"), "premiere_at": "2099-01-01T10:00:00+08:00"},
        )
    assert late.status_code == 422 and "premiere_at" in late.get_json()["error"]["fields"]
    assert db.session.query(Upload).count() == 1
    stored = list(stream_runtime().uploads_dir.iterdir())
    assert len(stored) == 1  # refused files are deleted


def test_a_premiere_plays_out_as_live_and_leaves_a_replay(client, host_api, tmp_path, db):
    api, room = host_api
    headers = {"Authorization": f"Bearer {api.token}"}
    with make_video(tmp_path / "talk.mp4", seconds=4).open("rb") as f:
        upload = client.post(
            f"/api/v1/rooms/{room.id}/uploads", data={"video": (f, "talk.mp4")}, headers=headers
        ).get_json()
    reply = api.post(f"/rooms/{room.id}/live", {"source": "file", "upload_id": upload["id"]})
    assert reply.status_code == 200, reply.get_json()
    assert wait_until(lambda: room_status(db, room.id) == RoomStatus.LIVE, timeout=20)
    live = api.get(f"/rooms/{room.id}").get_json()
    assert live["hls_url"].endswith("/live/master.m3u8")
    playlist = client.get(live["hls_url"].removeprefix("http://127.0.0.1:5000"))
    assert playlist.status_code == 200 and b"#EXTM3U" in playlist.data
    assert playlist.headers["Content-Type"].startswith("application/vnd.apple.mpegurl")
    assert wait_until(lambda: room_status(db, room.id) == RoomStatus.ENDED, timeout=30)
    db.session.expire_all()
    run = db.session.query(StreamRun).one()
    assert run.reason == "finished" and run.first_segment_at is not None
    replay = api.get(f"/rooms/{room.id}").get_json()["replay_url"]
    assert replay.endswith("/replay/index.m3u8")
    body = client.get(replay.removeprefix("http://127.0.0.1:5000")).data
    assert b"#EXT-X-ENDLIST" in body and b"#EXT-X-PROGRAM-DATE-TIME" in body
    assert client.get(f"/rooms/{room.id}/replay").status_code == 200


def test_media_serves_only_playlists_segments_and_posters(client, app):
    media = stream_runtime(app).media_dir
    (media / "rooms" / "r1").mkdir(parents=True)
    (media / "rooms" / "r1" / "index.m3u8").write_text("#EXTM3U\n")
    (media / "rooms" / "r1" / "notes.txt").write_text("secret")
    (media / "secret.m3u8").write_text("#EXTM3U\n")
    assert client.get("/media/rooms/r1/index.m3u8").status_code == 200
    assert client.get("/media/rooms/r1/notes.txt").status_code == 404
    assert client.get("/media/secret.m3u8").status_code == 404
    assert client.get("/media/rooms/../secret.m3u8").status_code == 404
    assert client.get("/media/rooms/%2e%2e/secret.m3u8").status_code == 404


def srt_push(url: str, seconds: int = 8) -> subprocess.Popen:
    return subprocess.Popen(
        [
            FFMPEG,
            "-v",
            "error",
            "-re",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size=640x360:rate=25:duration={seconds}",
            "-f",
            "lavfi",
            "-i",
            f"sine=duration={seconds}",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-tune",
            "zerolatency",
            "-g",
            "25",
            "-c:a",
            "aac",
            "-f",
            "mpegts",
            url,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_obs_over_srt_with_the_right_key_and_not_with_a_wrong_one(host_api, db):
    api, room = host_api
    room_json = api.post(f"/rooms/{room.id}/live", {"source": "srt"}).get_json()
    url = room_json["ingest"]["srt_url"]
    assert url.startswith("srt://127.0.0.1:") and room.stream_key in url
    wrong = srt_push(url.replace(room.stream_key, "0" * 32), seconds=3)
    wrong.wait(timeout=30)
    assert room_status(db, room.id) == RoomStatus.WAITING  # nothing was published
    pusher = srt_push(url)
    try:
        assert wait_until(lambda: room_status(db, room.id) == RoomStatus.LIVE, timeout=30)
    finally:
        pusher.kill()
        pusher.wait()
    assert api.post(f"/rooms/{room.id}/end").status_code == 200
    # Others never see the key.
    assert api.client.get(f"/api/v1/rooms/{room.id}").get_json()["ingest"] is None


def test_renditions_come_from_the_settings_with_the_main_picture_always(app, settings):
    settings.hls_renditions = "audio, 480p, 4k"
    assert stream_runtime(app).renditions == ("main", "480p", "audio")
    settings.hls_renditions = ""
    assert stream_runtime(app).renditions == ("main",)
