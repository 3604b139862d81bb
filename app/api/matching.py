"""REST endpoints for job-seeker registration, matches, invitations and notifications."""

from __future__ import annotations

from datetime import date

from flask import Response, request, url_for
from pydantic import BaseModel

from app.announce import commit
from app.api.auth import refuse_export_only, require_actor
from app.api.registry import endpoint
from app.api.serializers import job_out
from app.api.views import body, committed, int_arg, reply, reply_many
from app.errors import ValidationError
from app.matching import digest
from app.matching import services as matching
from app.matching.models import Invitation, JobSeekerProfile
from app.matching.reasons import reasons_text
from app.matching.report import market_report
from app.matching.schemas import (
    FairRef,
    InviteIn,
    InviteOut,
    MatchOut,
    Notify,
    ProfileIn,
    ProfileOut,
    QuietHours,
    SeekerMatchOut,
)
from app.notifications import alerts, webpush
from app.notifications import services as notifications
from app.schemas import Input, Text
from app.urls import absolute_url

TAG = "matching"
LIMIT_QUERY = {"limit": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}}


def profile_out(profile: JobSeekerProfile) -> ProfileOut:
    quiet = (
        QuietHours(start=profile.quiet_start, end=profile.quiet_end)
        if profile.quiet_start and profile.quiet_end
        else None
    )
    return ProfileOut(
        id=profile.id,
        seeker_id=profile.seeker_id,
        name=profile.seeker.name,
        categories=profile.categories,
        districts=profile.districts,
        pay_min=profile.pay_min,
        pay_unit=profile.pay_unit,
        work_types=profile.work_types,
        shifts=profile.shifts,
        days=profile.days,
        daily_pay=profile.daily_pay,
        available_from=profile.available_from,
        skills=profile.skills,
        certificates=profile.certificates,
        intro=profile.intro,
        discoverable=profile.discoverable,
        notify=Notify(
            in_app=profile.notify_in_app, web_push=profile.notify_web_push, sms=profile.notify_sms
        ),
        quiet_hours=quiet,
        updated_at=profile.updated_at,
    )


def invite_out(invitation: Invitation, inviter: bool) -> InviteOut:
    job = invitation.job
    return InviteOut(
        id=invitation.id,
        job_id=job.id,
        job_title=job.title,
        employer_name=job.employer_name,
        kind=invitation.kind,
        room_id=invitation.room_id,
        fair_id=invitation.fair_id,
        message=invitation.message,
        status=invitation.status,
        created_at=invitation.created_at,
        answered_at=invitation.answered_at,
        contact=matching.contact_shared(invitation) if inviter else None,
        display_name=matching.masked_name(invitation.profile.seeker.name),
    )


@endpoint("/me/profile", "GET", TAG, returns=ProfileOut, errors=(401, 403, 404))
def get_my_profile():
    """Your job-seeker registration (求职登记)."""
    refuse_export_only()
    return reply(profile_out(matching.my_profile(require_actor())))


@endpoint("/me/profile", "PUT", TAG, body=ProfileIn, returns=ProfileOut, errors=(401, 403, 422))
def put_my_profile():
    """Register (or change) the work you want; the whole registration is replaced."""
    user = require_actor(write=True)
    profile = matching.save_profile(user, body(ProfileIn))
    return reply(profile_out(committed(profile)))


@endpoint(
    "/seekers/{seeker_id}/profile",
    "PUT",
    TAG,
    body=ProfileIn,
    returns=ProfileOut,
    errors=(401, 403, 404, 422),
)
def put_seeker_profile(seeker_id: str):
    """Register the work a person wants on their behalf (service-hall staff)."""
    user = require_actor(write=True)
    profile = matching.save_profile(user, body(ProfileIn), seeker_id=seeker_id)
    return reply(profile_out(committed(profile)))


