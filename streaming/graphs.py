"""Pure ffmpeg-python graph builders: one ffmpeg per live run, whatever the way in.

`build_live(source, layout, output)` returns an ffmpeg-python node; `.compile(cmd=ffmpeg)`
gives the argument list the supervisor runs. Every way in (browser chunks on stdin, an SRT
listener, a premiere file, a local RTMP relay) ends in the same outputs:

- a tee muxer, so each rendition is encoded once and written twice:
  live HLS (master + one media playlist per rendition, sliding window, old segments deleted)
  and the replay HLS (main rendition only, every segment kept);
- a poster JPEG rewritten every few seconds.

Video is copied when the source already is H.264 (the publisher's keyframe interval then sets
the segment length), transcoded with libx264 otherwise; audio is always re-encoded to AAC.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar

import ffmpeg

from .ingest import SRT_DEFAULT_LATENCY_MS, SRT_PBKEYLEN, check_passphrase
from .layout import SEGMENT_PATTERN, RunLayout
from .probe import MediaInfo
from .profiles import AUDIO, MAIN, SD, OutputOptions, Profile

COPY = "copy"
TRANSCODE = "transcode"
AUTO = "auto"
VIDEO_MODES = (AUTO, COPY, TRANSCODE)
COPYABLE_VIDEO = ("h264",)
# Browsers can only play 8-bit 4:2:0 H.264, so other pixel formats are transcoded.
COPYABLE_PIX_FMTS = ("yuv420p", "yuvj420p", None)
AUDIO_SAMPLE_RATE = 48000
# Live inputs start quickly: probing longer would only delay the first segment.
LIVE_ANALYZE_US = 1_000_000
SRT_ANALYZE_US = 2_000_000
LIVE_PROBESIZE = 2_000_000
# The SRT listener gives up after this without a publisher; the supervisor reopens it.
SRT_LISTEN_TIMEOUT_US = 60_000_000
# Read timeouts: a publisher that goes silent ends the process, which the supervisor sees.
SRT_READ_TIMEOUT_US = 5_000_000
RTMP_READ_TIMEOUT_US = 5_000_000
UPLOAD_DEMUXERS = {
    "mov": "mov",
    "mp4": "mov",
    "matroska": "matroska",
    "webm": "matroska",
    "mpegts": "mpegts",
    "avi": "avi",
    "flv": "flv",
}


@dataclass(frozen=True)
class BrowserSource:
    """MediaRecorder chunks written to ffmpeg's stdin; `mime_type` is the recorder's."""

    kind: ClassVar[str] = "browser"
    mime_type: str = "video/webm;codecs=h264,opus"
    video: str = AUTO
    audio: bool = True


@dataclass(frozen=True)
class SrtSource:
    """An SRT listener (OBS, hardware encoders) protected by the room's passphrase."""

    kind: ClassVar[str] = "srt"
    passphrase: str
    # None: the supervisor picks a free port from its pool.
    port: int | None = None
    host: str = "0.0.0.0"  # noqa: S104 - publishers connect from outside.
    latency_ms: int = SRT_DEFAULT_LATENCY_MS
    video: str = COPY
    audio: bool = True

    def __post_init__(self) -> None:
        check_passphrase(self.passphrase)


@dataclass(frozen=True)
class FileSource:
    """A premiere: a checked upload (`info` from `check_upload`) played out as live."""

    kind: ClassVar[str] = "file"
    path: str
    info: MediaInfo
    # Seconds into the file to start at (a restart resumes where the premiere was).
    start_offset: float = 0.0
    video: str = AUTO


@dataclass(frozen=True)
class RtmpSource:
    """A stream pulled from a trusted local relay (nginx-rtmp that checked the key)."""

    kind: ClassVar[str] = "rtmp"
    url: str
    video: str = COPY
    audio: bool = True


Source = BrowserSource | SrtSource | FileSource | RtmpSource


