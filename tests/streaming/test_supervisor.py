"""The supervisor with real ffmpeg: browser chunks, SRT, premieres, restarts, stalls, cleanup."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from streaming import (
    AUDIO,
    ENDED,
    ERROR,
    LIVE,
    MAIN,
    RECONNECTING,
    SD,
    WAITING,
    BrowserSource,
    FileSource,
    Limits,
    NotLive,
    OutputOptions,
    RoomBusy,
    SrtSource,
    check_upload,
    new_secret,
    read_media_playlist,
    srt_url,
)
from streaming.probe import MediaInfo, StreamInfo
from tests.fixtures.media import (
    check_master,
    check_media_playlist,
    paced_chunks,
    processes_mentioning,
    wait_until,
)

pytestmark = pytest.mark.slow

CHUNK_BYTES = 24_000
LIVE_TIMEOUT = 20
END_TIMEOUT = 20


def feed_file(sup, room_id: str, path: Path, seconds: float, stop_after: float | None = None):
    """Feed a recording in chunks as MediaRecorder would, spread over `seconds`."""
    start = time.monotonic()
    for offset, chunk in paced_chunks(path.read_bytes(), CHUNK_BYTES, seconds):
        if stop_after is not None and offset >= stop_after:
            return
        delay = start + offset - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        sup.feed(room_id, chunk)


def run_dir(media_dir: Path, info: dict) -> Path:
    return media_dir / Path(info["hls"]).parent.parent


def test_browser_h264_goes_live_copied_with_all_renditions_and_a_replay(
    make_supervisor, status_log, media_dir, webm_h264, ffmpeg_bin
):
    sup = make_supervisor()
    output = OutputOptions(renditions=(MAIN, SD, AUDIO))
    state = sup.start("room1", BrowserSource("video/webm;codecs=h264,opus"), output)
    assert state.status == WAITING
    assert state.video == "copy"
    assert state.paths["hls"] == f"rooms/room1/runs/{state.run_id}/live/master.m3u8"
    feed_file(sup, "room1", webm_h264, seconds=4)
    live = status_log.wait_for("room1", LIVE, LIVE_TIMEOUT)
    assert live["first_segment_at"] is not None
    assert live["started_at"] is not None
    final = sup.stop("room1")
    assert final.status == ENDED
    assert final.reason == "stopped"
    assert status_log.statuses("room1") == [WAITING, LIVE, ENDED]

    master = media_dir / final.paths["hls"]
    variants = check_master(ffmpeg_bin, master, (MAIN, SD, AUDIO))
    assert "RESOLUTION" in variants[0] and variants[2]["CODECS"] == "mp4a.40.2"
    main = read_media_playlist(media_dir / final.paths["hls_main"])
    assert main.independent_segments and main.ended
    assert main.target_duration == 1
    # The live window keeps only the last few segments; the replay keeps them all.
    assert len(main.segments) <= 6
    replay_seconds = check_media_playlist(ffmpeg_bin, media_dir / final.paths["replay"])
    assert replay_seconds == pytest.approx(12, abs=1.5)
    assert read_media_playlist(media_dir / final.paths["replay"]).ended
    poster = media_dir / final.paths["poster"]
    assert poster.read_bytes()[:2] == b"\xff\xd8"
    assert Path(final.log_path).is_file()
    assert not Path(final.log_path).is_relative_to(media_dir)


def test_browser_vp8_is_transcoded(make_supervisor, status_log, media_dir, webm_vp8, ffmpeg_bin):
    sup = make_supervisor()
    state = sup.start("room2", BrowserSource("video/webm;codecs=vp8,opus"))
    assert state.video == "transcode"
    feed_file(sup, "room2", webm_vp8, seconds=3)
    status_log.wait_for("room2", LIVE, LIVE_TIMEOUT)
    final = sup.stop("room2")
    check_master(ffmpeg_bin, media_dir / final.paths["hls"], (MAIN, AUDIO))
    main = read_media_playlist(media_dir / final.paths["hls_main"])
    # Forced keyframes make every full segment one second long.
    assert all(abs(s.duration - 1) < 0.05 for s in main.segments[:-1])
    assert check_media_playlist(ffmpeg_bin, media_dir / final.paths["replay"]) > 5


def test_killed_ffmpeg_restarts_while_the_host_keeps_sending(
    make_supervisor, status_log, media_dir, webm_h264, ffmpeg_bin
):
    sup = make_supervisor()
    sup.start("room3", BrowserSource())
    first_pid = None

    def kill_once():
        nonlocal first_pid
        first_pid = sup.status("room3").pid
        os.kill(first_pid, signal.SIGKILL)

    start = time.monotonic()
    for offset, chunk in paced_chunks(webm_h264.read_bytes(), CHUNK_BYTES, 10):
        delay = start + offset - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        sup.feed("room3", chunk)
        if first_pid is None and sup.status("room3").status == LIVE and offset > 3:
            kill_once()
    assert first_pid is not None, "never went live before the kill"
    status_log.wait_for("room3", RECONNECTING, 10)
    n_reconnect = status_log.statuses("room3").index(RECONNECTING)
    status_log.wait_for("room3", LIVE, 10, after=n_reconnect)
    state = sup.status("room3")
    assert state.restarts >= 1
    assert state.pid != first_pid
    final = sup.stop("room3")
    # A crash loses at most the replay segment being written; the rest is kept.
    assert check_media_playlist(ffmpeg_bin, media_dir / final.paths["replay"]) >= 5
    check_media_playlist(ffmpeg_bin, media_dir / final.paths["hls_main"])


def test_a_stall_reports_reconnecting_and_a_new_recording_resumes(
    make_supervisor, status_log, webm_h264
):
    sup = make_supervisor()
    sup.start("room4", BrowserSource())
    feed_file(sup, "room4", webm_h264, seconds=10, stop_after=4)
    status_log.wait_for("room4", LIVE, LIVE_TIMEOUT)
    stalled_at = time.monotonic()
    status_log.wait_for("room4", RECONNECTING, 10)
    assert time.monotonic() - stalled_at < 8
    # The host's page reloads: its recorder starts over with a fresh header.
    n = len(status_log.statuses("room4"))
    feed_file(sup, "room4", webm_h264, seconds=4)
    status_log.wait_for("room4", LIVE, LIVE_TIMEOUT, after=n)
    assert sup.stop("room4").status == ENDED


def push_srt(ffmpeg: str, url: str, seconds: float) -> subprocess.Popen:
    """Publish a lavfi test stream over SRT as OBS would (H.264 + AAC in MPEG-TS)."""
    cmd = [ffmpeg, "-hide_banner", "-loglevel", "error", "-re"]
    cmd += ["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30"]
    cmd += ["-f", "lavfi", "-i", "sine=f=440:r=48000", "-t", f"{seconds:g}"]
    cmd += ["-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p"]
    cmd += ["-c:a", "aac", "-f", "mpegts", url]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_srt_right_passphrase_publishes_wrong_one_and_second_publisher_refused(
    make_supervisor, status_log, media_dir, ffmpeg_bin
):
    sup = make_supervisor(srt_ports=range(10380, 10390))
    secret = new_secret()
    state = sup.start("room5", SrtSource(secret))
    assert state.srt_port in range(10380, 10390)

    wrong = push_srt(ffmpeg_bin, srt_url("127.0.0.1", state.srt_port, "not-the-secret-1"), 3)
    assert wrong.wait(20) != 0
    assert sup.status("room5").status == WAITING
    assert not list((media_dir / state.paths["hls"]).parent.rglob("*.ts"))

    good = push_srt(ffmpeg_bin, srt_url("127.0.0.1", state.srt_port, secret), 8)
    status_log.wait_for("room5", LIVE, LIVE_TIMEOUT)
    second = push_srt(ffmpeg_bin, srt_url("127.0.0.1", state.srt_port, secret), 3)
    assert second.wait(20) != 0
    assert good.wait(20) == 0
    final = sup.stop("room5")
    assert final.status == ENDED
    check_master(ffmpeg_bin, media_dir / final.paths["hls"], (MAIN, AUDIO))
    log_text = Path(final.log_path).read_text()
    assert secret not in log_text


def test_premiere_plays_out_and_ends_by_itself(
    make_supervisor, status_log, media_dir, premiere_mp4, ffmpeg_bin
):
    sup = make_supervisor()
    info = check_upload(premiere_mp4, ffmpeg_bin)
    state = sup.start("room6", FileSource(str(premiere_mp4), info))
    assert state.video == "copy"
    status_log.wait_for("room6", LIVE, LIVE_TIMEOUT)
    ended = status_log.wait_for("room6", ENDED, END_TIMEOUT)
    assert ended["reason"] == "finished"
    replay = check_media_playlist(ffmpeg_bin, media_dir / ended["replay"])
    assert replay == pytest.approx(5, abs=1)
    # Played in real time: it took about as long as the video lasts.
    assert ended["ended_at"] > ended["started_at"]


def test_ffmpeg_failing_again_and_again_ends_in_error(make_supervisor, status_log, tmp_path):
    sup = make_supervisor(limits=Limits(max_crashes=3, crash_window_seconds=30))
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(b"\x00\x00\x00\x18ftypisom" + os.urandom(2000))
    info = MediaInfo(("mov",), 10.0, [StreamInfo(0, "video", "h264", 640, 360, 30, "yuv420p")])
    sup.start("room7", FileSource(str(garbage), info))
    err = status_log.wait_for("room7", ERROR, 30)
    assert err["error"]
    assert sup.status("room7").restarts == 2


def test_one_run_per_room_and_feed_needs_a_browser_run(make_supervisor, premiere_mp4, ffmpeg_bin):
    sup = make_supervisor()
    with pytest.raises(NotLive):
        sup.feed("room8", b"x")
    sup.start("room8", SrtSource(new_secret()))
    with pytest.raises(RoomBusy):
        sup.start("room8", BrowserSource())
    with pytest.raises(NotLive):
        sup.feed("room8", b"x")
    with pytest.raises(ValueError):
        sup.start("../etc", BrowserSource())


def test_shutdown_leaves_no_ffmpeg(make_supervisor, media_dir, status_log):
    sup = make_supervisor()
    sup.start("room9", SrtSource(new_secret()))
    sup.start("room10", BrowserSource())
    wait_until(lambda: len(processes_mentioning(str(media_dir))) == 2, 10)
    sup.shutdown()
    assert processes_mentioning(str(media_dir)) == []
    assert sup.status("room9").status == ENDED
    assert sup.status("room9").reason == "shutdown"
    assert status_log.statuses("room10")[-1] == ENDED


def test_orphans_of_a_dead_app_are_reaped(make_supervisor, media_dir, tmp_path, ffmpeg_bin):
    """An app killed with SIGKILL leaves ffmpeg behind; the next supervisor kills it."""
    script = f"""
