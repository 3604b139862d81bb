"""On-site fairs: registering with a waiting list, checking in, booth sign-ups and booths.

Every change to a fair's registrations and check-ins starts with lock_fair(), so changes at
one fair run one after another and the places counted after it are exact; check-ins are also
unique per person and fair in the database, whatever the number of devices at the entrance.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select

from app.accounts.actor import Actor
from app.accounts.models import Seeker
from app.accounts.schemas import Identity
from app.accounts.services import find_seeker, identify_seeker
from app.db import insert_for, new_id, utcnow
from app.errors import Conflict, Forbidden, NotFound, ValidationError
from app.extensions import db
from app.fairs.models import Fair
from app.live import operations as live
from app.live.models import SignUpSource
from app.live.signups import SignUpResult
from app.onsite.models import (
    TICKET_CODE_LENGTH,
    Booth,
    CheckIn,
    CheckInMethod,
    Registration,
    RegistrationChannel,
    RegistrationLock,
    RegistrationStatus,
)
from app.onsite.schemas import OnsiteSignUpIn, PersonRef
from app.validators import mask_mobile

# Ticket codes: no 0/O, 1/I/L, so what is read off a screen is typed right.
TICKET_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# What a ticket's QR code carries is a link ending in /t/<code>; scanners may pass it whole.
_LINKED_CODE = re.compile(r"/t/([^/?#\s]+)")
_CODE_NOISE = re.compile(r"[\s\-]")


class Closed(Conflict):
    """The fair takes no registrations or check-ins now."""

    code = "closed"


class AlreadyCheckedIn(Conflict):
    code = "already_checked_in"


class WrongFair(Conflict):
    code = "wrong_fair"


class TicketCancelled(Conflict):
    code = "ticket_cancelled"


class Waitlisted(Conflict):
    code = "waitlisted"


class NotCheckedIn(Conflict):
    code = "not_checked_in"


# Ticket codes ---------------------------------------------------------------------------


def new_ticket_code() -> str:
    """A random ticket code: 8 characters of 31, about 40 bits."""
    return "".join(secrets.choice(TICKET_ALPHABET) for _ in range(TICKET_CODE_LENGTH))


def normalize_ticket_code(raw: str) -> str | None:
    """The ticket code in what was typed or scanned (any case, dashes, or the ticket's link)."""
    text = raw or ""
    linked = _LINKED_CODE.search(text)
    if linked:
        text = linked.group(1)
    code = _CODE_NOISE.sub("", text).upper()
    if len(code) != TICKET_CODE_LENGTH or any(c not in TICKET_ALPHABET for c in code):
        return None
    return code


def format_ticket_code(code: str) -> str:
    """A ticket code as printed: two groups of four."""
    half = TICKET_CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def _unused_ticket_code() -> str:
    while True:
        code = new_ticket_code()
        if db.session.scalar(select(Registration.id).where(Registration.ticket_code == code)):
            continue
        return code


# Who may do what ------------------------------------------------------------------------


def can_run_checkin(actor: Actor) -> bool:
    """Organisers run the entrance: check-in, walk-ins, every registration."""
    return actor.is_organiser and actor.full_access


def require_desk_staff(actor: Actor) -> Actor:
    if not can_run_checkin(actor):
        raise Forbidden("Only organisers run check-in and register walk-ins.")
    return actor


def can_take_booth_signups(actor: Actor, fair: Fair) -> bool:
    """Organisers, and hosts whose employer has jobs at the fair."""
    if not actor.full_access:
        return False
    if actor.is_organiser:
        return True
    return actor.is_host and any(job.employer_id == actor.employer_id for job in fair.jobs)


def can_see_registration(
    actor: Actor, registration: Registration, held: Collection[str] = ()
) -> bool:
    """Organisers; a signed-in seeker their own; an anonymous browser the ones it was issued.

    A name and mobile number typed into a page prove nothing, so a browser that only typed
    them sees the tickets it registered itself (`held`), not everything of that number's.
    """
    if actor.is_authenticated:
        return actor.is_organiser or (
            actor.seeker_id is not None and actor.seeker_id == registration.seeker_id
        )
    return registration.id in held


# Why a fair takes no registrations, by the key pages translate.
CLOSED_REASONS = {
    "online_only": "This fair is online only; there is no venue to register for.",
    "not_open": "Registration for this fair is closed.",
    "over": "The fair is over.",
}


def registration_closed_reason(fair: Fair) -> str | None:
    """Why the fair takes no registrations now (a key of CLOSED_REASONS), or None."""
    if not fair.has_venue:
        return "online_only"
    if not fair.is_open:
        return "not_open"
    if fair.ends_at <= utcnow():
        return "over"
    return None


def _require_open(fair: Fair) -> None:
    reason = registration_closed_reason(fair)
    if reason is not None:
        raise Closed(CLOSED_REASONS[reason], {"fair": reason})


def _require_venue_open(fair: Fair) -> None:
    """Check-in and booths work while the fair is published or live, whatever the clock says."""
    if not fair.has_venue:
        raise Closed(CLOSED_REASONS["online_only"], {"fair": "online_only"})
    if not fair.is_open:
        raise Closed("This fair has no check-in open now.", {"fair": "not_open"})


# Places -----------------------------------------------------------------------------------


def lock_fair(fair_id: str) -> None:
    """Queue behind every other change to this fair's registrations until the commit."""
    table = RegistrationLock.__table__
    stmt = insert_for(table).values(fair_id=fair_id, version=1, changed_at=utcnow())
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.fair_id],
        set_={"version": table.c.version + 1, "changed_at": stmt.excluded.changed_at},
    )
    db.session.execute(stmt)


