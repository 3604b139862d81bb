"""On-site pages: registering and the ticket, the check-in desk, the booth, posters, booths."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from app.accounts.doors import current_actor
from app.accounts.models import Employer, Seeker
from app.announce import commit
from app.errors import DomainError, Forbidden, NotFound
from app.extensions import db
from app.fairs import services as fairs
from app.fairs.models import Fair
from app.fairs.services import require_organiser
from app.i18n import safe_next
from app.onsite import services
from app.onsite.held import held_tickets
from app.onsite.models import Registration, RegistrationStatus
from app.onsite.qr import qr_png, qr_svg
from app.onsite.schemas import BoothIn
from app.schemas import parse
from app.urls import absolute_url

bp = Blueprint("onsite", __name__)


def ticket_link(registration: Registration) -> str:
    """What the ticket's QR code carries: a short link that names the ticket code."""
    return absolute_url(url_for("onsite.ticket_code", code=registration.ticket_code))


@bp.app_template_global("fair_onsite")
def fair_onsite(fair: Fair) -> dict:
    """What the fair page shows of the venue: places, booths, the visitor's ticket, staff links."""
    actor = current_actor()
    return {
        "attendance": services.attendance(fair) if fair.has_venue else None,
        "booths": services.fair_booths(fair.id),
        "mine": services.registration_for(actor, fair, held_tickets()),
        "closed": services.registration_closed_reason(fair),
        "can_checkin": services.can_run_checkin(actor),
        "can_booth": fair.has_venue and services.can_take_booth_signups(actor, fair),
        "is_staff": actor.is_staff,
    }


# Registering and the ticket ---------------------------------------------------------------


def _signed_in_seeker() -> Seeker | None:
    actor = current_actor()
    if not actor.is_authenticated or actor.seeker_id is None:
        return None
    return db.session.get(Seeker, actor.seeker_id)


@bp.route("/fairs/<id:fair_id>/register", methods=["GET", "POST"])
def register(fair_id: str):
    """Register for the venue: signed-in seekers at once, anyone else with name and mobile."""
    actor = current_actor()
    fair = fairs.get_fair(actor, fair_id)
    mine = services.registration_for(actor, fair, held_tickets())
    if mine is not None and mine.is_active:
        return redirect(url_for("onsite.ticket", registration_id=mine.id))
    if request.method == "GET":
        return _register_page(fair)
    if not actor.is_authenticated:
        # Who registers is proven by a code texted to their number, on the sign-in page.
        return redirect(url_for("accounts.login_page", next=request.path, seeker=1))
    try:
        seeker = _signed_in_seeker()
        if seeker is None:
            raise Forbidden(
                _("Staff accounts do not register; walk-ins are registered at the desk.")
            )
        registration, _created = services.register_seeker(actor, fair, seeker)
    except DomainError as exc:
        db.session.rollback()
        return _register_page(fair, {}, exc.fields, exc.message, exc.status, exc.code)
    commit()
    return redirect(url_for("onsite.ticket", registration_id=registration.id))


def _register_page(fair: Fair, values=None, errors=None, message=None, status=200, code=None):
    actor = current_actor()
    return render_template(
        "onsite/register.html",
        fair=fair,
        attendance=services.attendance(fair),
        closed=services.registration_closed_reason(fair),
        seeker=_signed_in_seeker(),
        staff=actor.is_staff,
        values=values or {},
        errors=errors or {},
        message=message,
        code=code,
    ), status


@bp.route("/registrations/<id:registration_id>")
def ticket(registration_id: str):
    """The ticket: its QR code and code drawn into the page, so it shows without a network."""
    registration = services.get_registration(current_actor(), registration_id, held_tickets())
    link = ticket_link(registration)
    return render_template(
        "onsite/ticket.html",
        registration=registration,
        fair=registration.fair,
        code=services.format_ticket_code(registration.ticket_code),
        qr=qr_svg(link),
        png=qr_png(link),
        position=services.waitlist_position(registration),
        checkin=services.checked_in(registration.fair_id, registration.seeker_id),
        fair_closed=services.registration_closed_reason(registration.fair) is not None,
    )


@bp.route("/registrations/<id:registration_id>/cancel", methods=["POST"])
def cancel(registration_id: str):
    """Give the place back; the next person on the waiting list gets it."""
    actor = current_actor()
    registration = services.get_registration(actor, registration_id, held_tickets())
    services.cancel_registration(actor, registration, held_tickets())
    commit()
    if request.form.get("next"):
        return redirect(safe_next(request.form.get("next")))
    return redirect(url_for("onsite.ticket", registration_id=registration.id))


@bp.route("/my/tickets")
def my_tickets():
    """The caller's registrations: all of a signed-in seeker's, or those made in this browser."""
    actor = current_actor()
    registrations = services.my_registrations(actor, held_tickets())
    return render_template("onsite/my_tickets.html", registrations=registrations)


@bp.route("/t/<code>")
def ticket_code(code: str):
    """Where a ticket's QR code leads: the desk for organisers, the ticket for its holder."""
    actor = current_actor()
    normal = services.normalize_ticket_code(code)
    registration = (
        db.session.scalar(select(Registration).where(Registration.ticket_code == normal))
        if normal
        else None
    )
    if registration is not None and services.can_run_checkin(actor):
        return redirect(url_for("onsite.checkin", fair_id=registration.fair_id, code=normal))
    if registration is not None and services.can_see_registration(
        actor, registration, held_tickets()
    ):
        return redirect(url_for("onsite.ticket", registration_id=registration.id))
    # Nothing is said about whether the code exists: codes are not for looking people up.
    return render_template("onsite/ticket_link.html")


# Staff pages --------------------------------------------------------------------------------


