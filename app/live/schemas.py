"""Payloads of the /live events the server accepts."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from app.live.models import SignUpSource
from app.schemas import Id, Input, Output, Text

MAX_CHAT_LENGTH = 200


class RoomRef(Input):
    room_id: Id


class CardIn(RoomRef):
    job_id: Id


class UnpinIn(RoomRef):
    card_id: Id


class SignUpIn(RoomRef):
    job_id: Id
    source: SignUpSource = SignUpSource.LIVE


class ChatIn(RoomRef):
    text: Text(MAX_CHAT_LENGTH, 1)


class ModerateIn(RoomRef):
    action: Text(10, 1)
    target: Id


class IdentifyIn(Input):
    """A live connection becomes the seeker a token (from POST /api/v1/auth/verify) stands for;
    a bare name and mobile number is no proof and is refused."""

    token: Text(100, 1)


class PageSignUpIn(Input):
    """A sign-up made outside a live card: on the fair page, or while watching a replay."""

    job_id: Id
    source: Literal["page", "replay"] = "page"
    room_id: Id | None = None


class SignUpOut(Output):
    created: bool
    count: int
    job_id: str


class IdentityOut(Output):
    name: str
    mobile: str


class MySignUpsOut(Output):
    job_ids: list[str]
    identified: bool


class GoLiveIn(Input):
    """How the host's video arrives: the cockpit's camera, OBS over SRT, or an uploaded video."""

    source: Literal["browser", "srt", "file"]
    upload_id: Id | None = None


class UploadOut(Output):
    id: str
    room_id: str
    filename: str
    size_bytes: int
    duration_seconds: float | None
    width: int | None
    height: int | None
    video_codec: str | None
    premiere_at: datetime | None


class MediaChunkMeta(Input):
    """What accompanies each binary chunk of the host's browser recording."""

    room_id: Id
    mime_type: Text(100, 1)
