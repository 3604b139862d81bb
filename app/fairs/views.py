"""Fair pages: the public list, calendar and fair page; the organiser's fair editor."""

from __future__ import annotations

import calendar as monthcal
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from app.accounts.doors import current_actor
from app.accounts.models import Role, User
from app.announce import commit
from app.config import DEFAULT_TIMEZONE
from app.errors import DomainError
from app.extensions import db
from app.fairs import services
from app.fairs.models import FAIR_TRANSITIONS, Fair, FairMode, FairStatus
from app.fairs.schemas import FairIn, FairPatch, RoomIn
from app.jobs.models import Job
from app.labels import label
from app.live import operations as live_operations
from app.schemas import parse
from app.web import blank_to_none, local_input, to_input

bp = Blueprint("fairs", __name__)

FAIR_TEXT_FIELDS = ("title", "description", "mode", "timezone", "venue", "capacity")
ROOM_TEXT_FIELDS = ("title", "host_username")


def _organiser():
    return services.require_organiser(current_actor())


@bp.route("/")
def index():
    """Upcoming and current fairs, soonest first."""
    now = datetime.now(ZoneInfo("UTC"))
    fairs = services.list_fairs(current_actor(), start=now - timedelta(days=1))
    return render_template("fairs/index.html", fairs=fairs)


def _month_arg() -> date:
    raw = request.args.get("month", "")
    try:
        year, month = (int(p) for p in raw.split("-"))
        return date(year, month, 1)
    except ValueError:
        today = datetime.now(ZoneInfo(DEFAULT_TIMEZONE)).date()
        return today.replace(day=1)