@bp.route("/fairs/<id:fair_id>/checkin")
@login_required
def checkin(fair_id: str):
    """The entrance: scan tickets with the camera, or type a code or mobile number; walk-ins."""
    actor = current_actor()
    services.require_desk_staff(actor)
    fair = fairs.get_fair(actor, fair_id)
    if not fair.has_venue:
        raise NotFound("This fair is online only; it has no entrance.")
    prefill = services.normalize_ticket_code(request.args.get("code", "")) or ""
    return render_template(
        "onsite/checkin.html",
        fair=fair,
        mode="checkin",
        jobs=[],
        prefill=prefill,
        attendance=services.attendance(fair),
    )


@bp.route("/fairs/<id:fair_id>/booth")
@login_required
def booth(fair_id: str):
    """An employer's booth: scan a visitor's ticket and sign them up for a job."""
    actor = current_actor()
    fair = fairs.get_fair(actor, fair_id)
    if not fair.has_venue:
        raise NotFound("This fair is online only; it has no booths.")
    if not services.can_take_booth_signups(actor, fair):
        raise Forbidden("Only the hosts of employers at this fair and organisers staff its booths.")
    jobs = [j for j in fair.jobs if actor.is_organiser or j.employer_id == actor.employer_id]
    return render_template(
        "onsite/checkin.html",
        fair=fair,
        mode="booth",
        jobs=jobs,
        prefill="",
        attendance=None,
    )


@bp.route("/organiser/fairs/<id:fair_id>/onsite")
@login_required
def desk(fair_id: str):
    """The organiser's view of the venue: who registered, the waiting list, check-ins, booths."""
    organiser = require_organiser(current_actor())
    fair = fairs.get_fair(organiser, fair_id)
    return _desk_page(fair)


def _desk_page(fair: Fair, message: str | None = None, errors=None, status: int = 200):
    organiser = current_actor()
    try:
        shown = RegistrationStatus(request.args.get("status", ""))
    except ValueError:
        shown = None
    registrations = services.list_registrations(organiser, fair, status=shown)
    checkins = {c.registration_id: c for c in services.list_checkins(organiser, fair)}
    return render_template(
        "onsite/desk.html",
        fair=fair,
        registrations=registrations,
        checkins=checkins,
        shown=shown,
        statuses=list(RegistrationStatus),
        attendance=services.attendance(fair),
        booths=services.fair_booths(fair.id),
        message=message,
        errors=errors or {},
    ), status


@bp.route("/organiser/fairs/<id:fair_id>/booths", methods=["POST"])
@login_required
def set_booth(fair_id: str):
    """Give an employer its booth number (an empty number takes the booth away)."""
    organiser = require_organiser(current_actor())
    fair = fairs.get_fair(organiser, fair_id)
    number = (request.form.get("number") or "").strip() or None
    try:
        data = parse(BoothIn, {"number": number})
        services.set_booth(organiser, fair, request.form.get("employer_id", ""), data.number)
    except DomainError as exc:
        db.session.rollback()
        return _desk_page(fairs.get_fair(organiser, fair_id), exc.message, exc.fields, exc.status)
    commit()
    return redirect(url_for("onsite.desk", fair_id=fair.id) + "#booths")


@bp.route("/organiser/fairs/<id:fair_id>/waitlist", methods=["POST"])
@login_required
def confirm_waiting(fair_id: str):
    """Give free places to the waiting list now (after the capacity was raised)."""
    organiser = require_organiser(current_actor())
    fair = fairs.get_fair(organiser, fair_id)
    try:
        services.confirm_waiting(organiser, fair)
    except DomainError as exc:
        db.session.rollback()
        return _desk_page(fairs.get_fair(organiser, fair_id), exc.message, exc.fields, exc.status)
    commit()
    return redirect(url_for("onsite.desk", fair_id=fair.id))


# Booth pages and posters ---------------------------------------------------------------------


def _employer_at(fair: Fair, employer_id: str) -> Employer:
    employer = next((e for e in fair.employers() if e.id == employer_id), None)
    if employer is None:
        raise NotFound("That employer has no jobs at this fair.")
    return employer


@bp.route("/fairs/<id:fair_id>/employers/<id:employer_id>")
def employer(fair_id: str, employer_id: str):
    """An employer's jobs at a fair: where a booth poster's QR code leads."""
    fair = fairs.get_fair(current_actor(), fair_id)
    found = _employer_at(fair, employer_id)
    return render_template(
        "onsite/employer.html",
        fair=fair,
        employer=found,
        booth=services.fair_booths(fair.id).get(found.id),
        jobs=[j for j in fair.jobs if j.employer_id == found.id],
        rooms=[r for r in fair.rooms if r.host.employer_id == found.id],
    )


@bp.route("/fairs/<id:fair_id>/posters")
def posters(fair_id: str):
    """Printable posters, one a page: each booth (its employer's jobs) and each live room."""
    fair = fairs.get_fair(current_actor(), fair_id)
    booths = services.fair_booths(fair.id)
    only_employer, only_room = request.args.get("employer"), request.args.get("room")
    sheets = []
    if not only_room:
        for found in fair.employers():
            if only_employer and found.id != only_employer:
                continue
            link = absolute_url(url_for("onsite.employer", fair_id=fair.id, employer_id=found.id))
            sheets.append(
                {"kind": "booth", "employer": found, "booth": booths.get(found.id), "link": link}
            )
    if not only_employer:
        for room in fair.rooms:
            if only_room and room.id != only_room:
                continue
            link = absolute_url(url_for("live.room", room_id=room.id))
            sheets.append({"kind": "room", "room": room, "link": link})
    if not sheets:
        abort(404)
    for sheet in sheets:
        sheet["qr"] = qr_svg(sheet["link"], scale=12)
    return render_template("onsite/posters.html", fair=fair, sheets=sheets)