import time
from streaming import Supervisor, SrtSource, new_secret
sup = Supervisor({str(media_dir)!r}, log_dir={str(tmp_path / "logs")!r}, ffmpeg={ffmpeg_bin!r})
sup.start("orphan", SrtSource(new_secret()))
print("started", flush=True)
time.sleep(60)
"""
    app = subprocess.Popen(
        ["python", "-c", script], cwd=Path(__file__).parents[2], stdout=subprocess.PIPE
    )
    assert app.stdout.readline().strip() == b"started"
    wait_until(lambda: processes_mentioning(str(media_dir)), 10)
    app.kill()
    app.wait()
    orphans = processes_mentioning(str(media_dir))
    assert orphans
    make_supervisor()
    wait_until(lambda: not processes_mentioning(str(media_dir)), 5)


def test_rotating_the_srt_secret_refuses_the_old_one(
    make_supervisor, status_log, media_dir, ffmpeg_bin
):
    sup = make_supervisor(srt_ports=range(10390, 10400))
    old, new = new_secret(), new_secret()
    state = sup.start("room11", SrtSource(old))
    sup.set_passphrase("room11", new)
    stale = push_srt(ffmpeg_bin, srt_url("127.0.0.1", state.srt_port, old), 3)
    assert stale.wait(20) != 0
    assert sup.status("room11").status == WAITING
    fresh = push_srt(ffmpeg_bin, srt_url("127.0.0.1", state.srt_port, new), 4)
    status_log.wait_for("room11", LIVE, LIVE_TIMEOUT)
    fresh.wait(20)
    assert sup.stop("room11").status == ENDED
