"""Job-seeker registration, matching both ways, and invitations (岗位找人)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, or_, select

from app.accounts.actor import Actor
from app.accounts.models import Seeker
from app.accounts.schemas import Identity
from app.accounts.services import identify_seeker
from app.announce import later
from app.config import DEFAULT_TIMEZONE
from app.db import utcnow
from app.errors import Conflict, Forbidden, NotFound, RateLimited, ValidationError
from app.extensions import db
from app.fairs.models import OPEN_FAIR_STATUSES, Fair, Room, fair_jobs
from app.jobs.models import Job
from app.jobs.services import can_edit_job
from app.matching import announcements
from app.matching.models import (
    CONSENT_TEXT,
    Invitation,
    InviteKind,
    InviteStatus,
    JobIndex,
    JobSeekerProfile,
    ProfileCategory,
)
from app.matching.schemas import ProfileIn
from app.matching.scoring import (
    MIN_SCORE,
    SHIFT_BITS,
    WORK_TYPE_BITS,
    JobFacts,
    Match,
    ProfileFacts,
    bits,
    facts_from_index,
    hourly,
    index_values,
    job_facts,
    pack,
    score,
    sql_score,
    sql_score_jobs,
)
from app.matching.vocabulary import certificate_stem, job_terms, tokens

# How many people one job may invite in a day (so discoverable people are not flooded).
INVITES_PER_JOB_PER_DAY = 20
MAX_RESULTS = 200


# Registration -------------------------------------------------------------------------------


def _require_seeker(actor: Actor) -> Seeker:
    actor.require_full_access()
    if actor.seeker_id is None:
        raise Forbidden("Only job seekers register the work they want.")
    seeker = db.session.get(Seeker, actor.seeker_id)
    if seeker is None or seeker.deleted_at is not None:
        raise Forbidden("Only job seekers register the work they want.")
    return seeker


def profile_of(seeker_id: str) -> JobSeekerProfile | None:
    return db.session.scalar(
        select(JobSeekerProfile).where(JobSeekerProfile.seeker_id == seeker_id)
    )


def my_profile(actor: Actor) -> JobSeekerProfile:
    """The caller's registration, or NotFound when they have not registered yet."""
    profile = profile_of(_require_seeker(actor).id)
    if profile is None:
        raise NotFound("You have not registered the work you want yet.")
    return profile


def save_profile(actor: Actor, data: ProfileIn, seeker_id: str | None = None) -> JobSeekerProfile:
    """Register (or change) the work a person wants: themself, or staff for them at the hall."""
    if seeker_id is None:
        seeker = _require_seeker(actor)
    else:
        actor.require_full_access()
        if not actor.is_organiser:
            raise Forbidden("Only service staff register people on their behalf.")
        seeker = db.session.get(Seeker, seeker_id)
        if seeker is None or seeker.deleted_at is not None:
            raise NotFound("No such person.")
    profile = profile_of(seeker.id)
    if profile is None:
        profile = JobSeekerProfile(seeker_id=seeker.id)
        if seeker_id is not None:
            profile.registered_by_id = actor.user_id
        db.session.add(profile)
    values = data.model_dump(exclude={"name", "notify", "quiet_hours"})
    for name, value in values.items():
        setattr(profile, name, value)
    if data.name is not None:
        seeker.name = data.name
    profile.notify_in_app = data.notify.in_app
    profile.notify_web_push = data.notify.web_push
    profile.notify_sms = data.notify.sms
    quiet = data.quiet_hours
    profile.quiet_start, profile.quiet_end = (quiet.start, quiet.end) if quiet else (None, None)
    profile.terms = tokens(" ".join([*data.skills, *data.certificates, data.intro]))
    profile.updated_at = utcnow()
    db.session.flush()
    _index(profile)
    return profile


def register_on_behalf(actor: Actor, identity: Identity, data: ProfileIn) -> JobSeekerProfile:
    """Staff at the service hall register a person by name and mobile (found if known, else
    recorded as staff-registered until they prove the number themself) with the work they want."""
    actor.require_full_access()
    if not actor.is_organiser:
        raise Forbidden("Only service staff register people on their behalf.")
    seeker = identify_seeker(identity, registered_by_id=actor.user_id)
    return save_profile(actor, data, seeker_id=seeker.id)


