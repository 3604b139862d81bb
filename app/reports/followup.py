"""Hosts' follow-up with the people who signed up (回访): who they are, where each call got to."""

from __future__ import annotations

from sqlalchemy import select, update

from app.accounts.actor import Actor
from app.db import utcnow
from app.errors import Forbidden, NotFound
from app.extensions import db
from app.fairs.models import Fair
from app.jobs.models import Job
from app.live.models import INTENT_STATUSES, FollowUpStatus, SignUp, SignUpCount
from app.reports.models import FollowUpNote


def can_follow_up(actor: Actor, job: Job) -> bool:
    """Contact details go to the job's employer's hosts and to organisers, nobody else."""
    return actor.is_organiser or (actor.is_host and actor.employer_id == job.employer_id)


def candidates(actor: Actor, fair: Fair, job: Job) -> list[SignUp]:
    """Everyone who signed up for the job at the fair, newest first (withdrawn ones included)."""
    if not can_follow_up(actor, job):
        raise Forbidden("Only the employer's hosts and organisers see who signed up.")
    if job not in fair.jobs:
        raise NotFound("That job is not part of this fair.")
    return list(
        db.session.scalars(
            select(SignUp)
            .where(SignUp.fair_id == fair.id, SignUp.job_id == job.id)
            .order_by(SignUp.created_at.desc())
        )
    )


def notes_of(signup: SignUp) -> list[FollowUpNote]:
    return list(
        db.session.scalars(
            select(FollowUpNote)
            .where(FollowUpNote.signup_id == signup.id)
            .order_by(FollowUpNote.created_at)
        )
    )


def get_signup(actor: Actor, signup_id: str) -> SignUp:
    """A sign-up actor may follow up, else NotFound (others cannot tell it exists)."""
    signup = db.session.get(SignUp, signup_id)
    if signup is None or not can_follow_up(actor, signup.job):
        raise NotFound("No such sign-up.")
    return signup


def record_followup(
    actor: Actor, signup: SignUp, status: FollowUpStatus, text: str = ""
) -> FollowUpNote:
    """Move a sign-up's follow-up on and keep a dated note; intents and hires follow."""
    if not can_follow_up(actor, signup.job):
        raise Forbidden("Only the employer's hosts and organisers follow up.")
    before, after = signup.followup_status, status
    intents = int(after in INTENT_STATUSES) - int(before in INTENT_STATUSES)
    hires = int(after == FollowUpStatus.HIRED) - int(before == FollowUpStatus.HIRED)
    if intents or hires:
        db.session.execute(
            update(SignUpCount)
            .where(SignUpCount.fair_id == signup.fair_id, SignUpCount.job_id == signup.job_id)
            .values(intents=SignUpCount.intents + intents, hires=SignUpCount.hires + hires)
        )
    signup.followup_status = after
    signup.followup_at = utcnow()
    note = FollowUpNote(signup_id=signup.id, author_id=actor.id, status=after.value, text=text)
    db.session.add(note)
    db.session.flush()
    return note
