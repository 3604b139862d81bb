"""Hardening: /media follows no symbolic link (as nginx's disable_symlinks), and a room takes
sign-ups only for jobs whose card was pushed in it, so a room's figures are what its cards
converted; the fair page still takes any job of the fair."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.live.models import SignUp
from tests.fixtures.people import identify_live, sign_in_by_code
from tests.fixtures.sockets import ack
from tests.fixtures.values import csrf_token


@pytest.fixture
def rooms_folder(settings) -> Path:
    folder = Path(settings.media_dir) / "rooms"
    folder.mkdir(parents=True)
    return folder


def test_media_serves_files_but_follows_no_link(client, rooms_folder, tmp_path):
    run = rooms_folder / "room1" / "run1"
    run.mkdir(parents=True)
    (run / "index.m3u8").write_text("#EXTM3U\n")
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "stolen.m3u8").write_text("#EXTM3U\n# the server's private file\n")
    (run / "linked.m3u8").symlink_to(secret / "stolen.m3u8")
    (rooms_folder / "room2").symlink_to(secret, target_is_directory=True)

    assert client.get("/media/rooms/room1/run1/index.m3u8").status_code == 200
    assert client.get("/media/rooms/room1/run1/linked.m3u8").status_code == 404
    assert client.get("/media/rooms/room2/stolen.m3u8").status_code == 404


def test_media_refuses_other_folders_and_kinds(client, rooms_folder):
    (rooms_folder / "room1").mkdir()
    (rooms_folder / "room1" / "notes.txt").write_text("private")
    (rooms_folder.parent / "top.m3u8").write_text("#EXTM3U\n")
    for path in ("rooms/room1/notes.txt", "top.m3u8", "rooms/../top.m3u8", "rooms/%2e%2e/top.m3u8"):
        assert client.get(f"/media/{path}").status_code == 404, path


def identified(connect, room):
    viewer = connect()
    identify_live(viewer)
    assert ack(viewer, "join", {"room_id": room.id})["ok"]
    return viewer


def test_a_room_takes_sign_ups_only_for_jobs_shown_in_it(db, live_room, connect, token_for):
    room, host, (shown, never_shown) = live_room
    viewer = identified(connect, room)
    cockpit = connect(token=token_for(host))
    assert ack(cockpit, "push_card", {"room_id": room.id, "job_id": shown.id})["ok"]

    refused = ack(viewer, "sign_up", {"room_id": room.id, "job_id": never_shown.id})
    assert not refused["ok"] and "job_id" in refused["error"]["fields"]
    assert ack(viewer, "sign_up", {"room_id": room.id, "job_id": shown.id})["ok"]
    assert [s.job_id for s in db.session.query(SignUp)] == [shown.id]


def test_a_replay_sign_up_names_a_job_of_that_room_the_fair_page_any(db, app, live_room):
    room, _host, (job, _other) = live_room
    browser = app.test_client()
    sign_in_by_code(browser, "13800138000")
    headers = {"X-CSRFToken": csrf_token(browser)}
    in_room = {"job_id": job.id, "source": "replay", "room_id": room.id}
    answer = browser.post(f"/api/v1/fairs/{room.fair_id}/signups", json=in_room, headers=headers)
    assert answer.status_code == 422 and "job_id" in answer.get_json()["error"]["fields"]
    on_page = {"job_id": job.id, "source": "page"}
    answer = browser.post(f"/api/v1/fairs/{room.fair_id}/signups", json=on_page, headers=headers)
    assert answer.status_code == 201
