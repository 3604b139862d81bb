"""The outbox: writing each message once per channel, sending what is due, retrying with
backoff, respecting quiet hours and a daily cap; and what a person reads of it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.actor import Actor
from app.accounts.models import Seeker
from app.config import DEFAULT_TIMEZONE
from app.db import utcnow
from app.errors import Forbidden, NotFound, ValidationError
from app.extensions import db
from app.live.broadcast import send_notification
from app.matching.models import JobSeekerProfile
from app.notifications import webpush
from app.notifications.models import Channel, Delivery, Kind, Notification, PushSubscription
from app.sms import SmsUnavailable
from app.sms import send as send_text
from app.urls import absolute_url

log = logging.getLogger(__name__)

ZONE = ZoneInfo(DEFAULT_TIMEZONE)
# Pushed and texted messages per person per local day; the in-app list has no cap.
DAILY_CAP = 5
MAX_ATTEMPTS = 5
FIRST_RETRY_S = 30
# Browsers one person may receive pushes in (a new one replaces the oldest).
MAX_SUBSCRIPTIONS = 10
# While one process sends a row, others leave it alone for this long.
LEASE_S = 60


@dataclass(frozen=True)
class Message:
    kind: Kind
    dedupe_key: str
    title: str
    body: str
    url: str
    job_id: str | None = None


def local_day(moment: datetime) -> str:
    return moment.astimezone(ZONE).date().isoformat()


def _clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def quiet_until(profile: JobSeekerProfile | None, moment: datetime) -> datetime | None:
    """When the person's quiet hours end, if moment falls inside them (else None)."""
    if profile is None or not profile.quiet_start or not profile.quiet_end:
        return None
    start, end = _clock(profile.quiet_start), _clock(profile.quiet_end)
    local = moment.astimezone(ZONE)
    now = local.time()
    inside = (start <= now < end) if start <= end else (now >= start or now < end)
    if not inside or start == end:
        return None
    day = local.date() if now < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, ZONE).astimezone(UTC)


def _channels(profile: JobSeekerProfile | None) -> list[Channel]:
    if profile is None:
        return [Channel.IN_APP]
    wanted = [
        (profile.notify_in_app, Channel.IN_APP),
        (profile.notify_web_push, Channel.WEB_PUSH),
        (profile.notify_sms, Channel.SMS),
    ]
    return [channel for on, channel in wanted if on]


def _sent_today(seeker_id: str, moment: datetime) -> int:
    local = moment.astimezone(ZONE)
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(
            Notification.seeker_id == seeker_id,
            Notification.channel != Channel.IN_APP,
            Notification.status.in_((Delivery.PENDING, Delivery.SENT)),
            Notification.created_at >= day_start,
        )
    )


def notify(
    seeker_id: str, message: Message, now: datetime | None = None, at: datetime | None = None
) -> list[Notification]:
    """Queue message for the person on each channel they want, at most once per dedupe key,
    to go now or `at` (a reminder); returns the rows created now (none when already queued)."""
    now = now or utcnow()
    due = at if at is not None and at > now else now
    profile = db.session.scalar(
        select(JobSeekerProfile).where(JobSeekerProfile.seeker_id == seeker_id)
    )
    created = []
    for channel in _channels(profile):
        if channel == Channel.WEB_PUSH and not _has_subscription(seeker_id):
            continue
        row = Notification(
            seeker_id=seeker_id,
            channel=channel,
            kind=message.kind,
            dedupe_key=message.dedupe_key,
            title=message.title,
            body=message.body,
            url=message.url,
            job_id=message.job_id,
            created_at=now,
            next_attempt_at=due,
        )
        if channel == Channel.IN_APP:
            if due <= now:
                row.status, row.sent_at = Delivery.SENT, now
        else:
            if due <= now and _sent_today(seeker_id, now) >= DAILY_CAP:
                row.status = Delivery.SKIPPED
                row.last_error = "daily cap"
            row.next_attempt_at = quiet_until(profile, due) or due
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:
            continue  # already queued: the same message is never written twice
        created.append(row)
    return created


def _has_subscription(seeker_id: str) -> bool:
    return (
        db.session.scalar(
            select(PushSubscription.id).where(PushSubscription.seeker_id == seeker_id).limit(1)
        )
        is not None
    )


def in_app_json(row: Notification) -> dict:
    return {
        "id": row.id,
        "kind": row.kind.value,
        "title": row.title,
        "body": row.body,
        "url": f"/n/{row.id}",
        "created_at": row.created_at.astimezone(ZONE).isoformat(),
        "read_at": row.read_at.astimezone(ZONE).isoformat() if row.read_at else None,
    }


# Sending ------------------------------------------------------------------------------------


def _claim(row_id: str, now: datetime) -> bool:
    """Take a due row for this process (another process's claim makes this False)."""
    claimed = db.session.execute(
        update(Notification)
        .where(
            Notification.id == row_id,
            Notification.status == Delivery.PENDING,
            Notification.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + timedelta(seconds=LEASE_S))
    )
    db.session.commit()
    return claimed.rowcount == 1