@dataclass(frozen=True)
class Attendance:
    """A fair's places: taken, waiting, and who came."""

    capacity: int | None
    confirmed: int
    waitlisted: int
    checked_in: int

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.confirmed)


def _status_counts(fair_id: str) -> dict[RegistrationStatus, int]:
    rows = db.session.execute(
        select(Registration.status, func.count())
        .where(Registration.fair_id == fair_id)
        .group_by(Registration.status)
    )
    return dict(rows.all())


def attendance(fair: Fair) -> Attendance:
    """The fair's confirmed places, waiting list and check-ins now."""
    counts = _status_counts(fair.id)
    checked_in = db.session.scalar(
        select(func.count()).select_from(CheckIn).where(CheckIn.fair_id == fair.id)
    )
    return Attendance(
        fair.capacity,
        counts.get(RegistrationStatus.CONFIRMED, 0),
        counts.get(RegistrationStatus.WAITLISTED, 0),
        checked_in or 0,
    )


def _current_capacity(fair: Fair) -> int | None:
    # Read afresh under the lock: an organiser may have changed it since the fair was loaded.
    return db.session.scalar(select(Fair.capacity).where(Fair.id == fair.id))


def fill_places(fair: Fair) -> list[Registration]:
    """Confirm people from the waiting list, first come first served, while places are free.

    The caller holds lock_fair(fair.id).
    """
    capacity = _current_capacity(fair)
    query = (
        select(Registration)
        .where(
            Registration.fair_id == fair.id,
            Registration.status == RegistrationStatus.WAITLISTED,
        )
        .order_by(Registration.queued_at, Registration.id)
        .execution_options(populate_existing=True)
    )
    if capacity is not None:
        confirmed = _status_counts(fair.id).get(RegistrationStatus.CONFIRMED, 0)
        if confirmed >= capacity:
            return []
        query = query.limit(capacity - confirmed)
    promoted = list(db.session.scalars(query))
    for registration in promoted:
        registration.confirm()
    db.session.flush()
    return promoted