def _skill_terms(profile: JobSeekerProfile) -> list[str]:
    stems = {certificate_stem(c) for c in profile.certificates}
    return [t for t in [*profile.skills, *profile.terms] if t not in stems]


def _index(profile: JobSeekerProfile) -> None:
    """Rewrite the profile's rows in the trade index (one per wanted trade)."""
    db.session.execute(delete(ProfileCategory).where(ProfileCategory.profile_id == profile.id))
    unit = profile.pay_unit
    for category in profile.categories:
        db.session.add(
            ProfileCategory(
                category=category,
                profile_id=profile.id,
                districts=pack(profile.districts),
                pay_hourly=hourly(profile.pay_min, unit),
                pay_piece=profile.pay_min if unit == "piece" else None,
                work_types=bits(profile.work_types, WORK_TYPE_BITS),
                shifts=bits(profile.shifts, SHIFT_BITS),
                daily_pay=profile.daily_pay,
                certificate_stems=pack(sorted({certificate_stem(c) for c in profile.certificates})),
                skill_terms=pack(_skill_terms(profile)),
                discoverable=profile.discoverable,
                live_alerts=profile.notify_in_app or profile.notify_web_push or profile.notify_sms,
            )
        )
    db.session.flush()


def profile_facts(profile: JobSeekerProfile) -> ProfileFacts:
    return ProfileFacts(
        categories=tuple(profile.categories),
        districts=tuple(profile.districts),
        pay_min=profile.pay_min,
        pay_unit=str(profile.pay_unit) if profile.pay_unit else None,
        work_types=tuple(profile.work_types),
        shifts=tuple(profile.shifts),
        daily_pay=profile.daily_pay,
        certificate_stems=tuple(sorted({certificate_stem(c) for c in profile.certificates})),
        skill_terms=tuple(_skill_terms(profile)),
    )


def facts_of_job(job: Job) -> JobFacts:
    return job_facts(job, job_terms(job.title, job.requirements or ""))


# Seeker → jobs ------------------------------------------------------------------------------


def open_job_ids():
    """The jobs people can still sign up for: offered at a published or live fair not over."""
    return (
        select(fair_jobs.c.job_id)
        .join(Fair, Fair.id == fair_jobs.c.fair_id)
        .where(Fair.status.in_(OPEN_FAIR_STATUSES), Fair.ends_at > utcnow())
    )


@dataclass
class JobMatch:
    job_id: str
    match: Match


def index_job(connection, job: Job) -> None:
    """Write the job's row in the jobs' index (on every save of a job)."""
    connection.execute(delete(JobIndex).where(JobIndex.job_id == job.id))
    connection.execute(
        insert(JobIndex).values(**index_values(job, job_terms(job.title, job.requirements or "")))
    )


def reindex_jobs() -> int:
    """Index the jobs saved without it (written directly to the table, or before matching
    existed) or changed since; returns how many."""
    stale = db.session.scalars(
        select(Job)
        .outerjoin(JobIndex, JobIndex.job_id == Job.id)
        .where(or_(JobIndex.job_id.is_(None), JobIndex.job_updated_at != Job.updated_at))
    ).all()
    connection = db.session.connection()
    for job in stale:
        index_job(connection, job)
    db.session.flush()
    return len(stale)


_indexed_engines: set = set()


def _ensure_indexed() -> None:
    """Once per process and database: catch up on jobs saved without the index (after that
    every save of a job keeps it)."""
    key = db.engine.url.render_as_string()
    if key not in _indexed_engines:
        if reindex_jobs():
            db.session.commit()
        _indexed_engines.add(key)


def rank_jobs(profile: JobSeekerProfile, limit: int = MAX_RESULTS) -> list[JobMatch]:
    """Open jobs in the person's trades, best first (ties: newest first, then id), ranked
    inside the database; reasons are worked out for the jobs returned only."""
    _ensure_indexed()
    facts = profile_facts(profile)
    points = sql_score_jobs(facts, JobIndex).label("score")
    rows = db.session.execute(
        select(JobIndex, points)
        .where(JobIndex.category.in_(facts.categories), JobIndex.job_id.in_(open_job_ids()))
        .where(points >= MIN_SCORE)
        .order_by(points.desc(), JobIndex.job_updated_at.desc(), JobIndex.job_id)
        .limit(limit)
    ).all()
    pay = {
        job_id: (pay_max, str(unit))
        for job_id, pay_max, unit in db.session.execute(
            select(Job.id, Job.pay_max, Job.pay_unit).where(
                Job.id.in_([row.job_id for row, _p in rows])
            )
        )
    }
    return [
        JobMatch(row.job_id, score(facts_from_index(row, *pay[row.job_id]), facts))
        for row, _points in rows
    ]


