"""Who is told what: a matching job pushed live, an invitation. Each writes the outbox, then
the live toasts and the due pushes go out."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from app.accounts.actor import Actor
from app.db import new_id, utcnow
from app.extensions import db
from app.fairs.models import OPEN_FAIR_STATUSES, Fair
from app.jobs.models import Job
from app.live import broadcast
from app.live.models import Presence
from app.matching.services import rank_seekers
from app.notifications.models import Channel, Kind, Notification
from app.notifications.services import Message, deliver_due, in_app_json, local_day, notify
from app.reports.followup import get_signup

log = logging.getLogger(__name__)

REMINDER_BEFORE = timedelta(hours=1)
SENDER_INTERVAL_S = 15
SENDER_KEY = "faircast_notification_sender"


def people_in_room(room_id: str) -> set[str]:
    return set(
        db.session.scalars(
            select(Presence.seeker_id).where(
                Presence.room_id == room_id,
                Presence.left_at.is_(None),
                Presence.seeker_id.is_not(None),
            )
        )
    )


def alert_live_match(room_id: str, job_id: str) -> list[Notification]:
    """正在直播: everyone whose registration fits the job and who is not watching hears of it,
    at most once per person, job and day; returns the rows written now."""
    job = db.session.get(Job, job_id)
    if job is None:
        return []
    now = utcnow()
    watching = people_in_room(room_id)
    message = Message(
        kind=Kind.LIVE_MATCH,
        dedupe_key=f"live:{job.id}:{local_day(now)}",
        title=f"正在直播：{job.title}，点此观看并报名",
        body=f"{job.employer_name} · {job.district} · {job.pay_min:g}-{job.pay_max:g}",
        url=f"/rooms/{room_id}?via=notification&job={job.id}",
        job_id=job.id,
    )
    created = []
    for match in rank_seekers(job, discoverable=None, live_alerts=True, limit=None):
        if match.seeker_id not in watching:
            created.extend(notify(match.seeker_id, message, now))
    db.session.commit()
    _tell(created)
    return created


def alert_invited(
    seeker_id: str, invitation_id: str, job_title: str, employer_name: str, url: str
) -> None:
    """An employer invited the person."""
    message = Message(
        kind=Kind.INVITE,
        dedupe_key=f"invite:{invitation_id}",
        title=f"{employer_name} 邀请你：{job_title}",
        body="点此查看邀请，接受后对方才能看到你的姓名和电话",
        url="/my/invites",
    )
    created = notify(seeker_id, message)
    db.session.commit()
    _tell(created)


def alert_fair_published(fair_id: str) -> list[Notification]:
    """A fair was published with jobs that fit people: one message each (for the fair, naming
    the best-fitting job), and a reminder an hour before its first session."""
    fair = db.session.get(Fair, fair_id)
    if fair is None or fair.status not in OPEN_FAIR_STATUSES:
        return []
    best: dict[str, tuple[int, Job]] = {}
    for job in fair.jobs:
        for match in rank_seekers(job, discoverable=None, live_alerts=True, limit=None):
            if match.seeker_id not in best or match.score > best[match.seeker_id][0]:
                best[match.seeker_id] = (match.score, job)
    starts = min([r.starts_at for r in fair.rooms] or [fair.starts_at])
    when = fair.local(starts).strftime("%m月%d日 %H:%M")
    created = []
    now = utcnow()
    for seeker_id, (_score, job) in sorted(best.items()):
        created += notify(
            seeker_id,
            Message(
                kind=Kind.FAIR_PUBLISHED,
                dedupe_key=f"fair:{fair.id}",
                title=f"新招聘会：{fair.title}",
                body=f"有适合你的岗位：{job.title}，{when} 开始",
                url=f"/fairs/{fair.id}",
                job_id=job.id,
            ),
            now,
        )
        remind_at = starts - REMINDER_BEFORE
        if remind_at > now:
            notify(
                seeker_id,
                Message(
                    kind=Kind.FAIR_REMINDER,
                    dedupe_key=f"fair-reminder:{fair.id}",
                    title=f"一小时后开始：{fair.title}",
                    body=f"{job.title} 等岗位，{when} 开始，点此进入",
                    url=f"/fairs/{fair.id}",
                    job_id=job.id,
                ),
                now,
                at=remind_at,
            )
    db.session.commit()
    _tell(created)
    return created


def alert_promoted(fair_id: str, fair_title: str, promoted: list[tuple[str, str]]) -> None:
    """People who got a place from the waiting list hear of it."""
    created = []
    for registration_id, seeker_id in promoted:
        created += notify(
            seeker_id,
            Message(
                kind=Kind.WAITLIST_PROMOTED,
                dedupe_key=f"promoted:{registration_id}",
                title=f"候补成功：{fair_title}",
                body="你已获得入场名额，点此查看入场券",
                url=f"/registrations/{registration_id}",
            ),
        )
    db.session.commit()
    _tell(created)


def message_signup(actor: Actor, signup_id: str, text: str) -> list[Notification]:
    """The employer follows up a person who signed up with a message (their hosts, organisers);
    it reaches the person on the channels they chose."""
    actor.require_full_access()
    signup = get_signup(actor, signup_id)
    job = signup.job
    created = notify(
        signup.seeker_id,
        Message(
            kind=Kind.EMPLOYER_MESSAGE,
            dedupe_key=f"message:{new_id()}",
            title=f"{job.employer_name}（{job.title}）给你留言",
            body=text,
            url="/my/notifications",
            job_id=job.id,
        ),
    )
    db.session.flush()
    return created


def tell(created: list[Notification]) -> None:
    """After the commit: toasts for in-app rows, and send what is due now."""
    _tell(created)


def _tell(created: list[Notification]) -> None:
    for row in created:
        if row.channel == Channel.IN_APP:
            broadcast.send_notification(row.seeker_id, in_app_json(row))
    if any(row.channel != Channel.IN_APP for row in created):
        deliver_due()


def start_sender(app: Flask) -> None:
    """Send what falls due (reminders, retries, the end of quiet hours) every few seconds, in
    one background loop per process (not under tests, which call deliver_due themselves)."""
    if app.testing or app.extensions.get(SENDER_KEY):
        return
    app.extensions[SENDER_KEY] = True
    from app.extensions import socketio

    def loop():
        while True:
            socketio.sleep(SENDER_INTERVAL_S)
            with app.app_context():
                try:
                    deliver_due()
                except Exception:
                    log.exception("sending due notifications failed")
                    db.session.rollback()
                finally:
                    db.session.remove()

    socketio.start_background_task(loop)


def in_background(app: Flask, work, *args) -> None:
    """Run work in its own app context, off the request (the host's push is not held up)."""
    from app.extensions import socketio

    def run():
        with app.app_context():
            try:
                work(*args)
            except Exception:
                log.exception("%s failed", work.__name__)
                db.session.rollback()
            finally:
                db.session.remove()

    socketio.start_background_task(run)
    start_sender(app)
