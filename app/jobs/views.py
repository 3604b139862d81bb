"""The host's job list and job editor (organisers see and edit every employer's jobs)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from app.accounts.doors import current_actor
from app.announce import commit
from app.errors import DomainError, Forbidden
from app.extensions import db
from app.fairs.models import Room
from app.jobs import services
from app.jobs.models import Benefit, Category, Job, PayUnit, WorkType
from app.jobs.schemas import JobFields, JobIn
from app.labels import label
from app.schemas import parse
from app.web import blank_to_none

bp = Blueprint("jobs", __name__)

JOB_TEXT_FIELDS = (
    "title",
    "category",
    "pay_min",
    "pay_max",
    "pay_unit",
    "district",
    "headcount",
    "work_type",
    "shift",
    "requirements",
    "contact",
)
OPTIONAL_TEXT = ("shift", "requirements", "contact")


def _editor_user():
    actor = current_actor()
    if not actor.is_staff:
        raise Forbidden("Only hosts and organisers manage jobs.")
    return actor


def _job_form(form, with_employer: bool) -> dict:
    data = blank_to_none(form, JOB_TEXT_FIELDS)
    for name in OPTIONAL_TEXT:
        data[name] = data.get(name) or ""
    data["benefits"] = form.getlist("benefits")
    if with_employer and form.get("employer_id"):
        data["employer_id"] = form.get("employer_id")
    return data


def _job_values(job: Job) -> dict:
    values = {name: getattr(job, name) for name in JOB_TEXT_FIELDS}
    for name in ("category", "pay_unit", "work_type"):
        values[name] = values[name].value
    values["pay_min"], values["pay_max"] = f"{job.pay_min:g}", f"{job.pay_max:g}"
    values["benefits"] = list(job.benefits)
    return values


def _options(enum) -> list[tuple[str, str]]:
    return [(member.value, label(member)) for member in enum]


def _editor(job: Job | None, values=None, errors=None, message=None, status=200):
    """The job editor page, with what was typed and what went wrong."""
    if values is None:
        values = _job_values(job) if job else {}
    elif hasattr(values, "getlist"):
        values = {**values.to_dict(), "benefits": values.getlist("benefits")}
    employers = []
    if current_actor().is_organiser:
        employers = [(e.id, e.name) for e in services.list_employers()]
    page = render_template(
        "jobs/edit.html",
        job=job,
        values=values,
        errors=errors or {},
        message=message,
        category_options=_options(Category),
        pay_unit_options=_options(PayUnit),
        work_type_options=_options(WorkType),
        benefit_options=_options(Benefit),
        employers=employers,
    )
    return page, status


@bp.route("/host/jobs")
@login_required
def index():
    """The jobs this user may edit."""
    user = _editor_user()
    query = services.visible_jobs(user)
    if user.is_host:
        query = query.where(Job.employer_id == user.employer_id)
    rooms = []
    if user.is_host:
        rooms = db.session.scalars(
            select(Room).where(Room.host_id == user.id).order_by(Room.starts_at)
        ).all()
    return render_template(
        "jobs/index.html", jobs=db.session.scalars(query).unique().all(), rooms=rooms
    )


@bp.route("/host/jobs/new", methods=["GET", "POST"])
@login_required
def new():
    """Add a job."""
    user = _editor_user()
    if request.method == "GET":
        return _editor(None)
    try:
        services.create_job(user, parse(JobIn, _job_form(request.form, user.is_organiser)))
    except DomainError as exc:
        db.session.rollback()
        return _editor(None, request.form, exc.shown_fields(), exc.text, exc.status)
    commit()
    return redirect(url_for("jobs.index"))


@bp.route("/host/jobs/<id:job_id>", methods=["GET", "POST"])
@login_required
def edit(job_id: str):
    """Change a job of this user's employer."""
    user = _editor_user()
    job = services.get_job(user, job_id)
    if not services.can_edit_job(user, job):
        raise Forbidden("This job belongs to another employer.")
    if request.method == "GET":
        return _editor(job)
    try:
        services.update_job(user, job, parse(JobFields, _job_form(request.form, False)))
    except DomainError as exc:
        db.session.rollback()
        return _editor(
            services.get_job(user, job_id), request.form, exc.shown_fields(), exc.text, exc.status
        )
    commit()
    return redirect(url_for("jobs.index"))
