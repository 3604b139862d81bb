"""Pages: 求职登记 (the seeker's registration), 为你推荐, invitations, and 岗位找人 for hosts."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.accounts.doors import current_actor
from app.accounts.schemas import Identity
from app.announce import commit
from app.errors import DomainError, Forbidden, ValidationError
from app.jobs.models import Category, PayUnit, WorkType
from app.live import operations as live
from app.live.models import SignUpSource
from app.matching import services
from app.matching.reasons import reasons_text
from app.matching.report import market_report
from app.matching.schemas import ProfileIn
from app.matching.vocabulary import (
    CERTIFICATES,
    TOWNS,
    category_label,
    discrimination_flags,
)
from app.schemas import parse

bp = Blueprint("matching", __name__)

LISTS = ("categories", "districts", "work_types", "shifts", "days", "certificates")


def _words(text: str) -> list[str]:
    """A typed list: words separated by commas, spaces or 、."""
    for mark in "，,、；;":
        text = text.replace(mark, " ")
    return [w for w in text.split() if w]


def profile_from_form(form) -> dict:
    """The registration form as the API's profile (what the schema then checks)."""
    data: dict = {name: form.getlist(name) for name in LISTS}
    data["certificates"] += _words(form.get("other_certificates", ""))
    data["skills"] = _words(form.get("skills", ""))
    data["name"] = form.get("name") or None
    pay = form.get("pay_min", "").strip()
    try:
        data["pay_min"] = float(pay) if pay else None
    except ValueError:
        data["pay_min"] = pay  # refused by the schema with its message
    data["pay_unit"] = form.get("pay_unit") or None if pay else None
    data["daily_pay"] = form.get("daily_pay") == "on"
    data["available_from"] = form.get("available_from") or None
    data["intro"] = form.get("intro", "")
    data["discoverable"] = form.get("discoverable") == "on"
    data["notify"] = {c: form.get(f"notify_{c}") == "on" for c in ("in_app", "web_push", "sms")}
    start, end = form.get("quiet_start", ""), form.get("quiet_end", "")
    data["quiet_hours"] = {"start": start, "end": end} if start and end else None
    return data


@bp.app_template_global("requirement_flags")
def requirement_flags(title: str, requirements: str) -> list[str]:
    """The forbidden grounds a job's wording states conditions on (shown to staff)."""
    return discrimination_flags(title, requirements)


@bp.app_context_processor
def _flag_labels() -> dict:
    return {
        "flag_labels": {
            "age": _("age"),
            "sex": _("sex"),
            "ethnicity": _("ethnicity"),
            "home_region": _("home region"),
        }
    }


def _choices() -> dict:
    return {
        "categories": [(c.value, category_label(c.value)) for c in Category],
        "towns": TOWNS,
        "pay_units": [
            (PayUnit.HOUR.value, _("per hour")),
            (PayUnit.DAY.value, _("per day")),
            (PayUnit.MONTH.value, _("per month")),
            (PayUnit.PIECE.value, _("per piece")),
        ],
        "work_types": [
            (WorkType.GIG.value, _("Gig (零工)")),
            (WorkType.PART_TIME.value, _("Part-time")),
            (WorkType.FULL_TIME.value, _("Full-time")),
        ],
        "certificates": list(CERTIFICATES),
    }


@bp.route("/my/profile", methods=["GET", "POST"])
@login_required
def profile():
    """求职登记: the work the seeker wants, and how they want to hear of it."""
    actor = current_actor()
    current = services.profile_of(actor.seeker_id) if actor.seeker_id else None
    errors: dict = {}
    saved = request.args.get("saved") == "1"
    values = None
    if request.method == "POST":
        values = profile_from_form(request.form)
        try:
            services.save_profile(actor, parse(ProfileIn, values))
            commit()
            return redirect(url_for("matching.profile", saved=1))
        except ValidationError as exc:
            errors = exc.fields or {"form": exc.message}
    if values is None:
        values = _values_of(current) if current else {"notify": {"in_app": True, "web_push": True}}
        values.setdefault("quiet_hours", {"start": "21:00", "end": "08:00"})
    return render_template(
        "matching/profile.html", values=values, errors=errors, saved=saved, **_choices()
    )


def _values_of(profile) -> dict:
    quiet = (
        {"start": profile.quiet_start, "end": profile.quiet_end} if profile.quiet_start else None
    )
    return {
        "name": profile.seeker.name,
        "categories": profile.categories,
        "districts": profile.districts,
        "pay_min": profile.pay_min,
        "pay_unit": profile.pay_unit.value if profile.pay_unit else None,
        "work_types": profile.work_types,
        "shifts": profile.shifts,
        "days": profile.days,
        "daily_pay": profile.daily_pay,
        "available_from": profile.available_from.isoformat() if profile.available_from else "",
        "skills": profile.skills,
        "certificates": profile.certificates,
        "intro": profile.intro,
        "discoverable": profile.discoverable,
        "notify": {
            "in_app": profile.notify_in_app,
            "web_push": profile.notify_web_push,
            "sms": profile.notify_sms,
        },
        "quiet_hours": quiet,
    }