def waitlist_position(registration: Registration) -> int | None:
    """1 for the next person to get a place; None when not on the waiting list."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.fair_id == registration.fair_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            (Registration.queued_at < registration.queued_at)
            | (
                (Registration.queued_at == registration.queued_at)
                & (Registration.id < registration.id)
            ),
        )
    )
    return (ahead or 0) + 1


# Registering ------------------------------------------------------------------------------


def _registration_of(fair_id: str, seeker_id: str) -> Registration | None:
    return db.session.scalar(
        select(Registration)
        .where(Registration.fair_id == fair_id, Registration.seeker_id == seeker_id)
        .execution_options(populate_existing=True)
    )


def _register(
    fair: Fair,
    seeker: Seeker,
    channel: RegistrationChannel,
    by: Actor | None,
) -> tuple[Registration, bool]:
    _require_open(fair)
    lock_fair(fair.id)
    # Places freed by a raised capacity go to the waiting list before anyone new.
    fill_places(fair)
    existing = _registration_of(fair.id, seeker.id)
    if existing is not None and existing.is_active:
        # Only the person themself (signed in with a code) or staff get here: nobody learns
        # from this answer that someone else holds a ticket.
        return existing, False
    capacity = _current_capacity(fair)
    confirmed = _status_counts(fair.id).get(RegistrationStatus.CONFIRMED, 0)
    status = (
        RegistrationStatus.CONFIRMED
        if capacity is None or confirmed < capacity
        else RegistrationStatus.WAITLISTED
    )
    if existing is not None:
        existing.reopen(status)
        existing.channel, existing.registered_by_id = channel, by.id if by else None
        db.session.flush()
        return existing, True
    registration = Registration(
        fair_id=fair.id,
        seeker_id=seeker.id,
        ticket_code=_unused_ticket_code(),
        status=RegistrationStatus.WAITLISTED,
        channel=channel,
        registered_by_id=by.id if by else None,
        queued_at=utcnow(),
    )
    if status == RegistrationStatus.CONFIRMED:
        registration.confirm()
    db.session.add(registration)
    db.session.flush()
    return registration, True


def register_seeker(actor: Actor, fair: Fair, seeker: Seeker) -> tuple[Registration, bool]:
    """A signed-in seeker (who proved their number) registers themself: a confirmed place
    while there are places, else the waiting list. Registering again changes nothing."""
    if actor.is_staff:
        raise Forbidden("Staff accounts do not register; walk-ins are registered at the desk.")
    if not actor.is_authenticated or actor.seeker_id != seeker.id:
        raise Forbidden("You can only register yourself.")
    return _register(fair, seeker, RegistrationChannel.ONLINE, actor)


def register_walk_in(
    staff: Actor, fair: Fair, identity: Identity, secret_key: str | None = None
) -> tuple[Registration, bool]:
    """Register someone at the desk; their mobile number finds them if they are known."""
    require_desk_staff(staff)
    _require_open(fair)
    seeker = identify_seeker(identity, secret_key, registered_by_id=staff.user_id)
    return _register(fair, seeker, RegistrationChannel.WALK_IN, staff)


def cancel_registration(
    actor: Actor, registration: Registration, held: Collection[str] = ()
) -> list[Registration]:
    """Cancel a registration (its owner or an organiser); the waiting list moves up.

    Returns the people promoted to a confirmed place.
    """
    if not can_see_registration(actor, registration, held):
        raise NotFound("No such registration.")
    lock_fair(registration.fair_id)
    db.session.refresh(registration)
    if registration.status == RegistrationStatus.CANCELLED:
        return []
    came = db.session.scalar(select(CheckIn.id).where(CheckIn.registration_id == registration.id))
    if came is not None:
        raise Conflict("This person has checked in; the registration can no longer be cancelled.")
    registration.cancel()
    db.session.flush()
    fair = registration.fair
    if registration_closed_reason(fair) is not None:
        return []
    return fill_places(fair)


def confirm_waiting(organiser: Actor, fair: Fair) -> list[Registration]:
    """Give free places (after a capacity increase) to the waiting list now."""
    require_desk_staff(organiser)
    _require_open(fair)
    lock_fair(fair.id)
    return fill_places(fair)


def get_registration(
    actor: Actor, registration_id: str, held: Collection[str] = ()
) -> Registration:
    """The registration, to its owner and organisers; NotFound to everyone else."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or not can_see_registration(actor, registration, held):
        raise NotFound("No such registration.")
    return registration