def mime_codecs(mime_type: str) -> tuple[str, list[str]]:
    """Split a MediaRecorder MIME type into (container, codecs)."""
    head, _, params = mime_type.partition(";")
    container = head.strip().lower().split("/")[-1]
    codecs: list[str] = []
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "codecs":
            codecs = [c.strip().strip('"').lower() for c in value.strip('"').split(",")]
    return container, codecs


def video_mode(source: Source) -> str:
    """Whether the run copies or transcodes video, resolving AUTO from what the source is."""
    if source.video not in VIDEO_MODES:
        raise ValueError(f"video must be one of {VIDEO_MODES}")
    if source.video != AUTO:
        return source.video
    if isinstance(source, BrowserSource):
        _, codecs = mime_codecs(source.mime_type)
        first = codecs[0] if codecs else ""
        return COPY if first.startswith(("h264", "avc1")) else TRANSCODE
    if isinstance(source, FileSource):
        video = source.info.video
        ok = video is not None and video.codec in COPYABLE_VIDEO
        return COPY if ok and video.pix_fmt in COPYABLE_PIX_FMTS else TRANSCODE
    return COPY


def has_audio(source: Source) -> bool:
    """Whether the source carries audio (silence is generated otherwise)."""
    if isinstance(source, FileSource):
        return source.info.audio is not None
    return source.audio


def file_url(path: str | Path) -> str:
    """An explicit file: URL, so a name like `concat:a|b` can never select another protocol."""
    return "file:" + str(Path(path).resolve())


def build_input(source: Source) -> ffmpeg.nodes.Stream:
    """The ffmpeg input node for a source."""
    if isinstance(source, BrowserSource):
        container, _ = mime_codecs(source.mime_type)
        return ffmpeg.input(
            "pipe:0",
            f="mov" if container == "mp4" else "matroska",
            # Nothing in the chunks may make ffmpeg open a file or a URL.
            protocol_whitelist="pipe",
            analyzeduration=LIVE_ANALYZE_US,
            probesize=LIVE_PROBESIZE,
        )
    if isinstance(source, SrtSource):
        if source.port is None:
            raise ValueError("SrtSource.port must be set before building the graph")
        return ffmpeg.input(
            f"srt://{source.host}:{source.port}?mode=listener",
            f="mpegts",
            protocol_whitelist="srt",
            # Passed as options, not in the URL, so ffmpeg's log never prints the secret.
            passphrase=source.passphrase,
            pbkeylen=SRT_PBKEYLEN,
            latency=source.latency_ms * 1000,
            listen_timeout=SRT_LISTEN_TIMEOUT_US,
            timeout=SRT_READ_TIMEOUT_US,
            analyzeduration=SRT_ANALYZE_US,
            probesize=LIVE_PROBESIZE,
        )
    if isinstance(source, FileSource):
        demuxer = next(
            (UPLOAD_DEMUXERS[n] for n in source.info.format_names if n in UPLOAD_DEMUXERS), None
        )
        if demuxer is None:
            raise ValueError(f"no allowed demuxer for {source.info.format_names}")
        kwargs = {"ss": f"{source.start_offset:.3f}"} if source.start_offset > 0 else {}
        return ffmpeg.input(
            file_url(source.path),
            # Read at the native frame rate: the file is played out as if it were live.
            re=None,
            f=demuxer,
            # Uploads are untrusted: only this file, only the demuxer probing recognised.
            protocol_whitelist="file",
            format_whitelist=demuxer,
            **kwargs,
        )
    if isinstance(source, RtmpSource):
        return ffmpeg.input(
            source.url,
            f="flv",
            protocol_whitelist="rtmp,tcp",
            rw_timeout=RTMP_READ_TIMEOUT_US,
            analyzeduration=LIVE_ANALYZE_US,
        )
    raise TypeError(f"unknown source {source!r}")


def _av_quote(value: str) -> str:
    """Quote a value for ffmpeg's option parser (av_get_token)."""
    return "'" + value.replace("'", "'\\''") + "'"


def _av_escape(value: str, special: str) -> str:
    """Backslash-escape the characters of `special` (and backslash itself)."""
    return "".join("\\" + c if c in special + "\\" else c for c in value)


