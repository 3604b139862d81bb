"""Where a room's video is: the broadcast on air, the replay, their public URLs, the ingest
addresses for OBS, and how far into the recording the room is."""

from __future__ import annotations

from sqlalchemy import select

import streaming
from app.db import utcnow
from app.extensions import db
from app.fairs.models import Room
from app.live.models import StreamRun, StreamSource
from app.urls import absolute_url, public_host, settings

ACTIVE_RUN_STATUSES = (streaming.WAITING, streaming.LIVE, streaming.RECONNECTING)


def media_url(relative: str | None) -> str | None:
    """The public URL of a file under the media folder."""
    return absolute_url("/media/" + relative) if relative else None


def current_run(room: Room) -> StreamRun | None:
    """The room's broadcast on air now, if any."""
    if not room.is_open:
        return None
    return db.session.scalar(
        select(StreamRun)
        .where(StreamRun.room_id == room.id, StreamRun.status.in_(ACTIVE_RUN_STATUSES))
        .order_by(StreamRun.started_at.desc())
        .limit(1)
    )


def replay_run(room: Room) -> StreamRun | None:
    """The room's last finished broadcast that can be watched again."""
    if not room.fair.allow_replay:
        return None
    return db.session.scalar(
        select(StreamRun)
        .where(
            StreamRun.room_id == room.id,
            StreamRun.ended_at.is_not(None),
            StreamRun.replay_path.is_not(None),
            StreamRun.first_segment_at.is_not(None),
        )
        .order_by(StreamRun.started_at.desc())
        .limit(1)
    )


def srt_url(room: Room, local: streaming.RoomState | None) -> str | None:
    """The SRT address (with its passphrase) while the room's SRT listener is open; `local` is
    the room's run in this process, if any."""
    if not room.is_open:
        return None
    run = current_run(room)
    port = run.srt_port if run is not None and run.source == StreamSource.SRT else None
    if port is None and local is not None and local.active and local.source == StreamSource.SRT:
        port = local.srt_port  # started here a moment ago; its record is on its way
    return streaming.srt_url(public_host(), port, room.stream_key) if port else None


def media_urls(room: Room) -> tuple[str | None, str | None]:
    """(hls_url, replay_url) for the room: the live playlist while on air, the last replay."""
    run = current_run(room)
    live = media_url(run.hls_path) if run is not None and run.status != streaming.WAITING else None
    replay = replay_run(room)
    return live, media_url(replay.replay_path) if replay else None


def stream_position(room: Room) -> tuple[str | None, int | None]:
    """(run id, milliseconds into the recording) of the room's current broadcast, if any."""
    run = current_run(room)
    if run is None:
        return None, None
    if run.first_segment_at is None:
        return run.id, None
    return run.id, int((utcnow() - run.first_segment_at).total_seconds() * 1000)


def profile_for_player() -> dict:
    """The hls.js settings of the configured profile, for the viewers' player."""
    profile = streaming.PROFILES.get(settings().hls_profile, streaming.LOW_LATENCY)
    return {
        "name": profile.name,
        "hlsjs": profile.hlsjs,
        "holdback": profile.player_holdback_seconds,
    }


def ingest_urls(room: Room, local: streaming.RoomState | None) -> dict[str, str | None]:
    """Where OBS sends video for room: SRT while its listener is open, RTMP when configured."""
    rtmp_base = settings().rtmp_url
    return {
        "srt_url": srt_url(room, local),
        "rtmp_url": f"{rtmp_base.rstrip('/')}/{room.id}" if rtmp_base else None,
    }