def list_registrations(
    actor: Actor,
    fair: Fair,
    held: Collection[str] = (),
    status: RegistrationStatus | None = None,
) -> list[Registration]:
    """Every registration at the fair for organisers; only their own for anyone else."""
    query = (
        select(Registration)
        .where(Registration.fair_id == fair.id)
        .order_by(Registration.queued_at, Registration.id)
    )
    if status is not None:
        query = query.where(Registration.status == status)
    if not can_run_checkin(actor):
        query = query.where(_own(actor, held))
    return list(db.session.scalars(query))


def _own(actor: Actor, held: Collection[str]):
    if actor.is_authenticated:
        if actor.seeker_id is None:
            raise Forbidden("Only organisers see the fair's registrations.")
        return Registration.seeker_id == actor.seeker_id
    return Registration.id.in_(sorted(held))


def my_registrations(actor: Actor, held: Collection[str] = ()) -> list[Registration]:
    """The caller's own registrations at every fair, the latest fair first."""
    if actor.is_authenticated and actor.seeker_id is None:
        return []
    return list(
        db.session.scalars(
            select(Registration)
            .join(Fair, Fair.id == Registration.fair_id)
            .where(_own(actor, held))
            .order_by(Fair.starts_at.desc(), Registration.id)
        )
    )


def registration_for(actor: Actor, fair: Fair, held: Collection[str] = ()) -> Registration | None:
    """The caller's own registration at the fair, if they have one."""
    if actor.is_authenticated and actor.seeker_id is None:
        return None
    return db.session.scalar(
        select(Registration).where(Registration.fair_id == fair.id, _own(actor, held))
    )


# Check-in ---------------------------------------------------------------------------------


def find_registration(fair: Fair, ref: PersonRef) -> tuple[Registration, CheckInMethod]:
    """The registration a ticket code or mobile number points to at this fair."""
    if ref.ticket_code is not None:
        code = normalize_ticket_code(ref.ticket_code)
        if code is None:
            raise ValidationError(
                "That is not a ticket code.",
                {"ticket_code": f"{TICKET_CODE_LENGTH} letters and digits, as on the ticket"},
            )
        registration = db.session.scalar(
            select(Registration)
            .where(Registration.ticket_code == code)
            .execution_options(populate_existing=True)
        )
        if registration is None:
            raise NotFound("No ticket has this code.", {"ticket_code": "unknown"})
        if registration.fair_id != fair.id:
            raise WrongFair(
                f"This ticket is for another fair: {registration.fair.title}.",
                {"ticket_code": "for another fair", "fair": registration.fair.title},
            )
        return registration, CheckInMethod.TICKET
    seeker = find_seeker(ref.mobile or "")
    registration = _registration_of(fair.id, seeker.id) if seeker is not None else None
    if registration is None:
        raise NotFound(
            "Nobody with this mobile number registered for this fair.",
            {"mobile": "not registered"},
        )
    return registration, CheckInMethod.MOBILE


def _field(ref: PersonRef) -> str:
    return "ticket_code" if ref.ticket_code is not None else "mobile"


def _person(seeker: Seeker) -> str:
    return f"{seeker.name} {mask_mobile(seeker.mobile)}"


def check_in(staff: Actor, fair: Fair, ref: PersonRef) -> CheckIn:
    """Let a registered person in; a second check-in, from any device, is refused."""
    require_desk_staff(staff)
    _require_venue_open(fair)
    lock_fair(fair.id)
    registration, method = find_registration(fair, ref)
    field = _field(ref)
    if registration.status == RegistrationStatus.CANCELLED:
        raise TicketCancelled(
            f"The registration of {_person(registration.seeker)} was cancelled.",
            {field: "cancelled", "person": _person(registration.seeker)},
        )
    if registration.status == RegistrationStatus.WAITLISTED:
        raise Waitlisted(
            f"{_person(registration.seeker)} is on the waiting list and has no place yet.",
            {field: "on the waiting list", "person": _person(registration.seeker)},
        )
    table = CheckIn.__table__
    # The unique constraint decides: a row another device inserted first is not inserted again.
    stmt = (
        insert_for(table)
        .values(
            id=new_id(),
            fair_id=fair.id,
            seeker_id=registration.seeker_id,
            registration_id=registration.id,
            method=method.value,
            checked_in_by_id=staff.id,
            checked_in_at=utcnow(),
        )
        .on_conflict_do_nothing()
        .returning(table.c.id)
    )
    inserted = db.session.execute(stmt).scalar()
    if inserted is None:
        earlier = db.session.scalar(
            select(CheckIn).where(
                CheckIn.fair_id == fair.id, CheckIn.seeker_id == registration.seeker_id
            )
        )
        at = fair.local(earlier.checked_in_at)
        raise AlreadyCheckedIn(
            f"{_person(registration.seeker)} already checked in at {at:%H:%M}.",
            {
                field: "already checked in",
                "person": _person(registration.seeker),
                "checked_in_at": at.isoformat(),
            },
        )
    return db.session.get(CheckIn, inserted)