@endpoint(
    "/me/matches",
    "GET",
    TAG,
    returns=MatchOut,
    many=True,
    query=LIMIT_QUERY,
    errors=(401, 403, 404, 422),
)
def get_my_matches():
    """为你推荐: open jobs that fit your registration, best first, with reasons and fairs."""
    user = require_actor()
    found = matching.my_matches(user, int_arg("limit", 50, 1, 200))
    fairs = matching.fairs_offering([job.id for job, _m in found])
    return reply_many(
        [
            MatchOut(
                job=job_out(job),
                score=match.score,
                reasons=reasons_text(match.reasons),
                fairs=[
                    FairRef(
                        id=f.id,
                        title=f.title,
                        starts_at=f.local(f.starts_at),
                        url=absolute_url(url_for("fairs.show", fair_id=f.id)),
                        rooms=[
                            {
                                "id": r.id,
                                "title": r.title,
                                "status": r.status.value,
                                "starts_at": f.local(r.starts_at).isoformat(),
                            }
                            for r in f.rooms
                            if r.status.value != "ended"
                        ],
                    )
                    for f in fairs.get(job.id, [])
                ],
            )
            for job, match in found
        ]
    )


@endpoint(
    "/jobs/{job_id}/matches",
    "GET",
    TAG,
    returns=SeekerMatchOut,
    many=True,
    query=LIMIT_QUERY,
    errors=(401, 403, 404, 422),
)
def get_job_matches(job_id: str):
    """岗位找人: people who may be found and fit the job, masked, best first, with reasons."""
    user = require_actor()
    job, found = matching.job_matches(user, job_id, int_arg("limit", 50, 1, 200))
    invited = {i.profile_id: i.status for i in matching.job_invites(user, job.id)}
    return reply_many(
        [
            SeekerMatchOut(
                profile_id=profile.id,
                display_name=matching.masked_name(profile.seeker.name),
                score=match.score,
                reasons=reasons_text(match.reasons),
                invited=invited.get(profile.id),
            )
            for profile, match in found
        ]
    )


@endpoint(
    "/jobs/{job_id}/invites",
    "POST",
    TAG,
    body=InviteIn,
    returns=InviteOut,
    status=201,
    errors=(401, 403, 404, 409, 422, 429),
)
def post_job_invite(job_id: str):
    """Invite a person who may be found to a live session, a fair, or to be contacted."""
    user = require_actor(write=True)
    data = body(InviteIn)
    invitation = matching.invite(
        user, job_id, data.profile_id, data.room_id, data.fair_id, data.message
    )
    return reply(invite_out(committed(invitation), inviter=True), 201)


@endpoint(
    "/jobs/{job_id}/invites", "GET", TAG, returns=InviteOut, many=True, errors=(401, 403, 404)
)
def get_job_invites(job_id: str):
    """The invitations sent for a job; name and mobile only of those who accepted."""
    refuse_export_only()
    user = require_actor()
    return reply_many([invite_out(i, inviter=True) for i in matching.job_invites(user, job_id)])


@endpoint("/me/invites", "GET", TAG, returns=InviteOut, many=True, errors=(401, 403))
def get_my_invites():
    """The invitations you received, newest first."""
    return reply_many([invite_out(i, inviter=False) for i in matching.my_invites(require_actor())])


@endpoint(
    "/invites/{invite_id}/accept", "POST", TAG, returns=InviteOut, errors=(401, 403, 404, 409)
)
def post_invite_accept(invite_id: str):
    """Accept: the inviting employer may then see your name and mobile number."""
    user = require_actor(write=True)
    return reply(
        invite_out(committed(matching.answer_invite(user, invite_id, True)), inviter=False)
    )


@endpoint(
    "/invites/{invite_id}/decline", "POST", TAG, returns=InviteOut, errors=(401, 403, 404, 409)
)
def post_invite_decline(invite_id: str):
    """Decline: the employer never sees who you are."""
    user = require_actor(write=True)
    return reply(
        invite_out(committed(matching.answer_invite(user, invite_id, False)), inviter=False)
    )


class NotificationOut(BaseModel):
    id: str
    kind: str
    title: str
    body: str
    url: str
    created_at: str
    read_at: str | None