def tee_slave(options: dict[str, object], target: str | Path) -> str:
    """One tee slave `[k=v:...]target`, escaped for both parsing levels of the tee muxer."""
    opts = ":".join(f"{k}={_av_quote(str(v))}" for k, v in options.items())
    # The tee spec is split on '|' first (one unescaping level), then each slave's options.
    return _av_escape(f"[{opts}]{target}", "'|")


def keyframe_expr(segment_seconds: float) -> str:
    """force_key_frames expression putting a keyframe at every segment boundary."""
    return f"expr:gte(t,n_forced*{segment_seconds:g})"


def _even_height(max_height: int) -> str:
    """Scale height expression: at most `max_height`, never upscaled, always even."""
    return f"trunc(min({max_height},ih)/2)*2"


def build_live(
    source: Source,
    layout: RunLayout,
    output: OutputOptions | None = None,
    *,
    max_seconds: float | None = None,
) -> ffmpeg.nodes.Node:
    """The whole graph of a live run; compile with `.compile(cmd=ffmpeg_path)`."""
    output = output or OutputOptions()
    profile = output.profile
    mode = video_mode(source)
    renditions = output.renditions
    needs_sd = SD in renditions
    # Every frame is decoded even when the decoder only feeds the poster: decoding keyframes
    # only (-skip_frame nokey) saves little CPU but delays the first segment by 1.5 s.
    inp = build_input(source)
    video = inp["v:0"]

    if has_audio(source):
        audio = inp["a:0"]
    else:
        audio = ffmpeg.input(f"anullsrc=r={AUDIO_SAMPLE_RATE}:cl=stereo", f="lavfi")["a"]
    # Browser audio has gaps when a tab is throttled; async resampling keeps A/V in sync.
    audio = audio.filter("aresample", **{"async": 1000})

    audio_count = 1 + needs_sd + (AUDIO in renditions)
    audios = audio.filter_multi_output("asplit", audio_count) if audio_count > 1 else None
    audio_outs = [audios[i] for i in range(audio_count)] if audios else [audio]

    decoded_users = (mode == TRANSCODE) + needs_sd + 1  # +1: the poster
    split = video.split() if decoded_users > 1 else None
    decoded = [split[i] for i in range(decoded_users)] if split else [video]

    streams: list[ffmpeg.nodes.Stream] = []
    stream_map: list[str] = []
    out_kwargs: dict[str, object] = {}
    v_index = a_index = 0
    taken = 0

    if mode == COPY:
        streams.append(video)
        out_kwargs[f"c:v:{v_index}"] = "copy"
    else:
        main = (
            decoded[taken]
            .filter("scale", w=-2, h=_even_height(profile.main_max_height))
            .filter("format", "yuv420p")
        )
        taken += 1
        streams.append(main)
        out_kwargs.update(_x264(v_index, profile, profile.main_video_kbps))
    streams.append(audio_outs[a_index])
    out_kwargs[f"b:a:{a_index}"] = f"{profile.main_audio_kbps}k"
    stream_map.append(f"v:{v_index},a:{a_index},name:{MAIN}")
    v_index += 1
    a_index += 1

    if needs_sd:
        sd = (
            decoded[taken]
            .filter("scale", w=-2, h=_even_height(profile.sd_height))
            .filter("format", "yuv420p")
        )
        taken += 1
        streams += [sd, audio_outs[a_index]]
        out_kwargs.update(_x264(v_index, profile, profile.sd_video_kbps))
        out_kwargs[f"b:a:{a_index}"] = f"{profile.sd_audio_kbps}k"
        stream_map.append(f"v:{v_index},a:{a_index},name:{SD}")
        v_index += 1
        a_index += 1

    if AUDIO in renditions:
        streams.append(audio_outs[a_index])
        out_kwargs[f"b:a:{a_index}"] = f"{profile.audio_only_kbps}k"
        stream_map.append(f"a:{a_index},name:{AUDIO}")
        a_index += 1

    hls = _tee_spec(layout, output, stream_map)
    # -t bounds every output even if the supervisor is gone (an orphaned ffmpeg stops too).
    limit = {"t": f"{max_seconds:.0f}"} if max_seconds else {}
    main_out = ffmpeg.output(
        *streams,
        hls,
        f="tee",
        **{"c:a": "aac", "ac": 2, "ar": AUDIO_SAMPLE_RATE},
        **out_kwargs,
        # Generated silence never ends: stop with the video.
        **({"shortest": None} if not has_audio(source) else {}),
        **limit,
    )

    poster = (
        decoded[taken]
        .filter("fps", f"1/{output.poster_every_seconds:g}")
        .filter("scale", w=output.poster_width, h=-2)
    )
    poster_out = ffmpeg.output(
        poster,
        str(layout.poster),
        f="image2",
        # One file rewritten in place, via a temporary file so viewers never see half a JPEG.
        update=1,
        atomic_writing=1,
        **{"q:v": 5},
        **limit,
    )
    # -nostdin: ffmpeg must not treat stdin as a keyboard (it is the browser's data);
    # -nostats: no progress lines in the log; -y: a restart rewrites the poster in place.
    return ffmpeg.merge_outputs(main_out, poster_out).global_args(
        "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info", "-y"
    )


