"""Room secrets, SRT URLs, nginx-rtmp key checks and MediaRecorder chunk framing."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from streaming import (
    IngestRefused,
    check_publish,
    new_secret,
    split_stream_key,
    srt_url,
    stream_key,
)
from streaming.ingest import RecordingHeader, chunk_starts_recording, resume_offset

EBML = b"\x1a\x45\xdf\xa3"
CLUSTER = b"\x1f\x43\xb6\x75"


def test_secrets_are_fresh_hex():
    a, b = new_secret(), new_secret()
    assert a != b
    assert len(a) == 32
    int(a, 16)


def test_srt_url_carries_caller_mode_passphrase_and_latency():
    secret = new_secret()
    url = urlsplit(srt_url("fair.example.org", 10081, secret, latency_ms=300))
    assert (url.scheme, url.hostname, url.port) == ("srt", "fair.example.org", 10081)
    query = parse_qs(url.query)
    assert query == {
        "mode": ["caller"],
        "passphrase": [secret],
        "pbkeylen": ["16"],
        "latency": ["300000"],
    }


def test_srt_url_refuses_a_passphrase_srt_would_refuse():
    with pytest.raises(ValueError):
        srt_url("h", 1, "short")
    with pytest.raises(ValueError):
        srt_url("h", 1, "x" * 80)


def test_stream_key_round_trip_and_publish_check():
    secret = new_secret()
    key = stream_key("room-7", secret)
    assert split_stream_key(key) == ("room-7", secret)
    assert check_publish(key, "room-7", secret)
    assert check_publish(key + "?foo=bar", "room-7", secret)


def test_publish_check_refuses_other_keys():
    secret = new_secret()
    assert not check_publish(stream_key("room-7", new_secret()), "room-7", secret)
    assert not check_publish(stream_key("room-8", secret), "room-7", secret)
    assert not check_publish("", "room-7", secret)
    assert not check_publish("room-7-" + secret[:-1], "room-7", secret)


@pytest.mark.parametrize("name", ["", "room", "room-xyz", "../etc-" + "a" * 32, "-" + "a" * 32])
def test_malformed_stream_names_are_refused(name):
    with pytest.raises(IngestRefused):
        split_stream_key(name)


def test_recording_starts_are_recognised():
    assert chunk_starts_recording(EBML + b"rest")
    assert chunk_starts_recording(b"\x00\x00\x00\x18ftypisom")
    assert not chunk_starts_recording(CLUSTER + b"rest")
    assert not chunk_starts_recording(b"")


def test_resume_offset_finds_clusters_and_fragments():
    assert resume_offset(b"abc" + CLUSTER + b"x") == 3
    assert resume_offset(b"abcd\x00\x00\x01\x00moofxx") == 4
    assert resume_offset(b"no marker here") is None


def test_header_is_what_precedes_the_first_cluster_even_across_chunks():
    header = RecordingHeader()
    header.add(EBML + b"head-part-1")
    assert header.header is None
    header.add(b"head-part-2" + CLUSTER + b"frames")
    assert header.header == EBML + b"head-part-1head-part-2"
    header.add(EBML + b"other")
    assert header.header == EBML + b"head-part-1head-part-2"
    header.reset()
    assert header.header is None
