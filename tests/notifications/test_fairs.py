"""A fair published with matching jobs tells matching people once, and reminds them an hour
before its first session."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select

from app.accounts.actor import Actor
from app.announce import commit
from app.matching import services as matching
from app.matching.schemas import ProfileIn
from app.notifications import alerts, services
from app.notifications.models import Channel, Delivery, Kind, Notification
from tests.fixtures.values import hours_from_now


def test_publishing_tells_matching_people_and_the_reminder_waits(
    api, db, make_user, make_fair, make_job, make_room, token_for
):
    organiser = make_user("organiser")
    fair = make_fair(status="draft", organiser=organiser, starts_at=hours_from_now(3))
    room = make_room(fair=fair, starts_at=hours_from_now(4))
    job = make_job(title="夜班分拣员", category="logistics", district="东园镇")
    fair.jobs.append(job)
    db.session.commit()
    fair_id, room_start = fair.id, room.starts_at
    fits, other = make_user("seeker"), make_user("seeker")
    matching.save_profile(Actor.of(fits), ProfileIn(categories=["分拣员"], districts=["东园镇"]))
    matching.save_profile(Actor.of(other), ProfileIn(categories=["保安"], districts=["东园镇"]))
    commit()

    assert alerts.alert_fair_published(fair_id) == []  # a draft tells nobody
    published = api.patch(f"/fairs/{fair_id}", {"status": "published"}, token=token_for(organiser))
    assert published.status_code == 200
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        db.session.rollback()
        told = db.session.scalars(
            select(Notification).where(Notification.kind == Kind.FAIR_PUBLISHED)
        ).all()
        if told:
            break
        time.sleep(0.05)
    assert [(n.seeker_id, n.channel, n.title) for n in told] == [
        (fits.seeker_id, Channel.IN_APP, "新招聘会：Gig-work fair")
    ]
    assert alerts.alert_fair_published(fair_id) == []  # edited again: nobody told twice

    [reminder] = db.session.scalars(
        select(Notification).where(Notification.kind == Kind.FAIR_REMINDER)
    ).all()
    assert reminder.status == Delivery.PENDING
    assert reminder.next_attempt_at == room_start - timedelta(hours=1)
    seeker_token = token_for(fits)
    listed = [n["title"] for n in api.get("/me/notifications", token=seeker_token).json]
    assert listed == ["新招聘会：Gig-work fair"]  # the reminder is not there before its time
    assert services.deliver_due(reminder.next_attempt_at) == 1
    listed = [n["title"] for n in api.get("/me/notifications", token=seeker_token).json]
    assert listed[0] == "一小时后开始：Gig-work fair"


def test_a_place_from_the_waiting_list_is_announced(api, db, make_user, make_fair, token_for):
    organiser = make_user("organiser")
    staff = token_for(organiser)
    fair = make_fair(capacity=1, organiser=organiser)
    first = api.post(
        f"/fairs/{fair.id}/registrations", {"name": "李一", "mobile": "13700000001"}, token=staff
    )
    second = api.post(
        f"/fairs/{fair.id}/registrations", {"name": "李二", "mobile": "13700000002"}, token=staff
    )
    assert second.json["status"] == "waitlisted"
    assert api.delete(f"/registrations/{first.json['id']}", token=staff).status_code == 200
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        db.session.rollback()
        told = db.session.scalars(
            select(Notification).where(Notification.kind == Kind.WAITLIST_PROMOTED)
        ).all()
        if told:
            break
        time.sleep(0.05)
    assert [(n.seeker_id, n.title, n.url) for n in told] == [
        (
            second.json["person"]["id"],
            "候补成功：Gig-work fair",
            f"/registrations/{second.json['id']}",
        )
    ]
