"""Probing media by parsing ffmpeg's banner (no ffprobe on the machine), and ffmpeg lookup."""

from __future__ import annotations

import json
import os

import pytest

from streaming import FfmpegNotFound, find_ffmpeg, probe
from streaming import binary as binary_module
from streaming.probe import parse_ffmpeg_banner, parse_ffprobe_json
from tests.fixtures.media import make_media

BANNER = """Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'file:/tmp/x.mp4':
  Metadata:
    major_brand     : isom
  Duration: 00:01:02.50, start: 0.000000, bitrate: 852 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 1280x720 [SAR 1:1 DAR 16:9], 771 kb/s, 29.97 fps, 30 tbr, 15360 tbn (default)
    Metadata:
      handler_name    : VideoHandler
  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, stereo, fltp, 69 kb/s (default)
Stream mapping:
  Stream #0:0 -> #0:0 (h264 (native) -> wrapped_avframe (native))
Output #0, null, to 'pipe:':
  Stream #0:0(und): Video: wrapped_avframe, yuv420p(progressive), 640x360
"""


def test_banner_parse():
    info = parse_ffmpeg_banner(BANNER)
    assert info.format_names == ("mov", "mp4", "m4a", "3gp", "3g2", "mj2")
    assert info.duration == pytest.approx(62.5)
    assert len(info.streams) == 2
    video, audio = info.video, info.audio
    assert (video.codec, video.width, video.height, video.fps) == ("h264", 1280, 720, 29.97)
    assert video.pix_fmt == "yuv420p"
    assert (audio.codec, audio.sample_rate) == ("aac", 48000)


def test_banner_without_input_is_an_error():
    with pytest.raises(Exception, match="did not recognise"):
        parse_ffmpeg_banner("file.avi: Invalid data found when processing input")


def test_ffprobe_json_parse():
    data = {
        "format": {"format_name": "matroska,webm", "duration": "6.000"},
        "streams": [
            {
                "index": 0,
                "codec_type": "video",
                "codec_name": "vp8",
                "width": 640,
                "height": 360,
                "avg_frame_rate": "30/1",
                "pix_fmt": "yuv420p",
            },
            {"index": 1, "codec_type": "audio", "codec_name": "opus", "sample_rate": "48000"},
        ],
    }
    info = parse_ffprobe_json(json.dumps(data))
    assert info.format_names == ("matroska", "webm")
    assert info.video.fps == 30
    assert info.audio.sample_rate == 48000


@pytest.mark.slow
def test_probe_real_file(ffmpeg_bin, tmp_path):
    path = make_media(ffmpeg_bin, tmp_path / "a.mkv", seconds=2, size="320x240", rate=25)
    info = probe(ffmpeg_bin, str(path), decode_seconds=1)
    assert "matroska" in info.format_names
    assert (info.video.width, info.video.height, info.video.fps) == (320, 240, 25)
    assert info.duration == pytest.approx(2, abs=0.1)


def test_find_ffmpeg_prefers_a_working_configured_binary(ffmpeg_bin):
    assert find_ffmpeg(ffmpeg_bin) == ffmpeg_bin


def test_find_ffmpeg_skips_a_broken_configured_binary(tmp_path):
    fake = tmp_path / "ffmpeg"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    found = find_ffmpeg(str(fake))
    assert found != str(fake)


def test_find_ffmpeg_names_what_it_tried(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(binary_module, "_wheel_ffmpeg", lambda: None)
    with pytest.raises(FfmpegNotFound) as err:
        find_ffmpeg(str(tmp_path / "nope"))
    message = str(err.value)
    assert "FAIRCAST_FFMPEG" in message
    assert "PATH: not found" in message
    assert "imageio-ffmpeg: not found" in message
    assert os.fspath(tmp_path / "nope") in message
