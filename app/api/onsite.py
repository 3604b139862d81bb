"""REST endpoints for on-site fairs: registrations, check-ins, booth sign-ups and booths."""

from __future__ import annotations

from flask import current_app, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.actor import Actor
from app.accounts.models import Seeker
from app.accounts.schemas import Identity
from app.announce import commit
from app.api.auth import actor, refuse_export_only, require_actor
from app.api.registry import endpoint
from app.api.views import PAGE_QUERY, body, committed, page, reply, reply_many
from app.errors import Forbidden, Unauthorized, ValidationError
from app.extensions import db
from app.fairs import services as fairs
from app.onsite import services as onsite
from app.onsite.held import held_tickets
from app.onsite.models import CheckIn, Registration, RegistrationStatus
from app.onsite.schemas import (
    AttendanceOut,
    BoothIn,
    BoothOut,
    CheckInIn,
    CheckInOut,
    OnsiteSignUpIn,
    OnsiteSignUpOut,
    PersonOut,
    RegistrationIn,
    RegistrationOut,
)
from app.urls import absolute_url
from app.validators import mask_mobile

TAG = "onsite"
STATUS_QUERY = {
    "status": {"type": "string", "enum": [s.value for s in RegistrationStatus]},
}


def _write_actor() -> Actor:
    """The caller for a write: anonymous, or a user whose credentials may write."""
    caller = actor()
    return caller.require_full_access() if caller.is_authenticated else caller


def registration_out(registration: Registration, created: bool = False) -> RegistrationOut:
    checkin = onsite.checked_in(registration.fair_id, registration.seeker_id)
    return _registration_out(
        registration,
        checkin.checked_in_at if checkin else None,
        onsite.waitlist_position(registration),
        created,
    )


def registrations_out(registrations: list[Registration]) -> list[RegistrationOut]:
    """Many registrations, their check-ins and waiting-list places read in a few queries."""
    ids = [r.id for r in registrations]
    came = dict(
        db.session.execute(
            select(CheckIn.registration_id, CheckIn.checked_in_at).where(
                CheckIn.registration_id.in_(ids)
            )
        ).all()
    )
    positions: dict[str, int] = {}
    for fair_id in {r.fair_id for r in registrations if r.status == RegistrationStatus.WAITLISTED}:
        queue = db.session.scalars(
            select(Registration.id)
            .where(
                Registration.fair_id == fair_id,
                Registration.status == RegistrationStatus.WAITLISTED,
            )
            .order_by(Registration.queued_at, Registration.id)
        )
        positions.update({registration_id: n for n, registration_id in enumerate(queue, 1)})
    return [_registration_out(r, came.get(r.id), positions.get(r.id)) for r in registrations]


def _registration_out(
    registration: Registration, checked_in_at, position: int | None, created: bool = False
) -> RegistrationOut:
    fair, seeker = registration.fair, registration.seeker

    def local(moment):
        return fair.local(moment) if moment is not None else None

    return RegistrationOut(
        id=registration.id,
        fair_id=fair.id,
        fair_title=fair.title,
        ticket_code=registration.ticket_code,
        status=registration.status,
        channel=registration.channel,
        person=_person(seeker, seeker.mobile),
        registered_at=fair.local(registration.queued_at),
        confirmed_at=local(registration.confirmed_at),
        cancelled_at=local(registration.cancelled_at),
        checked_in_at=local(checked_in_at),
        waitlist_position=position,
        ticket_url=absolute_url(url_for("onsite.ticket", registration_id=registration.id)),
        created=created,
    )


def _masked(seeker: Seeker) -> PersonOut:
    return _person(seeker, mask_mobile(seeker.mobile) if seeker.mobile else None)


def _person(seeker: Seeker, mobile: str | None) -> PersonOut:
    return PersonOut(
        id=seeker.id,
        name=seeker.name,
        mobile=mobile,
        verified_mobile=seeker.mobile_verified,
        real_name_level=seeker.real_name_level.value,
        staff_registered=seeker.staff_registered,
    )


def checkin_out(checkin: CheckIn) -> CheckInOut:
    registration = checkin.registration
    return CheckInOut(
        person=_masked(checkin.seeker),
        registration_id=registration.id,
        ticket_code=registration.ticket_code,
        method=checkin.method,
        checked_in_at=registration.fair.local(checkin.checked_in_at),
        fair_id=checkin.fair_id,
    )


