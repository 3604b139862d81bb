"""Demo people at every verification level, for `faircast demo`: codes for signing in go to the
`log` SMS backend's outbox (`faircast sms outbox`)."""

from __future__ import annotations

from flask import current_app, url_for
from sqlalchemy import select

from app.accounts.models import RealNameLevel, Seeker
from app.accounts.realname import mask_id_number
from app.accounts.schemas import Identity
from app.accounts.seekers import CONSENT_VERSION
from app.accounts.services import find_user, hash_id_number, identify_seeker
from app.db import utcnow
from app.extensions import db
from app.validators import id_check_char

# (name, mobile, level): a staff-registered walk-in, a mobile-verified seeker, one whose ID
# number was checked. The demo seeker account (张伟, 13800138000) is mobile-verified too.
DEMO_PEOPLE = [
    ("王芳", "13900000002", "walk_in"),
    ("陈静", "13600000004", "mobile"),
    ("李娜", "13700000003", "id_checked"),
]
DEMO_ID_BODY = "35058219900101123"  # the demo's made-up resident ID (check digit added)


def _verified(seeker: Seeker) -> None:
    now = utcnow()
    seeker.mobile_verified_at = seeker.mobile_verified_at or now
    seeker.consent_version, seeker.consented_at = CONSENT_VERSION, seeker.consented_at or now


def seed_people_demo() -> dict[str, str]:
    """Create or refresh the demo's people; their page paths by label (caller commits)."""
    organiser = find_user("organiser")
    demo_seeker = db.session.scalar(select(Seeker).where(Seeker.mobile == "13800138000"))
    if demo_seeker is not None:
        _verified(demo_seeker)
    for name, mobile, level in DEMO_PEOPLE:
        seeker = identify_seeker(
            Identity(name=name, mobile=mobile),
            registered_by_id=organiser.id if organiser else None,
        )
        if level == "walk_in":
            continue
        _verified(seeker)
        if level == "id_checked":
            number = DEMO_ID_BODY + id_check_char(DEMO_ID_BODY)
            seeker.id_number_hash = hash_id_number(current_app.config["SECRET_KEY"], number)
            seeker.id_number_masked = mask_id_number(number)
            seeker.real_name_level = RealNameLevel.ID_CHECKED
            seeker.real_name_checked_at = utcnow()
    db.session.flush()
    return {
        "Seeker sign-in (SMS code)": url_for("accounts.login_page"),
        "Me (a seeker's page)": url_for("people.me_page"),
        "Accounts and people": url_for("people.admin"),
    }
