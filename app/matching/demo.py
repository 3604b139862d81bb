"""Demo data for 岗位找人: registered seekers with their wants, an invitation, and the
notifications a card pushed live would have sent (unchanged when run again)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from app.accounts.actor import Actor
from app.accounts.models import Seeker, User
from app.announce import PENDING_KEY
from app.extensions import db
from app.fairs.models import Fair
from app.matching import services
from app.matching.models import Invitation
from app.matching.schemas import ProfileIn
from app.notifications.models import Kind
from app.notifications.services import Message, local_day, notify

# name, mobile, what they registered
PEOPLE = [
    (
        "陈志强",
        "13905950001",
        dict(
            categories=["叉车司机"],
            districts=["东园镇"],
            shifts=["day", "night"],
            certificates=["叉车证"],
            daily_pay=True,
        ),
    ),
    (
        "林美玲",
        "13905950002",
        dict(
            categories=["普工"],
            districts=["东园镇", "洛阳镇"],
            work_types=["full_time"],
            shifts=["day"],
            pay_min=4500,
            pay_unit="month",
        ),
    ),
    (
        "黄建华",
        "13905950003",
        dict(
            categories=["分拣员", "快递"],
            districts=["东园镇"],
            work_types=["gig", "part_time"],
            shifts=["night"],
            daily_pay=True,
            pay_min=180,
            pay_unit="day",
        ),
    ),
    (
        "吴丽娟",
        "13905950004",
        dict(
            categories=["普工", "分拣"],
            districts=["张坂镇"],
            work_types=["gig"],
            shifts=["day"],
            days=["weekends"],
        ),
    ),
    (
        "郑国平",
        "13905950005",
        dict(
            categories=["电工"],
            districts=["东园镇"],
            certificates=["电工证"],
            skills=["设备维修"],
            work_types=["full_time"],
        ),
    ),
    (
        "蔡秀英",
        "13905950006",
        dict(categories=["保洁"], districts=["东园镇"], work_types=["part_time"], shifts=["day"]),
    ),
]


def seed_matching(fair: Fair, seeker_user: User, host_username: str) -> dict[str, str]:
    """Profiles (the demo seeker's and six neighbours'), an invitation and live alerts; returns
    the pages to try."""
    seeker_actor = Actor.of(seeker_user)
    if services.profile_of(seeker_user.seeker_id) is None:
        services.save_profile(
            seeker_actor,
            ProfileIn(
                categories=["分拣员", "普工"],
                districts=["东园镇"],
                pay_min=180,
                pay_unit="day",
                work_types=["gig", "full_time"],
                shifts=["day", "night"],
                days=["weekdays", "weekends"],
                daily_pay=True,
                skills=["仓库", "理货"],
                certificates=["叉车证", "健康证"],
                intro="在仓库做过三年理货，会开叉车。",
                discoverable=True,
            ),
        )
    organiser = db.session.scalar(select(User).where(User.username == "organiser"))
    for name, mobile, wants in PEOPLE:
        person = db.session.scalar(select(Seeker).where(Seeker.mobile == mobile))
        if person is None:
            person = Seeker(name=name, mobile=mobile)
            db.session.add(person)
            db.session.flush()
        if services.profile_of(person.id) is None:
            services.save_profile(
                Actor.of(organiser),
                ProfileIn(**wants, discoverable=True, quiet_hours=None),
                seeker_id=person.id,
            )
    db.session.flush()

    host = db.session.scalar(select(User).where(User.username == host_username))
    jobs = sorted(
        (j for j in fair.jobs if j.employer_id == host.employer_id), key=lambda j: j.title
    )
    job = jobs[0]
    people = services.rank_seekers(job, limit=5)
    invited = {
        i.profile_id
        for i in db.session.scalars(select(Invitation).where(Invitation.job_id == job.id))
    }
    for match in people[:2]:
        if match.profile_id not in invited:
            invitation = services.invite(
                Actor.of(host), job.id, match.profile_id, None, fair.id, "欢迎来现场面试"
            )
            # Written here rather than by the listener: the demo seeds without a running server.
            notify(
                match.seeker_id,
                Message(
                    kind=Kind.INVITE,
                    dedupe_key=f"invite:{invitation.id}",
                    title=f"{job.employer_name} 邀请你：{job.title}",
                    body="点此查看邀请，接受后对方才能看到你的姓名和电话",
                    url="/my/invites",
                ),
            )
    db.session.info.pop(PENDING_KEY, None)

    room = min(fair.rooms, key=lambda r: r.starts_at)
    for alerted in jobs[:2]:
        message = Message(
            kind=Kind.LIVE_MATCH,
            dedupe_key=f"live:{alerted.id}:{local_day(fair.starts_at)}",
            title=f"正在直播：{alerted.title}，点此观看并报名",
            body=f"{alerted.employer_name} · {alerted.district}",
            url=f"/rooms/{room.id}",
            job_id=alerted.id,
        )
        notify(seeker_user.seeker_id, message)
    db.session.flush()
    return {
        "Recommended for you (seeker)": url_for("matching.recommendations"),
        "Job-seeker registration (seeker)": url_for("matching.profile"),
        "Notifications (seeker)": url_for("notifications.index"),
        "Invitations (seeker)": url_for("matching.invites"),
        f"Find people for {job.title} ({host_username})": url_for("matching.people", job_id=job.id),
    }
