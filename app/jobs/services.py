"""Employers and jobs: who may create, see and change them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Query

from app.accounts.actor import Actor
from app.accounts.models import Employer
from app.errors import Conflict, Forbidden, NotFound, ValidationError
from app.extensions import db
from app.jobs.models import Job
from app.jobs.schemas import EmployerIn, JobFields, JobIn
from app.schemas import changes


def create_employer(actor: Actor, data: EmployerIn) -> Employer:
    """Register an employer (organisers), or complete one known only by name."""
    if not actor.is_organiser:
        raise Forbidden("Only organisers register employers.")
    by_code = db.session.scalar(select(Employer).where(Employer.credit_code == data.credit_code))
    if by_code is not None:
        raise Conflict("An employer with that credit code exists.", {"credit_code": "exists"})
    employer = db.session.scalar(select(Employer).where(Employer.name == data.name))
    if employer is not None and employer.credit_code:
        raise Conflict("An employer with that name exists.", {"name": "exists"})
    if employer is None:
        employer = Employer(name=data.name)
        db.session.add(employer)
    employer.credit_code = data.credit_code
    db.session.flush()
    return employer


def list_employers() -> list[Employer]:
    """Every employer, by name (employer names and credit codes are public records)."""
    return list(db.session.scalars(select(Employer).order_by(Employer.name)))


def get_employer(employer_id: str) -> Employer:
    """The employer with this id, or NotFound."""
    employer = db.session.get(Employer, employer_id)
    if employer is None:
        raise NotFound("No such employer.")
    return employer


def _check_pay(job: Job) -> None:
    if job.pay_min > job.pay_max:
        raise ValidationError(
            "The lowest pay is above the highest.", {"pay_min": "must not exceed pay_max"}
        )


def can_edit_job(actor: Actor, job: Job) -> bool:
    """Organisers edit every job; hosts only their own employer's."""
    return actor.is_organiser or (actor.is_host and actor.employer_id == job.employer_id)


def create_job(actor: Actor, data: JobIn) -> Job:
    """Add a job to the actor's employer (hosts) or to any employer (organisers)."""
    values = data.model_dump()
    employer_id = values.pop("employer_id")
    if actor.is_host:
        if employer_id not in (None, actor.employer_id):
            raise Forbidden(
                "Hosts add jobs to their own employer only.", {"employer_id": "not yours"}
            )
        employer_id = actor.employer_id
    elif actor.is_organiser:
        if employer_id is None:
            raise ValidationError("Say which employer offers the job.", {"employer_id": "required"})
    else:
        raise Forbidden("Only hosts and organisers add jobs.")
    if db.session.get(Employer, employer_id) is None:
        raise ValidationError("No such employer.", {"employer_id": "unknown"})
    job = Job(employer_id=employer_id, **values)
    _check_pay(job)
    db.session.add(job)
    db.session.flush()
    return job


def update_job(actor: Actor, job: Job, data: JobFields) -> Job:
    """Change a job's fields; what viewers were already shown is kept in card snapshots."""
    if not can_edit_job(actor, job):
        raise Forbidden("This job belongs to another employer.")
    for name, value in changes(data).items():
        setattr(job, name, value)
    _check_pay(job)
    db.session.flush()
    return job


def visible_jobs(actor: Actor) -> Query:
    """The jobs actor may list: all for organisers, their employer's for hosts, else public."""
    from app.fairs.models import PUBLIC_STATUSES, Fair, fair_jobs

    query = select(Job).order_by(Job.updated_at.desc(), Job.id)
    if actor.is_organiser:
        return query
    public = (
        select(fair_jobs.c.job_id)
        .join(Fair, Fair.id == fair_jobs.c.fair_id)
        .where(Fair.status.in_(PUBLIC_STATUSES))
    )
    if actor.is_host:
        return query.where((Job.employer_id == actor.employer_id) | Job.id.in_(public))
    return query.where(Job.id.in_(public))


def get_job(actor: Actor, job_id: str) -> Job:
    """The job with this id if actor may see it, else NotFound."""
    job = db.session.scalar(visible_jobs(actor).where(Job.id == job_id))
    if job is None:
        raise NotFound("No such job.")
    return job