def my_matches(actor: Actor, limit: int = MAX_RESULTS) -> list[tuple[Job, Match]]:
    """为你推荐: the open jobs that fit the caller's registration, with reasons."""
    ranked = rank_jobs(my_profile(actor), limit)
    jobs = {
        j.id: j
        for j in db.session.scalars(select(Job).where(Job.id.in_([r.job_id for r in ranked])))
    }
    return [(jobs[r.job_id], r.match) for r in ranked]


def fairs_offering(job_ids: list[str]) -> dict[str, list[Fair]]:
    """For each job, the open fairs (with their sessions) that carry it, soonest first."""
    rows = db.session.execute(
        select(fair_jobs.c.job_id, Fair)
        .join(Fair, Fair.id == fair_jobs.c.fair_id)
        .where(
            fair_jobs.c.job_id.in_(job_ids),
            Fair.status.in_(OPEN_FAIR_STATUSES),
            Fair.ends_at > utcnow(),
        )
        .order_by(Fair.starts_at, Fair.id)
    ).all()
    found: dict[str, list[Fair]] = {}
    for job_id, fair in rows:
        found.setdefault(job_id, []).append(fair)
    return found


# Job → seekers ------------------------------------------------------------------------------


@dataclass
class SeekerMatch:
    profile_id: str
    seeker_id: str
    score: int


def rank_seekers(
    job: Job,
    *,
    discoverable: bool | None = True,
    live_alerts: bool | None = None,
    limit: int | None = MAX_RESULTS,
) -> list[SeekerMatch]:
    """The people whose registration fits the job, best first, ranked inside the database."""
    facts = facts_of_job(job)
    index = ProfileCategory
    points = sql_score(facts, index).label("score")
    # Ranked on the index alone (no join per candidate); whose each profile is comes after.
    query = select(index.profile_id, points).where(index.category == facts.category)
    if discoverable is not None:
        query = query.where(index.discoverable.is_(discoverable))
    if live_alerts is not None:
        query = query.where(index.live_alerts.is_(live_alerts))
    query = query.where(points >= MIN_SCORE).order_by(points.desc(), index.profile_id)
    if limit is not None:
        query = query.limit(limit)
    ranked = db.session.execute(query).all()
    owners: dict[str, str] = {}
    ids = [profile_id for profile_id, _n in ranked]
    for start in range(0, len(ids), 500):
        owners.update(
            db.session.execute(
                select(JobSeekerProfile.id, JobSeekerProfile.seeker_id).where(
                    JobSeekerProfile.id.in_(ids[start : start + 500])
                )
            ).all()
        )
    return [SeekerMatch(p, owners[p], int(n)) for p, n in ranked]


def require_job_recruiter(actor: Actor, job_id: str) -> Job:
    """A job whose people the actor may look for: its employer's hosts, organisers."""
    actor.require_full_access()
    job = db.session.get(Job, job_id)
    if job is None or not (actor.is_staff and can_edit_job(actor, job)):
        raise NotFound("No such job.")
    return job


def job_matches(
    actor: Actor, job_id: str, limit: int = MAX_RESULTS
) -> tuple[Job, list[tuple[JobSeekerProfile, Match]]]:
    """岗位找人: discoverable people for the job with their reasons (profiles, to be masked)."""
    job = require_job_recruiter(actor, job_id)
    ranked = rank_seekers(job, limit=limit)
    profiles = {
        p.id: p
        for p in db.session.scalars(
            select(JobSeekerProfile).where(JobSeekerProfile.id.in_([r.profile_id for r in ranked]))
        )
    }
    facts = facts_of_job(job)
    return job, [
        (profiles[r.profile_id], score(facts, profile_facts(profiles[r.profile_id])))
        for r in ranked
    ]


def masked_name(name: str) -> str:
    """A name as employers see it before consent: the family name only (张**)."""
    return (name[:1] + "**") if name else "**"


# Invitations --------------------------------------------------------------------------------