def _caller_seeker(user: Actor) -> Seeker:
    if user.is_staff:
        raise Forbidden(
            "Staff accounts do not register themselves; send name and mobile for a walk-in.",
            {"mobile": "required for a walk-in"},
        )
    seeker = db.session.get(Seeker, user.seeker_id) if user.seeker_id else None
    if seeker is None:
        raise Forbidden(
            _("Sign in with your mobile number and the code we text you first."),
            {"identity": "required"},
        )
    return seeker


@endpoint(
    "/fairs/{fair_id}/registrations",
    "POST",
    TAG,
    body=RegistrationIn,
    returns=RegistrationOut,
    status=201,
    auth=False,
    errors=(401, 403, 404, 409, 422),
)
def post_registration(fair_id: str):
    """Register for the fair's venue (a seeker themself; organisers register walk-ins)."""
    data = body(RegistrationIn)
    user = _write_actor()
    fair = fairs.get_fair(user, fair_id)
    if data.is_walk_in:
        if not user.is_authenticated:
            raise Unauthorized("Sign in as an organiser to register a walk-in.")
        identity = Identity(name=data.name, mobile=data.mobile, id_number=data.id_number)
        registration, created = onsite.register_walk_in(
            user, fair, identity, current_app.config["SECRET_KEY"]
        )
    else:
        seeker = _caller_seeker(user)
        registration, created = onsite.register_seeker(user, fair, seeker)
    committed(registration)
    return reply(registration_out(registration, created), 201)


def _status_arg() -> RegistrationStatus | None:
    raw = request.args.get("status")
    if raw is None:
        return None
    try:
        return RegistrationStatus(raw)
    except ValueError:
        raise ValidationError(
            "Unknown status.", {"status": "confirmed, waitlisted or cancelled"}
        ) from None


def _require_someone() -> Actor:
    user = actor()
    if not user.is_authenticated and not held_tickets():
        raise Unauthorized("Sign in, or register in this browser, to see registrations.")
    return user


@endpoint(
    "/fairs/{fair_id}/registrations",
    "GET",
    TAG,
    returns=RegistrationOut,
    many=True,
    auth=False,
    query={**PAGE_QUERY, **STATUS_QUERY},
    errors=(401, 403, 404, 422),
)
def get_registrations(fair_id: str):
    """The fair's registrations (organisers: all; anyone else: their own)."""
    refuse_export_only()  # names and mobile numbers
    status = _status_arg()
    user = _require_someone()
    fair = fairs.get_fair(user, fair_id)
    found = onsite.list_registrations(user, fair, held_tickets(), status)
    return reply_many(registrations_out(page(found)))


@endpoint(
    "/registrations",
    "GET",
    TAG,
    returns=RegistrationOut,
    many=True,
    auth=False,
    query=PAGE_QUERY,
    errors=(401, 422),
)
def get_my_registrations():
    """Your own registrations at every fair."""
    refuse_export_only()  # names and mobile numbers
    user = _require_someone()
    found = onsite.my_registrations(user, held_tickets())
    return reply_many(registrations_out(page(found)))


@endpoint(
    "/registrations/{registration_id}",
    "GET",
    TAG,
    returns=RegistrationOut,
    auth=False,
    errors=(404,),
)
def get_registration(registration_id: str):
    """One registration (its owner and organisers)."""
    refuse_export_only()  # names and mobile numbers
    registration = onsite.get_registration(actor(), registration_id, held_tickets())
    return reply(registration_out(registration))


@endpoint(
    "/registrations/{registration_id}",
    "DELETE",
    TAG,
    returns=RegistrationOut,
    auth=False,
    errors=(400, 403, 404, 409),
)
def delete_registration(registration_id: str):
    """Cancel a registration; the next person on the waiting list gets the place."""
    user = _write_actor()
    registration = onsite.get_registration(user, registration_id, held_tickets())
    onsite.cancel_registration(user, registration, held_tickets())
    return reply(registration_out(committed(registration)))


@endpoint(
    "/fairs/{fair_id}/waitlist/confirm",
    "POST",
    TAG,
    returns=RegistrationOut,
    many=True,
    errors=(401, 403, 404, 409),
)
def post_confirm_waiting(fair_id: str):
    """Give free places (after a capacity increase) to the waiting list now."""
    user = require_actor(write=True)
    fair = fairs.get_fair(user, fair_id)
    promoted = committed(onsite.confirm_waiting(user, fair))
    return reply_many(registrations_out(promoted))


