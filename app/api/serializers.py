"""Turning models into the API's output schemas (times in the fair's own time zone)."""

from __future__ import annotations

from flask import url_for

from app.accounts.actor import Actor
from app.fairs.models import Fair, Room
from app.fairs.schemas import FairOut, HostOut, IngestOut, RoomOut
from app.fairs.services import can_manage_room
from app.jobs.models import Job
from app.jobs.schemas import JobOut
from app.live.locations import ingest_urls, media_urls
from app.live.runtime import stream_runtime
from app.matching.vocabulary import discrimination_flags
from app.urls import absolute_url


def job_out(job: Job) -> JobOut:
    out = JobOut.model_validate(job)
    out.requirement_flags = discrimination_flags(job.title, job.requirements)
    return out


def fair_out(fair: Fair) -> FairOut:
    return FairOut(
        id=fair.id,
        title=fair.title,
        description=fair.description,
        mode=fair.mode,
        starts_at=fair.local(fair.starts_at),
        ends_at=fair.local(fair.ends_at),
        timezone=fair.timezone,
        venue=fair.venue,
        capacity=fair.capacity,
        status=fair.status,
        on_air=fair.on_air,
        anonymous_viewers=fair.anonymous_viewers,
        allow_replay=fair.allow_replay,
        job_ids=[job.id for job in fair.jobs],
        url=absolute_url(url_for("fairs.show", fair_id=fair.id)),
    )


def room_out(room: Room, viewer: Actor) -> RoomOut:
    fair = room.fair
    hls_url, replay_url = media_urls(room)
    out = RoomOut(
        id=room.id,
        fair_id=room.fair_id,
        title=room.title,
        host_id=room.host_id,
        host=HostOut(id=room.host.id, name=room.host.name),
        starts_at=fair.local(room.starts_at),
        ends_at=fair.local(room.ends_at),
        status=room.status,
        hls_url=hls_url,
        replay_url=replay_url,
        url=absolute_url(url_for("live.room", room_id=room.id)),
    )
    if can_manage_room(viewer, room):
        local = stream_runtime().local_state(room.id)
        out.ingest = IngestOut(stream_key=room.stream_key, **ingest_urls(room, local))
    return out
