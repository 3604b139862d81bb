"""What a seeker sees and controls of their own data ("我的"): sign-ups, tickets, history,
a JSON export of everything FairCast keeps about them, and deleting their account."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from app.accounts.actor import SEEKER_PREFIX, Actor
from app.accounts.models import ApiToken, Role, Seeker, User
from app.accounts.seekers import my_seeker
from app.accounts.services import disable_user
from app.db import utcnow
from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.fairs.models import Fair
from app.jobs.models import Job
from app.live.models import ChatMessage, SignUp
from app.onsite.models import CheckIn, RegistrationStatus
from app.onsite.services import cancel_registration, my_registrations

# What a deleted person's name becomes where their rows stay (sign-ups, chat) for the counts.
DELETED_NAME = ""


@dataclass(frozen=True)
class MySignUp:
    signup: SignUp
    job: Job
    fair: Fair


def my_sign_ups(actor: Actor) -> list[MySignUp]:
    """The caller's sign-ups at every fair, newest first (withdrawn ones too, marked)."""
    seeker = my_seeker(actor)
    rows = db.session.execute(
        select(SignUp, Job, Fair)
        .join(Job, Job.id == SignUp.job_id)
        .join(Fair, Fair.id == SignUp.fair_id)
        .where(SignUp.seeker_id == seeker.id)
        .order_by(SignUp.created_at.desc(), SignUp.id)
    ).all()
    return [MySignUp(*row) for row in rows]


def my_check_ins(actor: Actor) -> list[tuple[CheckIn, Fair]]:
    """The fairs the caller was checked in at (their history on site)."""
    seeker = my_seeker(actor)
    return list(
        db.session.execute(
            select(CheckIn, Fair)
            .join(Fair, Fair.id == CheckIn.fair_id)
            .where(CheckIn.seeker_id == seeker.id)
            .order_by(CheckIn.checked_in_at.desc())
        ).all()
    )


def _time(value) -> str | None:
    return value.isoformat() if value else None


def export_my_data(actor: Actor) -> dict:
    """Everything FairCast keeps about the caller, as JSON-ready data (PIPL: a copy on request)."""
    seeker = my_seeker(actor)
    chat = db.session.scalars(
        select(ChatMessage)
        .where(ChatMessage.author_key == SEEKER_PREFIX + seeker.id)
        .order_by(ChatMessage.created_at)
    )
    return {
        "person": {
            "id": seeker.id,
            "name": seeker.name,
            "mobile": seeker.mobile,
            "mobile_verified_at": _time(seeker.mobile_verified_at),
            "real_name_level": seeker.real_name_level.value,
            "real_name_checked_at": _time(seeker.real_name_checked_at),
            "id_number": seeker.id_number_masked,
            "staff_registered": seeker.registered_by_id is not None,
            "consent_version": seeker.consent_version,
            "consented_at": _time(seeker.consented_at),
            "created_at": _time(seeker.created_at),
        },
        "signups": [
            {
                "fair": s.fair.title,
                "job": s.job.title,
                "source": s.signup.source.value,
                "created_at": _time(s.signup.created_at),
                "withdrawn_at": _time(s.signup.withdrawn_at),
            }
            for s in my_sign_ups(actor)
        ],
        "registrations": [
            {
                "fair": r.fair.title,
                "status": r.status.value,
                "ticket_code": r.ticket_code,
                "created_at": _time(r.created_at),
            }
            for r in my_registrations(actor)
        ],
        "checkins": [
            {"fair": fair.title, "checked_in_at": _time(c.checked_in_at)}
            for c, fair in my_check_ins(actor)
        ],
        "chat": [{"room_id": m.room_id, "text": m.text, "at": _time(m.created_at)} for m in chat],
    }


def delete_my_account(actor: Actor) -> None:
    """Delete the caller's account: name, number and ID go; sign-ups stay in the counts, no
    longer anyone's; open tickets are cancelled (their places go to the waiting list); every
    session and token of theirs stops working."""
    seeker = my_seeker(actor)
    actor.require_full_access()
    for registration in my_registrations(actor):
        if registration.status != RegistrationStatus.CANCELLED and not registration.fair.is_over:
            cancel_registration(actor, registration)
    db.session.execute(
        update(ChatMessage)
        .where(ChatMessage.author_key == SEEKER_PREFIX + seeker.id)
        .values(author_name=DELETED_NAME, text="")
    )
    _anonymise(seeker)
    for user in db.session.scalars(select(User).where(User.seeker_id == seeker.id)):
        disable_user(user)
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    db.session.flush()


def _anonymise(seeker: Seeker) -> None:
    seeker.name = DELETED_NAME
    seeker.mobile = None
    seeker.id_number_hash = seeker.id_number_masked = None
    seeker.deleted_at = utcnow()


# Organisers: accounts and people --------------------------------------------------------------


def require_people_admin(actor: Actor) -> Actor:
    """Organisers with full credentials manage accounts; anyone else is Forbidden."""
    if not actor.is_organiser:
        raise Forbidden("Only organisers manage accounts.")
    return actor.require_full_access()


def staff_accounts(actor: Actor) -> list[User]:
    """Organiser and host accounts, organisers first, then by username."""
    require_people_admin(actor)
    return list(
        db.session.scalars(
            select(User).where(User.role != Role.SEEKER).order_by(User.role, User.username)
        )
    )


def list_seekers(actor: Actor, limit: int = 200) -> list[Seeker]:
    """The newest people with their verification levels (organisers only)."""
    require_people_admin(actor)
    return list(
        db.session.scalars(
            select(Seeker)
            .where(Seeker.deleted_at.is_(None))
            .order_by(Seeker.created_at.desc(), Seeker.id)
            .limit(limit)
        )
    )


def set_account_active(actor: Actor, user_id: str, active: bool) -> User:
    """Disable an account (its sessions, tokens and live connections stop) or enable it again;
    an organiser cannot lock themself out."""
    require_people_admin(actor)
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such account.")
    if user.id == actor.user_id:
        raise Conflict("You cannot disable your own account.")
    if active:
        user.active = True
    else:
        disable_user(user)
    db.session.flush()
    return user