@bp.route("/hall/register", methods=["GET", "POST"])
@login_required
def hall_register():
    """求职登记 at the service hall: staff register a person by name and mobile."""
    actor = current_actor()
    if not actor.is_organiser:
        raise Forbidden("Only service staff register people on their behalf.")
    errors: dict = {}
    values: dict = {"notify": {"in_app": True, "web_push": True}, "quiet_hours": None}
    saved = request.args.get("saved")
    if request.method == "POST":
        values = profile_from_form(request.form)
        person = {
            "name": request.form.get("person_name", ""),
            "mobile": request.form.get("mobile", ""),
        }
        values.update(person_name=person["name"], mobile=person["mobile"])
        try:
            identity = parse(Identity, person)
            profile_data = parse(
                ProfileIn, {k: v for k, v in values.items() if k not in ("person_name", "mobile")}
            )
            profile = services.register_on_behalf(actor, identity, profile_data)
            commit()
            return redirect(url_for("matching.hall_register", saved=profile.seeker.name))
        except ValidationError as exc:
            errors = exc.fields or {"form": exc.message}
    return render_template(
        "matching/profile.html", values=values, errors=errors, saved=saved, staff=True, **_choices()
    )


@bp.route("/organiser/matching")
@login_required
def market():
    """For organisers: registered people against open positions, and what matching did."""
    report = market_report(current_actor())
    return render_template("matching/market.html", report=report, label=category_label)


@bp.route("/my/recommendations")
@login_required
def recommendations():
    """为你推荐: matching jobs with reasons, the fairs and sessions that carry them."""
    actor = current_actor()
    if not actor.seeker_id or services.profile_of(actor.seeker_id) is None:
        return redirect(url_for("matching.profile"))
    found = services.my_matches(actor, 50)
    fairs = services.fairs_offering([job.id for job, _m in found])
    return render_template(
        "matching/recommendations.html",
        matches=[
            (job, m.score, reasons_text(m.reasons), fairs.get(job.id, [])) for job, m in found
        ],
        signed=request.args.get("signed"),
        error=request.args.get("error"),
    )


@bp.route("/my/recommendations/signup", methods=["POST"])
@login_required
def sign_up():
    """One tap: sign up for a recommended job at a fair that offers it."""
    actor = current_actor()
    job_id, fair_id = request.form.get("job_id", ""), request.form.get("fair_id", "")
    try:
        live.sign_up(actor, job_id, SignUpSource.PAGE, fair_id=fair_id)
    except DomainError as exc:
        return redirect(url_for("matching.recommendations", error=exc.message))
    return redirect(url_for("matching.recommendations", signed=job_id))


@bp.route("/my/invites")
@login_required
def invites():
    """The invitations the seeker received, to accept or decline."""
    return render_template("matching/invites.html", invites=services.my_invites(current_actor()))


@bp.route("/my/invites/<id:invite_id>/accept", methods=["POST"], defaults={"answer": "accept"})
@bp.route("/my/invites/<id:invite_id>/decline", methods=["POST"], defaults={"answer": "decline"})
@login_required
def answer(invite_id: str, answer: str):
    """Accept (sharing name and number with the employer) or decline an invitation."""
    services.answer_invite(current_actor(), invite_id, answer == "accept")
    commit()
    return redirect(url_for("matching.invites"))


@bp.route("/jobs/<id:job_id>/people")
@login_required
def people(job_id: str):
    """岗位找人: masked people who fit the job, with reasons, to invite."""
    actor = current_actor()
    job, found = services.job_matches(actor, job_id, 50)
    sent = {i.profile_id: i for i in services.job_invites(actor, job.id)}
    rows = [
        (p, services.masked_name(p.seeker.name), m.score, reasons_text(m.reasons), sent.get(p.id))
        for p, m in found
    ]
    return render_template(
        "matching/people.html",
        job=job,
        rows=rows,
        invites=list(sent.values()),
        contact=services.contact_shared,
        masked=services.masked_name,
        fairs=[f for f in services.fairs_offering([job.id]).get(job.id, [])],
        error=request.args.get("error"),
    )


@bp.route("/jobs/<id:job_id>/people/invite", methods=["POST"])
@login_required
def invite(job_id: str):
    """Send an invitation from the 岗位找人 page."""
    target = request.form.get("target", "")
    room_id = target.removeprefix("room:") if target.startswith("room:") else None
    fair_id = target.removeprefix("fair:") if target.startswith("fair:") else None
    try:
        services.invite(
            current_actor(),
            job_id,
            request.form.get("profile_id", ""),
            room_id,
            fair_id,
            request.form.get("message", "")[:300],
        )
        commit()
    except DomainError as exc:
        return redirect(url_for("matching.people", job_id=job_id, error=exc.message))
    return redirect(url_for("matching.people", job_id=job_id))
