"""Premiere uploads: accepted by content, refused for tricks, sizes, codecs and lengths."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from streaming import UploadPolicy, UploadRejected, check_upload
from tests.fixtures.media import make_media

pytestmark = pytest.mark.slow

PLAYLIST_WITH_FILE_ENTRY = """#EXTM3U
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-TARGETDURATION:10
#EXTINF:10.0,
file:///etc/passwd
#EXT-X-ENDLIST
"""


def rejected(path, ffmpeg, policy=None) -> str:
    with pytest.raises(UploadRejected) as err:
        check_upload(path, ffmpeg, policy)
    return err.value.code


@pytest.fixture(scope="module")
def good_mp4(ffmpeg_bin, tmp_path_factory) -> Path:
    return make_media(ffmpeg_bin, tmp_path_factory.mktemp("up") / "talk.mp4", seconds=3)


def test_a_normal_mp4_is_accepted(ffmpeg_bin, good_mp4):
    info = check_upload(good_mp4, ffmpeg_bin)
    assert info.video.codec == "h264"
    assert info.audio.codec == "aac"
    assert info.duration == pytest.approx(3, abs=0.1)


def test_content_decides_not_the_extension(ffmpeg_bin, tmp_path):
    mkv = make_media(ffmpeg_bin, tmp_path / "x.mkv", seconds=2, vcodec="libvpx", acodec=None)
    disguised = tmp_path / "clip.mp4"
    mkv.rename(disguised)
    info = check_upload(disguised, ffmpeg_bin)
    assert "matroska" in info.format_names
    assert info.audio is None


def test_an_avi_that_is_really_an_hls_playlist_is_refused(ffmpeg_bin, tmp_path):
    evil = tmp_path / "holiday.avi"
    evil.write_text(PLAYLIST_WITH_FILE_ENTRY)
    assert rejected(evil, ffmpeg_bin) == "unsupported_format"


def test_a_riff_avi_header_around_a_playlist_is_refused(ffmpeg_bin, tmp_path):
    evil = tmp_path / "holiday.avi"
    evil.write_bytes(b"RIFF\x00\x10\x00\x00AVI LIST" + PLAYLIST_WITH_FILE_ENTRY.encode() * 20)
    assert rejected(evil, ffmpeg_bin) == "undecodable"


def test_an_ffconcat_list_is_refused(ffmpeg_bin, tmp_path, good_mp4):
    evil = tmp_path / "list.mp4"
    evil.write_text(f"ffconcat version 1.0\nfile '{good_mp4}'\n")
    assert rejected(evil, ffmpeg_bin) == "unsupported_format"


@pytest.mark.parametrize("url_kind", ["concat", "subfile"])
def test_protocol_urls_are_refused(ffmpeg_bin, good_mp4, url_kind):
    url = (
        f"concat:{good_mp4}|{good_mp4}"
        if url_kind == "concat"
        else f"subfile,,start,0,end,100,,:{good_mp4}"
    )
    assert rejected(url, ffmpeg_bin) == "not_a_file"


def test_a_file_named_like_a_protocol_is_only_a_file(ffmpeg_bin, tmp_path, good_mp4, monkeypatch):
    odd = tmp_path / "concat:x.mp4"
    odd.write_bytes(good_mp4.read_bytes())
    monkeypatch.chdir(tmp_path)
    assert check_upload("concat:x.mp4", ffmpeg_bin).video.codec == "h264"


def test_symlinks_and_missing_files_are_refused(ffmpeg_bin, tmp_path, good_mp4):
    link = tmp_path / "link.mp4"
    link.symlink_to(good_mp4)
    assert rejected(link, ffmpeg_bin) == "not_a_file"
    assert rejected(tmp_path / "missing.mp4", ffmpeg_bin) == "not_a_file"


def test_size_limit(ffmpeg_bin, good_mp4):
    assert rejected(good_mp4, ffmpeg_bin, UploadPolicy(max_bytes=1000)) == "too_large"


def test_duration_limit(ffmpeg_bin, good_mp4):
    assert rejected(good_mp4, ffmpeg_bin, UploadPolicy(max_duration=2)) == "too_long"


def test_resolution_limit(ffmpeg_bin, good_mp4):
    assert rejected(good_mp4, ffmpeg_bin, UploadPolicy(max_width=320)) == "bad_resolution"


def test_codec_whitelist(ffmpeg_bin, good_mp4):
    assert rejected(good_mp4, ffmpeg_bin, UploadPolicy(video_codecs=("vp9",))) in (
        "unsupported_codec",
        "undecodable",
    )


def test_audio_only_is_refused(ffmpeg_bin, tmp_path):
    path = tmp_path / "song.mkv"
    subprocess.run(
        [ffmpeg_bin, "-v", "error", "-f", "lavfi", "-i", "sine", "-t", "1", str(path)],
        check=True,
    )
    assert rejected(path, ffmpeg_bin) == "unsupported_codec"


def test_truncated_garbage_after_a_valid_header_is_refused(ffmpeg_bin, tmp_path, good_mp4):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(good_mp4.read_bytes()[:600])
    assert rejected(broken, ffmpeg_bin) == "undecodable"


def test_probe_time_limit(ffmpeg_bin, good_mp4):
    assert rejected(good_mp4, ffmpeg_bin, UploadPolicy(timeout=0.001)) == "probe_timeout"
