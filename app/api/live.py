"""REST endpoints around live rooms: sign-ups outside a live card,
opening and ending broadcasts, premiere uploads."""

from __future__ import annotations

from datetime import datetime

from flask import request
from sqlalchemy import select

from app.api.auth import actor, require_actor
from app.api.registry import endpoint
from app.api.serializers import room_out
from app.api.views import body, committed, reply, reply_many
from app.errors import ValidationError
from app.extensions import db
from app.fairs.schemas import RoomOut
from app.live import operations
from app.live.models import SignUpSource, Upload
from app.live.schemas import (
    GoLiveIn,
    MySignUpsOut,
    PageSignUpIn,
    SignUpOut,
    UploadOut,
)
from app.live.uploads import MAX_UPLOAD_BYTES


@endpoint(
    "/fairs/{fair_id}/signups",
    "POST",
    "live",
    body=PageSignUpIn,
    returns=SignUpOut,
    auth=False,
    errors=(400, 403, 404, 422),
)
def post_signup(fair_id: str):
    """Sign up for a job from the fair page or a replay."""
    data = body(PageSignUpIn)
    result = operations.sign_up(
        actor(), data.job_id, SignUpSource(data.source), room_id=data.room_id, fair_id=fair_id
    )
    return reply(
        SignUpOut(created=result.created, count=result.count, job_id=data.job_id),
        201 if result.created else 200,
    )


@endpoint(
    "/fairs/{fair_id}/signups/{job_id}",
    "DELETE",
    "live",
    returns=SignUpOut,
    auth=False,
    errors=(400, 403, 404),
)
def delete_signup(fair_id: str, job_id: str):
    """Withdraw a sign-up."""
    result = operations.withdraw_sign_up(actor(), job_id, fair_id=fair_id)
    return reply(SignUpOut(created=False, count=result.count, job_id=job_id))


@endpoint(
    "/fairs/{fair_id}/signups/mine",
    "GET",
    "live",
    returns=MySignUpsOut,
    auth=False,
    errors=(404,),
)
def get_my_signups(fair_id: str):
    """The jobs you signed up for at this fair."""
    caller = actor()
    jobs = operations.my_sign_ups(caller, fair_id)
    return reply(MySignUpsOut(job_ids=jobs, identified=caller.seeker_id is not None))


# Broadcasts ----------------------------------------------------------------------------------


@endpoint(
    "/rooms/{room_id}/live",
    "POST",
    "live",
    body=GoLiveIn,
    returns=RoomOut,
    errors=(401, 403, 404, 409, 422),
)
def post_room_live(room_id: str):
    """Open the broadcast: the room waits for video."""
    caller = require_actor(write=True)
    data = body(GoLiveIn)
    room = committed(operations.go_live(caller, room_id, data.source, data.upload_id))
    return reply(room_out(room, caller))


@endpoint(
    "/rooms/{room_id}/end",
    "POST",
    "live",
    returns=RoomOut,
    errors=(401, 403, 404, 409),
)
def post_room_end(room_id: str):
    """End the broadcast (the replay stays)."""
    caller = require_actor(write=True)
    room = committed(operations.end_broadcast(caller, room_id))
    return reply(room_out(room, caller))


@endpoint(
    "/rooms/{room_id}/uploads",
    "POST",
    "live",
    returns=UploadOut,
    status=201,
    errors=(400, 401, 403, 404, 413, 415, 422),
    upload_field="video",
    form_fields={"premiere_at": {"type": "string", "format": "date-time"}},
    max_bytes=MAX_UPLOAD_BYTES,
)
def post_room_upload(room_id: str):
    """Upload a recorded video to premiere as live."""
    caller = require_actor(write=True)
    operations.managed_room(caller, room_id)  # refuse before reading a large body
    video = request.files.get("video")
    if video is None or not video.filename:
        raise ValidationError("Choose a video file.", {"video": "required"})
    premiere_at = _premiere_time(request.form.get("premiere_at"))
    upload = committed(operations.upload_video(caller, room_id, video, premiere_at))
    return reply(UploadOut.model_validate(upload), 201)


def _premiere_time(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValidationError("Not a time.", {"premiere_at": "ISO 8601 with an offset"})
    return moment


@endpoint(
    "/rooms/{room_id}/uploads",
    "GET",
    "live",
    returns=UploadOut,
    many=True,
    errors=(401, 403, 404),
)
def get_room_uploads(room_id: str):
    """The room's uploaded videos."""
    room = operations.managed_room(require_actor(), room_id)
    uploads = db.session.scalars(
        select(Upload).where(Upload.room_id == room.id).order_by(Upload.created_at)
    )
    return reply_many([UploadOut.model_validate(u) for u in uploads])
