"""Fair and room input and output."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from app.config import DEFAULT_TIMEZONE
from app.fairs.models import FairMode, FairStatus, RoomStatus
from app.schemas import Id, Input, Moment, Output, Text

MAX_CAPACITY = 100_000


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("not a known time zone (e.g. Asia/Shanghai)") from None
    return value


class FairFields(Input):
    """Every fair field, all optional: the shape of a change."""

    title: Text(120, 1) | None = None
    description: Text(5000, multiline=True) | None = None
    mode: FairMode | None = None
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    timezone: Text(64, 1) | None = None
    venue: Text(200) | None = None
    capacity: int | None = Field(None, ge=1, le=MAX_CAPACITY)
    anonymous_viewers: bool | None = None
    allow_replay: bool | None = None

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        return None if value is None else _zone(value)


class FairIn(FairFields):
    title: Text(120, 1)
    mode: FairMode
    starts_at: Moment
    ends_at: Moment
    timezone: Text(64, 1) = DEFAULT_TIMEZONE
    description: Text(5000, multiline=True) = ""
    anonymous_viewers: bool = True
    allow_replay: bool = True


class FairPatch(FairFields):
    status: FairStatus | None = None


class FairJobIn(Input):
    job_id: Id


class FairOut(Output):
    id: str
    title: str
    description: str
    mode: FairMode
    starts_at: datetime
    ends_at: datetime
    timezone: str
    venue: str | None
    capacity: int | None
    status: FairStatus
    on_air: bool = Field(default=False, description="one of its sessions is being broadcast now")
    anonymous_viewers: bool
    allow_replay: bool
    job_ids: list[str]
    url: str


class RoomFields(Input):
    title: Text(120, 1) | None = None
    host_id: Id | None = None
    host_username: Text(64, 1) | None = None
    starts_at: Moment | None = None
    ends_at: Moment | None = None


class RoomIn(RoomFields):
    title: Text(120, 1)
    starts_at: Moment
    ends_at: Moment


class HostOut(Output):
    id: str
    name: str


class IngestOut(Output):
    srt_url: str | None
    rtmp_url: str | None
    stream_key: str


class RoomOut(Output):
    id: str
    fair_id: str
    title: str
    host_id: str
    host: HostOut
    starts_at: datetime
    ends_at: datetime
    status: RoomStatus
    hls_url: str | None
    replay_url: str | None
    url: str
    ingest: IngestOut | None = None