def _x264(index: int, profile: Profile, kbps: int) -> dict[str, object]:
    """Encoder settings for video output stream `index` (per stream: another may be copied)."""
    opts: dict[str, object] = {
        f"c:v:{index}": "libx264",
        f"preset:v:{index}": profile.x264_preset,
        f"profile:v:{index}": "high",
        f"b:v:{index}": f"{kbps}k",
        f"maxrate:v:{index}": f"{kbps}k",
        # One second of buffer: the rate stays steady enough for weak connections.
        f"bufsize:v:{index}": f"{kbps}k",
        # A keyframe at every segment boundary, whatever the frame rate.
        f"force_key_frames:v:{index}": keyframe_expr(profile.segment_seconds),
        # No extra keyframes at scene cuts: they would make segments uneven.
        f"sc_threshold:v:{index}": 0,
    }
    if profile.x264_tune:
        # zerolatency: no B-frames and no lookahead, so frames leave the encoder at once.
        opts[f"tune:v:{index}"] = profile.x264_tune
    return opts


def _tee_spec(layout: RunLayout, output: OutputOptions, stream_map: list[str]) -> str:
    """The tee target: live HLS with all renditions, plus the replay of the main one."""
    profile = output.profile
    live = {
        "f": "hls",
        "hls_time": f"{profile.segment_seconds:g}",
        "hls_list_size": profile.list_size,
        "hls_delete_threshold": profile.delete_threshold,
        # program_date_time: wall-clock per segment (latency, replay sync);
        # temp_file: playlists and segments appear atomically;
        # append_list: a restarted ffmpeg continues the playlist after a DISCONTINUITY.
        "hls_flags": "delete_segments+independent_segments+program_date_time+temp_file+append_list",
        "master_pl_name": "master.m3u8",
        "hls_segment_filename": str(layout.live_dir / "%v" / SEGMENT_PATTERN),
        "var_stream_map": " ".join(stream_map),
    }
    slaves = [tee_slave(live, layout.live_dir / "%v" / "index.m3u8")]
    if output.record:
        replay = {
            "f": "hls",
            # The replay takes the main rendition: the first video and first audio stream.
            "select": "v:0,a:0",
            "hls_time": f"{profile.replay_segment_seconds:g}",
            "hls_list_size": 0,
            "hls_playlist_type": "event",
            "hls_flags": "independent_segments+program_date_time+temp_file+append_list",
            "hls_segment_filename": str(layout.replay_dir / SEGMENT_PATTERN),
            # A failing recording (disk full) must not take the live stream down.
            "onfail": "ignore",
        }
        slaves.append(tee_slave(replay, layout.replay))
    return "|".join(slaves)


def with_offset(source: FileSource, offset: float) -> FileSource:
    """The same premiere, starting `offset` seconds in (after a restart)."""
    return replace(source, start_offset=max(0.0, offset))