@bp.route("/calendar")
def calendar():
    """A month of fairs, as a calendar grid."""
    first = _month_arg()
    zone = ZoneInfo(DEFAULT_TIMEZONE)
    weeks = monthcal.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start = datetime.combine(weeks[0][0], datetime.min.time(), zone)
    end = datetime.combine(weeks[-1][-1] + timedelta(days=1), datetime.min.time(), zone)
    by_day: dict[date, list[Fair]] = {}
    for fair in services.list_fairs(current_actor(), start, end):
        day = fair.local(fair.starts_at).date()
        last = fair.local(fair.ends_at).date()
        while day <= last:
            by_day.setdefault(day, []).append(fair)
            day += timedelta(days=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return render_template(
        "fairs/calendar.html",
        first=first,
        weeks=weeks,
        by_day=by_day,
        previous=previous,
        following=following,
    )


@bp.route("/fairs/<id:fair_id>")
def show(fair_id: str):
    """The public fair page: when and where, its live sessions, jobs and employers."""
    actor = current_actor()
    fair = services.get_fair(actor, fair_id)
    signups_open = fair.is_open and not actor.is_staff
    counts = live_operations.sign_up_counts(actor, fair.id)
    return render_template("fairs/show.html", fair=fair, signups_open=signups_open, counts=counts)


@bp.route("/organiser/fairs")
@login_required
def manage():
    """Every fair, drafts included, for organisers."""
    _organiser()
    query = services.visible_fairs(current_actor()).order_by(None).order_by(Fair.starts_at.desc())
    fairs = list(db.session.scalars(query))
    return render_template("fairs/manage.html", fairs=fairs)


def _in_order(targets) -> list[FairStatus]:
    """The moves a fair can make, the way forward first and cancelling last (never the first
    button under a thumb)."""
    order = list(FairStatus)
    return sorted(targets, key=lambda t: (t == FairStatus.CANCELLED, order.index(t)))


def _fair_form(form) -> dict:
    data = blank_to_none(form, FAIR_TEXT_FIELDS)
    zone = data.get("timezone") or DEFAULT_TIMEZONE
    try:
        ZoneInfo(zone)
    except (ValueError, KeyError):
        zone = DEFAULT_TIMEZONE
    for name in ("starts_at", "ends_at"):
        if name in form:
            data[name] = local_input(form.get(name), zone)
    data["anonymous_viewers"] = form.get("anonymous_viewers") == "on"
    data["allow_replay"] = form.get("allow_replay") == "on"
    data["description"] = data.get("description") or ""
    return data


def _fair_values(fair: Fair) -> dict:
    """A stored fair as the editor's field values (times in the fair's zone)."""
    values = {name: getattr(fair, name) for name in FAIR_TEXT_FIELDS}
    values["mode"] = fair.mode.value
    values["starts_at"] = to_input(fair.starts_at, fair.timezone)
    values["ends_at"] = to_input(fair.ends_at, fair.timezone)
    values["anonymous_viewers"] = fair.anonymous_viewers
    values["allow_replay"] = fair.allow_replay
    return values


NEW_FAIR_VALUES = {"timezone": DEFAULT_TIMEZONE, "anonymous_viewers": True, "allow_replay": True}


def _editor(
    fair: Fair | None,
    values=None,
    errors=None,
    message=None,
    status=200,
    room_values=None,
    room_errors=None,
):
    """The fair editor page, with what was typed and what went wrong."""
    if values is None:
        values = _fair_values(fair) if fair else NEW_FAIR_VALUES
    jobs, host_options = [], []
    if fair is not None:
        jobs = list(db.session.scalars(select(Job).order_by(Job.title)))
        hosts = db.session.scalars(
            select(User).where(User.role == Role.HOST, User.active).order_by(User.username)
        )
        host_options = [(h.username, f"{h.name} ({h.employer.name})") for h in hosts]
    page = render_template(
        "fairs/edit.html",
        fair=fair,
        values=values,
        errors=errors or {},
        message=message,
        mode_options=[(m.value, label(m)) for m in FairMode],
        jobs=jobs,
        host_options=host_options,
        transitions={status: _in_order(targets) for status, targets in FAIR_TRANSITIONS.items()},
        room_values=room_values or {},
        room_errors=room_errors or {},
    )
    return page, status


@bp.route("/organiser/fairs/new", methods=["GET", "POST"])
@login_required
def new():
    """Create a fair as a draft."""
    organiser = _organiser()
    if request.method == "GET":
        return _editor(None)
    values = _fair_form(request.form)
    try:
        fair = services.schedule_fair(organiser, parse(FairIn, values))
    except DomainError as exc:
        db.session.rollback()
        return _editor(None, request.form, exc.shown_fields(), exc.text, exc.status)
    commit()
    return redirect(url_for("fairs.edit", fair_id=fair.id))


@bp.route("/organiser/fairs/<id:fair_id>", methods=["GET", "POST"])
@login_required
def edit(fair_id: str):
    """The fair editor: details, status, attached jobs and live sessions."""
    organiser = _organiser()
    fair = services.get_fair(organiser, fair_id)
    if request.method == "GET":
        return _editor(fair)
    try:
        services.update_fair(organiser, fair, parse(FairPatch, _fair_form(request.form)))
    except DomainError as exc:
        db.session.rollback()
        fair = services.get_fair(organiser, fair_id)
        return _editor(fair, request.form, exc.shown_fields(), exc.text, exc.status)
    commit()
    return redirect(url_for("fairs.edit", fair_id=fair.id))


@bp.route("/organiser/fairs/<id:fair_id>/status", methods=["POST"])
@login_required
def change_status(fair_id: str):
    """Publish, start, end or cancel a fair."""
    organiser = _organiser()
    fair = services.get_fair(organiser, fair_id)
    try:
        target = FairStatus(request.form.get("status", ""))
    except ValueError:
        abort(400, "Unknown status.")
    try:
        services.update_fair(organiser, fair, FairPatch(status=target))
    except DomainError as exc:
        db.session.rollback()
        return _editor(services.get_fair(organiser, fair_id), message=exc.text, status=exc.status)
    commit()
    return redirect(url_for("fairs.edit", fair_id=fair.id))


@bp.route("/organiser/fairs/<id:fair_id>/jobs", methods=["POST"])
@login_required
def attach_job(fair_id: str):
    """Attach a job to the fair."""
    organiser = _organiser()
    fair = services.get_fair(organiser, fair_id)
    try:
        services.attach_job(organiser, fair, request.form.get("job_id", ""))
    except DomainError as exc:
        db.session.rollback()
        return _editor(services.get_fair(organiser, fair_id), message=exc.text, status=exc.status)
    commit()
    return redirect(url_for("fairs.edit", fair_id=fair.id) + "#jobs")


@bp.route("/organiser/fairs/<id:fair_id>/jobs/<id:job_id>/remove", methods=["POST"])
@login_required
def detach_job(fair_id: str, job_id: str):
    """Take a job out of the fair."""
    organiser = _organiser()
    fair = services.get_fair(organiser, fair_id)
    services.detach_job(organiser, fair, job_id)
    commit()
    return redirect(url_for("fairs.edit", fair_id=fair.id) + "#jobs")


@bp.route("/organiser/fairs/<id:fair_id>/rooms", methods=["POST"])
@login_required
def schedule_room(fair_id: str):
    """Add a live session to the fair."""
    organiser = _organiser()
    fair = services.get_fair(organiser, fair_id)
    values = blank_to_none(request.form, ROOM_TEXT_FIELDS)
    for name in ("starts_at", "ends_at"):
        values[name] = local_input(request.form.get(name), fair.timezone)
    try:
        services.schedule_room(organiser, fair, parse(RoomIn, values))
    except DomainError as exc:
        db.session.rollback()
        fair = services.get_fair(organiser, fair_id)
        return _editor(
            fair,
            message=exc.text,
            status=exc.status,
            room_values=request.form,
            room_errors=exc.shown_fields(),
        )
    commit()
    return redirect(url_for("fairs.edit", fair_id=fair.id) + "#rooms")
