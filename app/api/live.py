"""REST endpoints around live rooms: identifying a viewer, sign-ups outside a live card."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, request, session
from sqlalchemy import select

from app.accounts.schemas import Identity
from app.accounts.services import identify_seeker
from app.api.auth import actor, bearer_token, require_actor
from app.api.registry import endpoint
from app.api.serializers import room_out
from app.api.views import body, committed, reply, reply_many
from app.errors import Forbidden, ValidationError
from app.extensions import csrf, db
from app.fairs import services as fairs
from app.fairs.models import FairStatus
from app.fairs.schemas import RoomOut
from app.live import broadcast
from app.live.events import SEEKER_SESSION_KEY, VISITOR_COOKIE
from app.live.media import MAX_UPLOAD_BYTES, media_urls, save_upload, stream_runtime
from app.live.models import SignUpSource, Upload
from app.live.runtime import live_runtime
from app.live.schemas import (
    GoLiveIn,
    IdentityOut,
    MySignUpsOut,
    PageSignUpIn,
    SignUpOut,
    UploadOut,
)
from app.live.services import link_visitor
from app.live.signups import SignUpRequest, WithdrawRequest, seeker_signups
from app.validators import mask_mobile


def current_seeker_id() -> str | None:
    """The person making this request: a signed-in seeker, or one who identified in this browser."""
    user = actor()
    if user is not None:
        return user.seeker_id
    return session.get(SEEKER_SESSION_KEY)


def _require_seeker() -> str:
    seeker_id = current_seeker_id()
    if seeker_id is None:
        user = actor()
        if user is not None:
            raise Forbidden("Hosts and organisers do not sign up for jobs.")
        raise Forbidden("Tell us your name and mobile number first.", {"identity": "required"})
    return seeker_id


@endpoint(
    "/identity",
    "POST",
    "Say who you are (name and mobile) before signing up",
    "live",
    body=Identity,
    returns=IdentityOut,
    auth=False,
    errors=(400, 403, 409, 422),
)
def post_identity():
    """Say who you are (name and mobile) before signing up."""
    if bearer_token() is None:
        csrf.protect()  # it changes this browser's session
    if actor() is not None:
        raise Forbidden("Signed-in accounts already have an identity.")
    seeker = identify_seeker(body(Identity), current_app.config["SECRET_KEY"])
    visitor = request.cookies.get(VISITOR_COOKIE)
    if visitor:
        link_visitor(visitor, seeker.id)
    committed(seeker)
    session[SEEKER_SESSION_KEY] = seeker.id
    return reply(IdentityOut(name=seeker.name, mobile=mask_mobile(seeker.mobile)))


def _open_fair(fair_id: str):
    fair = fairs.get_fair(actor(), fair_id)
    if fair.status in (FairStatus.ENDED, FairStatus.CANCELLED):
        raise Forbidden("The fair is over; sign-ups are closed.")
    return fair


@endpoint(
    "/fairs/{fair_id}/signups",
    "POST",
    "Sign up for a job from the fair page or a replay",
    "live",
    body=PageSignUpIn,
    returns=SignUpOut,
    auth=False,
    errors=(400, 403, 404, 422),
)
def post_signup(fair_id: str):
    """Sign up for a job from the fair page or a replay."""
    if bearer_token() is None:
        csrf.protect()
    data = body(PageSignUpIn)
    seeker_id = _require_seeker()
    fair = _open_fair(fair_id)
    if data.job_id not in {job.id for job in fair.jobs}:
        raise ValidationError("That job is not part of this fair.", {"job_id": "not in this fair"})
    if data.room_id is not None and data.room_id not in {room.id for room in fair.rooms}:
        raise ValidationError("No such room at this fair.", {"room_id": "not in this fair"})
    result = live_runtime().sign_up(
        SignUpRequest(
            fair.id, seeker_id, data.job_id, SignUpSource(data.source), room_id=data.room_id
        )
    )
    return reply(
        SignUpOut(created=result.created, count=result.count, job_id=data.job_id),
        201 if result.created else 200,
    )


@endpoint(
    "/fairs/{fair_id}/signups/{job_id}",
    "DELETE",
    "Withdraw a sign-up",
    "live",
    returns=SignUpOut,
    auth=False,
    errors=(400, 403, 404),
)
def delete_signup(fair_id: str, job_id: str):
    """Withdraw a sign-up."""
    if bearer_token() is None:
        csrf.protect()
    seeker_id = _require_seeker()
    fair = fairs.get_fair(actor(), fair_id)
    result = live_runtime().withdraw(WithdrawRequest(fair.id, seeker_id, job_id))
    return reply(SignUpOut(created=False, count=result.count, job_id=job_id))


@endpoint(
    "/fairs/{fair_id}/signups/mine",
    "GET",
    "The jobs you signed up for at this fair",
    "live",
    returns=MySignUpsOut,
    auth=False,
    errors=(404,),
)
def get_my_signups(fair_id: str):
    """The jobs you signed up for at this fair."""
    fair = fairs.get_fair(actor(), fair_id)
    seeker_id = current_seeker_id()
    jobs = seeker_signups(fair.id, seeker_id) if seeker_id else []
    return reply(MySignUpsOut(job_ids=jobs, identified=seeker_id is not None))


# Broadcasts ----------------------------------------------------------------------------------


def _managed_room(room_id: str):
    user = require_actor(write=True)
    room = fairs.get_room(user, room_id)
    if not fairs.can_manage_room(user, room):
        raise Forbidden("Only the room's host or an organiser runs its broadcast.")
    return user, room


@endpoint(
    "/rooms/{room_id}/live",
    "POST",
    "Open the broadcast: the room waits for video",
    "live",
    body=GoLiveIn,
    returns=RoomOut,
    errors=(401, 403, 404, 409, 422),
)
def post_room_live(room_id: str):
    """Open the broadcast: the room waits for video."""
    user, room = _managed_room(room_id)
    data = body(GoLiveIn)
    upload = None
    if data.upload_id is not None:
        upload = db.session.get(Upload, data.upload_id)
        if upload is None or upload.room_id != room.id:
            raise ValidationError("No such video for this room.", {"upload_id": "unknown"})
    stream_runtime().go_live(room, data.source, upload)
    db.session.commit()
    live_runtime().forget(room.id)
    hls_url, _ = media_urls(room)
    broadcast.stream_changed(room.id, room.status.value, hls_url)
    return reply(room_out(room, user))


@endpoint(
    "/rooms/{room_id}/end",
    "POST",
    "End the broadcast (the replay stays)",
    "live",
    returns=RoomOut,
    errors=(401, 403, 404, 409),
)
def post_room_end(room_id: str):
    """End the broadcast (the replay stays)."""
    user, room = _managed_room(room_id)
    stream_runtime().end(room)
    db.session.commit()
    live_runtime().forget(room.id)
    _hls, replay_url = media_urls(room)
    broadcast.stream_changed(room.id, room.status.value, None, replay_url=replay_url)
    return reply(room_out(room, user))


@endpoint(
    "/rooms/{room_id}/uploads",
    "POST",
    "Upload a recorded video to premiere as live",
    "live",
    returns=UploadOut,
    status=201,
    errors=(400, 401, 403, 404, 413, 415, 422),
    upload_field="video",
    form_fields={"premiere_at": {"type": "string", "format": "date-time"}},
)
def post_room_upload(room_id: str):
    """Upload a recorded video to premiere as live."""
    if bearer_token() is None:
        csrf.protect()
    user, room = _managed_room(room_id)
    request.max_content_length = MAX_UPLOAD_BYTES
    video = request.files.get("video")
    if video is None or not video.filename:
        raise ValidationError("Choose a video file.", {"video": "required"})
    premiere_at = _premiere_time(request.form.get("premiere_at"), room)
    return reply(
        UploadOut.model_validate(committed(save_upload(user, room, video, premiere_at))), 201
    )


def _premiere_time(raw: str | None, room) -> datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValidationError("Not a time.", {"premiere_at": "ISO 8601 with an offset"})
    if not room.fair.starts_at <= moment <= room.fair.ends_at:
        raise ValidationError(
            "The premiere must be during the fair.", {"premiere_at": "outside the fair"}
        )
    return moment


@endpoint(
    "/rooms/{room_id}/uploads",
    "GET",
    "The room's uploaded videos",
    "live",
    returns=UploadOut,
    many=True,
    errors=(401, 403, 404),
)
def get_room_uploads(room_id: str):
    """The room's uploaded videos."""
    _user, room = _managed_room(room_id)
    uploads = db.session.scalars(
        select(Upload).where(Upload.room_id == room.id).order_by(Upload.created_at)
    )
    return reply_many([UploadOut.model_validate(u) for u in uploads])