def checked_in(fair_id: str, seeker_id: str) -> CheckIn | None:
    """The person's check-in at the fair, if they came."""
    return db.session.scalar(
        select(CheckIn).where(CheckIn.fair_id == fair_id, CheckIn.seeker_id == seeker_id)
    )


def list_checkins(staff: Actor, fair: Fair) -> list[CheckIn]:
    """Who came, latest first."""
    require_desk_staff(staff)
    return list(
        db.session.scalars(
            select(CheckIn)
            .where(CheckIn.fair_id == fair.id)
            .order_by(CheckIn.checked_in_at.desc(), CheckIn.id)
        )
    )


# Booths -------------------------------------------------------------------------------------


def take_booth_sign_up(
    staff: Actor, fair: Fair, data: OnsiteSignUpIn
) -> tuple[SignUpResult, Registration]:
    """A sign-up taken at a booth for a person who checked in (committed before it returns)."""
    if not (staff.is_staff and staff.full_access):
        raise Forbidden("Only booth staff take sign-ups at the venue.")
    _require_venue_open(fair)
    job = next((j for j in fair.jobs if j.id == data.job_id), None)
    if job is None:
        raise ValidationError("That job is not part of this fair.", {"job_id": "not in this fair"})
    if staff.is_host and job.employer_id != staff.employer_id:
        raise Forbidden(
            "Hosts take sign-ups for their own employer's jobs.", {"job_id": "another employer's"}
        )
    registration, _method = find_registration(fair, data)
    if checked_in(fair.id, registration.seeker_id) is None:
        raise NotCheckedIn(
            f"{_person(registration.seeker)} has not checked in at the entrance.",
            {_field(data): "not checked in", "person": _person(registration.seeker)},
        )
    result = live.store_sign_up(
        registration.seeker_id, staff, job.id, SignUpSource.ONSITE, fair_id=fair.id
    )
    return result, registration


def fair_booths(fair_id: str) -> dict[str, Booth]:
    """The fair's booths by employer id."""
    booths = db.session.scalars(select(Booth).where(Booth.fair_id == fair_id))
    return {booth.employer_id: booth for booth in booths}


def set_booth(organiser: Actor, fair: Fair, employer_id: str, number: str | None) -> Booth | None:
    """Give an employer with jobs at the fair its booth number (None takes the booth away)."""
    from app.fairs.services import require_organiser

    require_organiser(organiser)
    if employer_id not in {employer.id for employer in fair.employers()}:
        raise NotFound(
            "That employer has no jobs at this fair.", {"employer_id": "not at this fair"}
        )
    lock_fair(fair.id)
    booth = db.session.get(Booth, (fair.id, employer_id), populate_existing=True)
    if number is None:
        if booth is not None:
            db.session.delete(booth)
            db.session.flush()
        return None
    number = number.strip().upper()
    taken = db.session.scalar(
        select(Booth).where(
            Booth.fair_id == fair.id, Booth.number == number, Booth.employer_id != employer_id
        )
    )
    if taken is not None:
        raise Conflict(
            f"Booth {number} is already {taken.employer.name}'s.", {"number": "already taken"}
        )
    if booth is None:
        booth = Booth(fair_id=fair.id, employer_id=employer_id)
        db.session.add(booth)
    booth.number, booth.set_by_id = number, organiser.id
    db.session.flush()
    return booth