@endpoint("/me/notifications", "GET", TAG, returns=NotificationOut, many=True, errors=(401, 403))
def get_my_notifications():
    """Your notification centre, newest first."""
    user = require_actor()
    return reply_many(
        [
            NotificationOut(**notifications.in_app_json(n))
            for n in notifications.my_notifications(user)
        ]
    )


class PushKeys(Input):
    p256dh: Text(200, 1)
    auth: Text(100, 1)


class PushSubscriptionIn(Input):
    endpoint: Text(1000, 1)
    keys: PushKeys


class PushSubscriptionOut(BaseModel):
    id: str
    endpoint: str


class PushKeyOut(BaseModel):
    public_key: str


@endpoint(
    "/me/push-subscriptions",
    "POST",
    TAG,
    body=PushSubscriptionIn,
    returns=PushSubscriptionOut,
    status=201,
    errors=(401, 403, 422),
)
def post_push_subscription():
    """Keep this browser's Web Push subscription (https endpoints only)."""
    user = require_actor(write=True)
    data = body(PushSubscriptionIn)
    subscription = notifications.subscribe(user, data.endpoint, data.keys.p256dh, data.keys.auth)
    return reply(
        PushSubscriptionOut(id=committed(subscription).id, endpoint=subscription.endpoint), 201
    )


@endpoint("/push/key", "GET", TAG, returns=PushKeyOut, auth=False)
def get_push_key():
    """The server's VAPID public key (base64url), for subscribing to Web Push."""
    return reply(PushKeyOut(public_key=webpush.public_key()))


class MarketReportOut(BaseModel):
    profiles: int
    discoverable: int
    supply_demand: list[dict]
    invitations: dict
    notifications: dict
    signups_from_notifications: int


@endpoint("/matching/report", "GET", TAG, returns=MarketReportOut, errors=(401, 403))
def get_market_report():
    """Supply against demand by kind of work and town; invitations, notifications, sign-ups."""
    refuse_export_only()
    return reply(MarketReportOut(**market_report(require_actor())))


DIGEST_QUERY = {"date": {"type": "string", "format": "date"}}


def _digest_day() -> date | None:
    raw = request.args.get("date")
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError("Not a date.", {"date": "YYYY-MM-DD"}) from None


@endpoint(
    "/matching/digest.txt",
    "GET",
    TAG,
    query=DIGEST_QUERY,
    errors=(401, 403, 422),
    content_type="text/plain",
)
def get_digest_text():
    """Today's new jobs as a message for the market's WeChat groups (organisers)."""
    day, jobs = digest.todays_jobs(require_actor(), _digest_day())
    return Response(digest.digest_text(day, jobs), mimetype="text/plain")


@endpoint(
    "/matching/digest.png",
    "GET",
    TAG,
    query=DIGEST_QUERY,
    errors=(401, 403, 422),
    content_type="image/png",
)
def get_digest_png():
    """Today's new jobs as a shareable image, a QR code to each job's fair (organisers)."""
    day, jobs = digest.todays_jobs(require_actor(), _digest_day())
    return Response(
        digest.digest_png(day, jobs),
        mimetype="image/png",
        headers={"Content-Disposition": f'attachment; filename="jobs-{day.isoformat()}.png"'},
    )


class SignupMessageIn(Input):
    text: Text(500, 1, multiline=True)


class SignupMessageOut(BaseModel):
    signup_id: str
    channels: list[str]


@endpoint(
    "/signups/{signup_id}/messages",
    "POST",
    TAG,
    body=SignupMessageIn,
    returns=SignupMessageOut,
    status=201,
    errors=(401, 403, 404, 422),
)
def post_signup_message(signup_id: str):
    """Send a follow-up message to a person who signed up (the job's employer's hosts)."""
    user = require_actor(write=True)
    data = body(SignupMessageIn)
    created = alerts.message_signup(user, signup_id, data.text)
    commit()
    alerts.tell(created)
    return reply(
        SignupMessageOut(signup_id=signup_id, channels=[r.channel.value for r in created]), 201
    )
