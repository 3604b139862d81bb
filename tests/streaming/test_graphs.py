"""Compiled ffmpeg arguments for each way in and each profile (no ffmpeg is run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from streaming import (
    AUDIO,
    COPY,
    LOW_LATENCY,
    MAIN,
    SD,
    STANDARD,
    TRANSCODE,
    BrowserSource,
    FileSource,
    MediaInfo,
    OutputOptions,
    RtmpSource,
    RunLayout,
    SrtSource,
    StreamInfo,
    build_live,
    video_mode,
)
from streaming.graphs import keyframe_expr, tee_slave

SECRET = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def layout(tmp_path: Path) -> RunLayout:
    return RunLayout(tmp_path / "media", tmp_path / "logs", "room1", "run1")


def args_of(source, layout, output=None, **kw) -> list[str]:
    return build_live(source, layout, output, **kw).compile(cmd="ffmpeg")


def option(args: list[str], name: str, occurrence: int = 0) -> str:
    """Value following the `occurrence`-th `name` in the argument list."""
    hits = [i for i, a in enumerate(args) if a == name]
    return args[hits[occurrence] + 1]


def inputs(args: list[str]) -> list[str]:
    return [args[i + 1] for i, a in enumerate(args) if a == "-i"]


def tee(args: list[str]) -> str:
    return next(a for a in args if a.startswith("[f="))


def mp4_info(codec="h264", pix_fmt="yuv420p", audio=True) -> MediaInfo:
    streams = [StreamInfo(0, "video", codec, 1280, 720, 30.0, pix_fmt)]
    if audio:
        streams.append(StreamInfo(1, "audio", "aac", sample_rate=48000))
    return MediaInfo(("mov", "mp4", "m4a", "3gp", "3g2", "mj2"), 5.0, streams)


def test_browser_h264_copies_video_and_reads_matroska_from_stdin(layout):
    args = args_of(BrowserSource("video/webm;codecs=h264,opus"), layout)
    assert inputs(args) == ["pipe:0"]
    assert option(args, "-f") == "matroska"
    assert option(args, "-protocol_whitelist") == "pipe"
    assert option(args, "-c:v:0") == "copy"
    assert "libx264" not in args
    assert option(args, "-c:a") == "aac"
    # Decoding keyframes only would delay the first segment.
    assert "-skip_frame" not in args


def test_browser_vp8_is_transcoded_with_keyframes_on_segment_boundaries(layout):
    args = args_of(BrowserSource("video/webm;codecs=vp8,opus"), layout)
    assert option(args, "-c:v:0") == "libx264"
    assert option(args, "-preset:v:0") == "veryfast"
    assert option(args, "-tune:v:0") == "zerolatency"
    assert option(args, "-force_key_frames:v:0") == "expr:gte(t,n_forced*1)"
    assert option(args, "-sc_threshold:v:0") == "0"
    assert "-skip_frame" not in args
    assert "scale=h=trunc(min(720\\,ih)/2)*2:w=-2" in option(args, "-filter_complex")


def test_mp4_recorder_chunks_use_the_mov_demuxer(layout):
    args = args_of(BrowserSource("video/mp4;codecs=avc1.42E01E,opus"), layout)
    assert option(args, "-f") == "mov"
    assert option(args, "-c:v:0") == "copy"


def test_low_latency_and_standard_profiles_differ_in_segments_and_window(layout):
    ll = tee(args_of(BrowserSource(), layout, OutputOptions(profile=LOW_LATENCY)))
    std = tee(args_of(BrowserSource(), layout, OutputOptions(profile=STANDARD)))
    assert "hls_time=\\'1\\'" in ll
    assert "hls_time=\\'4\\'" in std
    assert "hls_list_size=\\'6\\'" in ll
    std_args = args_of(BrowserSource("video/webm;codecs=vp8"), layout, OutputOptions(STANDARD))
    assert option(std_args, "-force_key_frames:v:0") == keyframe_expr(4.0)
    assert "-tune:v:0" not in std_args


def test_live_hls_flags_master_and_segment_paths(layout):
    spec = tee(args_of(BrowserSource(), layout))
    live = spec.split("|")[0]
    for flag in (
        "delete_segments",
        "independent_segments",
        "program_date_time",
        "temp_file",
        "append_list",
    ):
        assert flag in live
    assert "master_pl_name=\\'master.m3u8\\'" in live
    assert f"{layout.live_dir}/%v/seg_%05d.ts" in live
    assert live.endswith(f"{layout.live_dir}/%v/index.m3u8")


def test_renditions_map_to_variant_streams(layout):
    output = OutputOptions(renditions=(AUDIO, SD, MAIN))
    args = args_of(BrowserSource(), layout, output)
    assert "var_stream_map=\\'v:0,a:0,name:main v:1,a:1,name:480p a:2,name:audio\\'" in tee(args)
    # Main is copied, the 480p rendition is encoded.
    assert option(args, "-c:v:0") == "copy"
    assert option(args, "-c:v:1") == "libx264"
    assert option(args, "-b:a:2") == "64k"
    assert args.count("-map") == 6  # 5 HLS streams + the poster


def test_main_only_without_audio_rendition(layout):
    spec = tee(args_of(BrowserSource(), layout, OutputOptions(renditions=(MAIN,))))
    assert "var_stream_map=\\'v:0,a:0,name:main\\'" in spec


def test_replay_is_a_second_tee_slave_keeping_every_main_segment(layout):
    replay = tee(args_of(BrowserSource(), layout)).split("|")[1]
    assert "select=\\'v:0,a:0\\'" in replay
    assert "hls_list_size=\\'0\\'" in replay
    assert "hls_playlist_type=\\'event\\'" in replay
    assert "onfail=\\'ignore\\'" in replay
    assert "delete_segments" not in replay
    assert replay.endswith(str(layout.replay))
    no_record = tee(args_of(BrowserSource(), layout, OutputOptions(record=False)))
    assert "|" not in no_record


def test_poster_is_rewritten_atomically(layout):
    args = args_of(BrowserSource(), layout, OutputOptions(poster_every_seconds=3))
    assert args[args.index(str(layout.poster)) - 1] == "1"  # -update 1
    assert option(args, "-atomic_writing") == "1"
    assert "fps=1/3" in option(args, "-filter_complex")


def test_srt_listener_takes_the_passphrase_as_an_option_not_in_the_url(layout):
    args = args_of(SrtSource(SECRET, port=10090), layout)
    assert inputs(args) == ["srt://0.0.0.0:10090?mode=listener"]
    assert option(args, "-passphrase") == SECRET
    assert option(args, "-pbkeylen") == "16"
    assert option(args, "-protocol_whitelist") == "srt"
    assert option(args, "-f") == "mpegts"
    assert option(args, "-c:v:0") == "copy"


def test_srt_needs_a_port_and_a_valid_passphrase(layout):
    with pytest.raises(ValueError):
        args_of(SrtSource(SECRET), layout)
    with pytest.raises(ValueError):
        SrtSource("short", port=1)


def test_premiere_reads_the_file_in_real_time_with_whitelists(layout, tmp_path):
    upload = tmp_path / "concat:evil|x.mp4"
    args = args_of(FileSource(str(upload), mp4_info()), layout, max_seconds=600)
    # An explicit file: URL: a name starting with concat: cannot select that protocol.
    assert inputs(args) == ["file:" + str(upload.resolve())]
    assert "-re" in args[: args.index("-i")]
    assert option(args, "-protocol_whitelist") == "file"
    assert option(args, "-format_whitelist") == "mov"
    assert option(args, "-f") == "mov"
    assert option(args, "-t") == "600"
    assert option(args, "-c:v:0") == "copy"


def test_premiere_resumes_at_an_offset(layout):
    args = args_of(FileSource("/x.mp4", mp4_info(), start_offset=12.5), layout)
    assert option(args, "-ss") == "12.500"


def test_premiere_without_audio_gets_silence(layout):
    args = args_of(FileSource("/x.mp4", mp4_info(audio=False)), layout)
    assert inputs(args)[1].startswith("anullsrc=")
    assert "-shortest" in args


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        (mp4_info(), COPY),
        (mp4_info(codec="hevc"), TRANSCODE),
        (mp4_info(pix_fmt="yuv444p"), TRANSCODE),
        (mp4_info(pix_fmt="yuv420p10le"), TRANSCODE),
    ],
)
def test_premiere_video_mode_follows_the_probe(info, expected):
    assert video_mode(FileSource("/x.mp4", info)) == expected


def test_video_mode_can_be_forced():
    assert video_mode(BrowserSource("video/webm;codecs=h264", video=TRANSCODE)) == TRANSCODE
    assert video_mode(SrtSource(SECRET, video=TRANSCODE)) == TRANSCODE
    with pytest.raises(ValueError):
        video_mode(BrowserSource(video="fast"))


def test_rtmp_relay_input(layout):
    args = args_of(RtmpSource("rtmp://127.0.0.1/live/room1"), layout)
    assert inputs(args) == ["rtmp://127.0.0.1/live/room1"]
    assert option(args, "-protocol_whitelist") == "rtmp,tcp"
    assert option(args, "-f") == "flv"


def test_tee_slave_escapes_both_levels():
    slave = tee_slave({"a": "x:y", "b": "it's"}, "/out|put")
    assert slave == "[a=\\'x:y\\':b=\\'it\\'\\\\\\'\\'s\\']/out\\|put"


def test_global_flags_keep_ffmpeg_quiet_and_detached(layout):
    args = args_of(BrowserSource(), layout)
    assert "-nostdin" in args
    assert "-nostats" in args
    assert "-hide_banner" in args
