"""The supply-and-demand report of the market: registered people by kind of work and town
against open positions, invitations, notifications, and sign-ups that followed a notification."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, func, select

from app.accounts.actor import Actor
from app.errors import Forbidden
from app.extensions import db
from app.jobs.models import Job
from app.live.models import SignUp
from app.matching.models import Invitation, JobSeekerProfile
from app.matching.services import open_job_ids
from app.notifications.models import Notification


def market_report(actor: Actor) -> dict:
    """For organisers: supply (profiles) against demand (open positions) by kind of work and
    town, and what matching and notifications did."""
    actor.require_signed_in()
    if not actor.is_organiser:
        raise Forbidden("Only organisers see the market report.")
    supply: dict[tuple[str, str], int] = defaultdict(int)
    for categories, districts in db.session.execute(
        select(JobSeekerProfile.categories, JobSeekerProfile.districts)
    ):
        for category in categories:
            for district in districts or ["—"]:
                supply[(category, district)] += 1
    demand = {
        (str(category), district): int(headcount)
        for category, district, headcount in db.session.execute(
            select(Job.category, Job.district, func.sum(Job.headcount))
            .where(Job.id.in_(open_job_ids()))
            .group_by(Job.category, Job.district)
        )
    }
    cells = sorted(set(supply) | set(demand))
    invitations = dict(
        db.session.execute(
            select(Invitation.status, func.count()).group_by(Invitation.status)
        ).all()
    )
    notifications = defaultdict(dict)
    for channel, status, count, opened in db.session.execute(
        select(
            Notification.channel,
            Notification.status,
            func.count(),
            func.count(Notification.opened_at),
        ).group_by(Notification.channel, Notification.status)
    ):
        notifications[channel.value][status.value] = count
        notifications[channel.value]["opened"] = (
            notifications[channel.value].get("opened", 0) + opened
        )
    # A sign-up for a job after the person opened a notification about it.
    followed = db.session.scalar(
        select(func.count(func.distinct(SignUp.id))).join(
            Notification,
            and_(
                Notification.seeker_id == SignUp.seeker_id,
                Notification.job_id == SignUp.job_id,
                Notification.opened_at.is_not(None),
                Notification.opened_at <= SignUp.created_at,
            ),
        )
    )
    return {
        "profiles": db.session.scalar(select(func.count()).select_from(JobSeekerProfile)),
        "discoverable": db.session.scalar(
            select(func.count()).select_from(JobSeekerProfile).where(JobSeekerProfile.discoverable)
        ),
        "supply_demand": [
            {
                "category": category,
                "district": district,
                "profiles": supply.get((category, district), 0),
                "open_positions": demand.get((category, district), 0),
            }
            for category, district in cells
        ],
        "invitations": {
            "sent": sum(invitations.values()),
            **{status.value: n for status, n in invitations.items()},
        },
        "notifications": dict(notifications),
        "signups_from_notifications": followed,
    }
