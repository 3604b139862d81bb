"""Parsing media and master playlists, replay offsets, closing open playlists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from streaming import parse_master_playlist, parse_media_playlist, replay_offset
from streaming.playlist import ensure_endlist

LIVE = """#EXTM3U
#EXT-X-VERSION:6
#EXT-X-TARGETDURATION:1
#EXT-X-MEDIA-SEQUENCE:41
#EXT-X-INDEPENDENT-SEGMENTS
#EXTINF:1.000000,
#EXT-X-PROGRAM-DATE-TIME:2025-03-01T10:00:00.000+0000
seg_00041.ts
#EXT-X-DISCONTINUITY
#EXTINF:0.960000,
#EXT-X-PROGRAM-DATE-TIME:2025-03-01T10:00:05.000+0000
seg_00042.ts
"""

MASTER = """#EXTM3U
#EXT-X-VERSION:6
#EXT-X-STREAM-INF:BANDWIDTH=715188,RESOLUTION=1280x720,CODECS="avc1.42c020,mp4a.40.2"
main/index.m3u8

#EXT-X-STREAM-INF:BANDWIDTH=91167,CODECS="mp4a.40.2"
audio/index.m3u8
"""


def test_media_playlist_fields():
    playlist = parse_media_playlist(LIVE)
    assert playlist.media_sequence == 41
    assert playlist.next_sequence == 43
    assert playlist.independent_segments
    assert not playlist.ended
    assert [s.uri for s in playlist.segments] == ["seg_00041.ts", "seg_00042.ts"]
    assert playlist.segments[1].discontinuity
    assert playlist.segments[0].program_date_time == datetime(2025, 3, 1, 10, tzinfo=UTC)
    assert playlist.duration == pytest.approx(1.96)


def test_not_a_playlist():
    with pytest.raises(ValueError):
        parse_media_playlist("hello")


def test_master_variants():
    variants = parse_master_playlist(MASTER)
    assert [v["uri"] for v in variants] == ["main/index.m3u8", "audio/index.m3u8"]
    assert variants[0]["CODECS"] == "avc1.42c020,mp4a.40.2"
    assert variants[0]["RESOLUTION"] == "1280x720"


def test_replay_offset_maps_wall_clock_to_position():
    playlist = parse_media_playlist(LIVE)
    start = datetime(2025, 3, 1, 10, tzinfo=UTC)
    assert replay_offset(playlist, start + timedelta(seconds=0.5)) == pytest.approx(0.5)
    # After the discontinuity (a restart), PDT jumps: position follows the segments.
    assert replay_offset(playlist, start + timedelta(seconds=5.25)) == pytest.approx(1.25)
    assert replay_offset(playlist, start + timedelta(seconds=3)) is None


def test_ensure_endlist_closes_once(tmp_path):
    path = tmp_path / "index.m3u8"
    path.write_text(LIVE)
    assert ensure_endlist(path)
    assert not ensure_endlist(path)
    assert parse_media_playlist(path.read_text()).ended
    assert not ensure_endlist(tmp_path / "missing.m3u8")