def _day_start(moment: datetime) -> datetime:
    local = moment.astimezone(ZoneInfo(DEFAULT_TIMEZONE))
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def invite(
    actor: Actor,
    job_id: str,
    profile_id: str,
    room_id: str | None,
    fair_id: str | None,
    message: str,
) -> Invitation:
    """Invite a discoverable person to a live session, a fair, or to be contacted."""
    job = require_job_recruiter(actor, job_id)
    profile = db.session.get(JobSeekerProfile, profile_id)
    if profile is None or not profile.discoverable:
        raise NotFound("No such person among those who may be found.", {"profile_id": "unknown"})
    if room_id is not None and fair_id is not None:
        raise ValidationError(
            "Invite to a session or to a fair, not both.", {"fair_id": "give room_id or fair_id"}
        )
    kind, url = InviteKind.CONTACT, "/my/invites"
    if room_id is not None:
        room = db.session.get(Room, room_id)
        if room is None or job not in room.fair.jobs or room.fair.is_over:
            raise ValidationError(
                "No such session presenting this job.", {"room_id": "not a session with this job"}
            )
        kind, url = InviteKind.ROOM, f"/rooms/{room.id}"
    elif fair_id is not None:
        fair = db.session.get(Fair, fair_id)
        if fair is None or job not in fair.jobs or not fair.is_open:
            raise ValidationError(
                "No such open fair offering this job.", {"fair_id": "not a fair with this job"}
            )
        kind, url = InviteKind.FAIR, f"/fairs/{fair.id}"
    existing = db.session.scalar(
        select(Invitation).where(Invitation.job_id == job.id, Invitation.profile_id == profile.id)
    )
    if existing is not None:
        raise Conflict(
            "This person was already invited for this job.", {"profile_id": "already invited"}
        )
    today = db.session.scalar(
        select(func.count())
        .select_from(Invitation)
        .where(Invitation.job_id == job.id, Invitation.created_at >= _day_start(utcnow()))
    )
    if today >= INVITES_PER_JOB_PER_DAY:
        raise RateLimited(
            f"At most {INVITES_PER_JOB_PER_DAY} invitations per job a day; try again tomorrow.",
            {"job_id": "daily limit reached"},
        )
    invitation = Invitation(
        job_id=job.id,
        profile_id=profile.id,
        invited_by_id=actor.user_id,
        kind=kind,
        room_id=room_id,
        fair_id=fair_id,
        message=message,
    )
    db.session.add(invitation)
    db.session.flush()
    later(
        announcements.invited,
        invitation_id=invitation.id,
        seeker_id=profile.seeker_id,
        job_id=job.id,
        job_title=job.title,
        employer_name=job.employer_name,
        url=url,
    )
    return invitation


def my_invites(actor: Actor) -> list[Invitation]:
    """The invitations the caller received, newest first."""
    profile = profile_of(_require_seeker(actor).id)
    if profile is None:
        return []
    return list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.profile_id == profile.id)
            .order_by(Invitation.created_at.desc(), Invitation.id)
        )
    )


def job_invites(actor: Actor, job_id: str) -> list[Invitation]:
    """The invitations sent for a job (its employer's hosts, organisers), newest first."""
    job = require_job_recruiter(actor, job_id)
    return list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.job_id == job.id)
            .order_by(Invitation.created_at.desc(), Invitation.id)
        )
    )


def answer_invite(actor: Actor, invitation_id: str, accept: bool) -> Invitation:
    """The invited person accepts (consenting to share name and number) or declines."""
    seeker = _require_seeker(actor)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.profile.seeker_id != seeker.id:
        raise NotFound("No such invitation.")
    target = InviteStatus.ACCEPTED if accept else InviteStatus.DECLINED
    if invitation.status == target:
        return invitation
    if invitation.status != InviteStatus.PENDING:
        raise Conflict(f"This invitation was already {invitation.status.value}.")
    invitation.status = target
    invitation.answered_at = utcnow()
    if accept:
        invitation.consent = CONSENT_TEXT
    db.session.flush()
    return invitation


def contact_shared(invitation: Invitation) -> dict | None:
    """Name and mobile of an invited person, only once they accepted."""
    if invitation.status != InviteStatus.ACCEPTED:
        return None
    seeker = invitation.profile.seeker
    return {"name": seeker.name, "mobile": seeker.mobile}
