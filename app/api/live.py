"""REST endpoints around live rooms: identifying a viewer, sign-ups outside a live card."""

from __future__ import annotations

from flask import current_app, request, session

from app.accounts.schemas import Identity
from app.accounts.services import identify_seeker
from app.api.auth import actor, bearer_token
from app.api.registry import endpoint
from app.api.views import body, committed, reply
from app.errors import Forbidden, ValidationError
from app.extensions import csrf
from app.fairs import services as fairs
from app.fairs.models import FairStatus
from app.live.events import SEEKER_SESSION_KEY, VISITOR_COOKIE
from app.live.models import SignUpSource
from app.live.runtime import live_runtime
from app.live.schemas import IdentityOut, MySignUpsOut, PageSignUpIn, SignUpOut
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
    fair = fairs.get_fair(actor(), fair_id)
    seeker_id = current_seeker_id()
    jobs = seeker_signups(fair.id, seeker_id) if seeker_id else []
    return reply(MySignUpsOut(job_ids=jobs, identified=seeker_id is not None))