def deliver_due(now: datetime | None = None, limit: int = 500) -> int:
    """Send the pushed and texted messages that are due; returns how many went out."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Notification.id)
        .where(Notification.status == Delivery.PENDING, Notification.next_attempt_at <= now)
        .order_by(Notification.next_attempt_at, Notification.id)
        .limit(limit)
    ).all()
    sent = 0
    for row_id in due:
        if not _claim(row_id, now):
            continue
        row = db.session.get(Notification, row_id)
        try:
            _send(row)
        except webpush.PushFailed as exc:
            row.attempts += 1
            row.last_error = str(exc)
            if row.attempts >= MAX_ATTEMPTS:
                row.status = Delivery.FAILED
            else:
                row.next_attempt_at = now + timedelta(
                    seconds=FIRST_RETRY_S * 2 ** (row.attempts - 1)
                )
        else:
            row.attempts += 1
            row.status, row.sent_at = Delivery.SENT, utcnow()
            sent += 1
        db.session.commit()
    return sent


def _send(row: Notification) -> None:
    if row.channel == Channel.IN_APP:
        # A reminder whose time has come: it joins the list, and open pages get the toast.
        send_notification(row.seeker_id, in_app_json(row))
    elif row.channel == Channel.WEB_PUSH:
        _send_push(row)
    elif row.channel == Channel.SMS:
        _send_sms(row)
    else:
        raise webpush.PushFailed(f"unknown channel {row.channel}")


def _send_sms(row: Notification) -> None:
    """A text through the SMS gateway: the title and the link that notes the tap."""
    seeker = db.session.get(Seeker, row.seeker_id)
    if seeker is None or not seeker.mobile or seeker.deleted_at is not None:
        raise webpush.PushFailed("no mobile number")
    try:
        send_text(seeker.mobile, f"{row.title} {absolute_url(f'/n/{row.id}')}")
    except SmsUnavailable as exc:
        raise webpush.PushFailed(exc.message[:300]) from None


def _send_push(row: Notification) -> None:
    subscriptions = db.session.scalars(
        select(PushSubscription).where(PushSubscription.seeker_id == row.seeker_id)
    ).all()
    payload = {"title": row.title, "body": row.body, "url": f"/n/{row.id}"}
    delivered, failure = False, None
    for subscription in subscriptions:
        try:
            webpush.send(subscription.endpoint, subscription.p256dh, subscription.auth, payload)
            delivered = True
        except webpush.Gone:
            db.session.delete(subscription)  # the browser unsubscribed or expired
        except webpush.PushFailed as exc:
            failure = exc
    if not delivered:
        if failure is None and not subscriptions:
            raise webpush.PushFailed("no subscription left")
        raise failure or webpush.PushFailed("no subscription accepted the message")


# What a person reads ------------------------------------------------------------------------


def _seeker(actor: Actor) -> str:
    actor.require_signed_in()
    if actor.seeker_id is None:
        raise Forbidden("Only job seekers receive notifications.")
    return actor.seeker_id


def my_notifications(actor: Actor, limit: int = 100) -> list[Notification]:
    """The caller's notification centre (the in-app copy of each message), newest first."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(
                Notification.seeker_id == _seeker(actor),
                Notification.channel == Channel.IN_APP,
                Notification.status == Delivery.SENT,
            )
            .order_by(Notification.sent_at.desc(), Notification.id)
            .limit(limit)
        )
    )


def open_notification(actor: Actor, notification_id: str) -> Notification:
    """The person tapped a message (on any channel): note it read and opened, give its link."""
    row = db.session.get(Notification, notification_id)
    if row is None or actor.seeker_id is None or row.seeker_id != actor.seeker_id:
        raise NotFound("No such notification.")
    now = utcnow()
    siblings = db.session.scalars(
        select(Notification).where(
            Notification.seeker_id == row.seeker_id, Notification.dedupe_key == row.dedupe_key
        )
    )
    for sibling in siblings:
        sibling.read_at = sibling.read_at or now
        sibling.opened_at = sibling.opened_at or now
    db.session.flush()
    return row


def subscribe(actor: Actor, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Keep a browser's push subscription for the caller (the same endpoint is updated)."""
    actor.require_full_access()
    seeker_id = _seeker(actor)
    problem = webpush.endpoint_problem(endpoint)
    if problem is not None:
        raise ValidationError("This push endpoint is not accepted.", {"endpoint": problem})
    subscription = db.session.scalar(
        select(PushSubscription).where(PushSubscription.endpoint == endpoint)
    )
    if subscription is None:
        subscription = PushSubscription(endpoint=endpoint)
        db.session.add(subscription)
    subscription.seeker_id, subscription.p256dh, subscription.auth = seeker_id, p256dh, auth
    subscription.created_at = utcnow()
    db.session.flush()
    # A person's browsers, newest first: the oldest beyond the limit are forgotten.
    stale = db.session.scalars(
        select(PushSubscription)
        .where(PushSubscription.seeker_id == seeker_id)
        .order_by(PushSubscription.created_at.desc(), PushSubscription.id)
        .offset(MAX_SUBSCRIPTIONS)
    ).all()
    for old_one in stale:
        db.session.delete(old_one)
    db.session.flush()
    return subscription