@endpoint(
    "/fairs/{fair_id}/attendance",
    "GET",
    TAG,
    returns=AttendanceOut,
    auth=False,
    errors=(404,),
)
def get_attendance(fair_id: str):
    """Places at the venue: capacity, confirmed, waiting, left (and check-ins, for organisers)."""
    user = actor()
    fair = fairs.get_fair(user, fair_id)
    counts = onsite.attendance(fair)
    return reply(
        AttendanceOut(
            fair_id=fair.id,
            capacity=counts.capacity,
            confirmed=counts.confirmed,
            waitlisted=counts.waitlisted,
            places_left=counts.places_left,
            checked_in=counts.checked_in if onsite.can_run_checkin(user) else None,
        )
    )


@endpoint(
    "/fairs/{fair_id}/checkins",
    "POST",
    TAG,
    body=CheckInIn,
    returns=CheckInOut,
    status=201,
    errors=(401, 403, 404, 409, 422),
)
def post_checkin(fair_id: str):
    """Check a person in by ticket code (or the ticket QR code's text) or mobile number."""
    user = require_actor(write=True)
    data = body(CheckInIn)
    fair = fairs.get_fair(user, fair_id)
    checkin = committed(onsite.check_in(user, fair, data))
    return reply(checkin_out(checkin), 201)


@endpoint(
    "/fairs/{fair_id}/checkins",
    "GET",
    TAG,
    returns=CheckInOut,
    many=True,
    query=PAGE_QUERY,
    errors=(401, 403, 404, 422),
)
def get_checkins(fair_id: str):
    """Who checked in, latest first (organisers)."""
    refuse_export_only()  # names and mobile numbers
    user = require_actor()
    fair = fairs.get_fair(user, fair_id)
    return reply_many([checkin_out(c) for c in page(onsite.list_checkins(user, fair))])


@endpoint(
    "/fairs/{fair_id}/onsite-signups",
    "POST",
    TAG,
    body=OnsiteSignUpIn,
    returns=OnsiteSignUpOut,
    errors=(401, 403, 404, 409, 422),
)
def post_onsite_signup(fair_id: str):
    """Sign a checked-in person up for a job at a booth (the employer's hosts, organisers)."""
    user = require_actor(write=True)
    data = body(OnsiteSignUpIn)
    fair = fairs.get_fair(user, fair_id)
    result, registration = onsite.take_booth_sign_up(user, fair, data)
    commit()
    return reply(
        OnsiteSignUpOut(
            created=result.created,
            count=result.count,
            job_id=data.job_id,
            person=_masked(registration.seeker),
        )
    )


def booth_out(fair_id: str, employer, number: str | None) -> BoothOut:
    return BoothOut(
        fair_id=fair_id,
        employer_id=employer.id,
        employer_name=employer.name,
        number=number,
        jobs_url=absolute_url(url_for("onsite.employer", fair_id=fair_id, employer_id=employer.id)),
    )


@endpoint(
    "/fairs/{fair_id}/booths",
    "GET",
    TAG,
    returns=BoothOut,
    many=True,
    auth=False,
    errors=(404,),
)
def get_booths(fair_id: str):
    """Each employer at the fair with its booth number (null when it has none)."""
    fair = fairs.get_fair(actor(), fair_id)
    booths = onsite.fair_booths(fair.id)
    return reply_many(
        [
            booth_out(fair.id, e, booths[e.id].number if e.id in booths else None)
            for e in fair.employers()
        ]
    )


@endpoint(
    "/fairs/{fair_id}/booths/{employer_id}",
    "PUT",
    TAG,
    body=BoothIn,
    returns=BoothOut,
    errors=(401, 403, 404, 409, 422),
)
def put_booth(fair_id: str, employer_id: str):
    """Set an employer's booth number at the fair (null takes the booth away)."""
    user = require_actor(write=True)
    data = body(BoothIn)
    fair = fairs.get_fair(user, fair_id)
    booth = committed(onsite.set_booth(user, fair, employer_id, data.number))
    employer = next(e for e in fair.employers() if e.id == employer_id)
    return reply(booth_out(fair.id, employer, booth.number if booth else None))
