"""Verified people: a seeker proves their mobile number with a code and gets their account; the
number finds the record staff or an earlier visit made, so existing people are claimed."""

from __future__ import annotations

from flask_babel import gettext as _

from app.accounts.actor import Actor
from app.accounts.codes import valid_mobile, verify_code
from app.accounts.models import RealNameLevel, Seeker
from app.accounts.services import find_seeker
from app.db import utcnow
from app.errors import Conflict, Forbidden, Unauthorized, ValidationError
from app.extensions import db

# What a code proves when a seeker signs in (other purposes: signing a contract …).
SIGN_IN = "sign_in"
# The privacy notice a person agrees to at their first verification (templates/accounts/
# _consent.html says what is collected, why and who sees it); bump it when that text changes.
CONSENT_VERSION = "2026-11"


def needs_consent(seeker: Seeker | None) -> bool:
    """Whether this person has yet to agree to the current privacy notice."""
    return seeker is None or seeker.consent_version != CONSENT_VERSION


def prove_mobile(mobile: str, code: str, *, consent: bool = False) -> Seeker:
    """The person who holds mobile, proven by the code just sent to it: their record, claimed
    if staff or an earlier visit made it, created if new. The first time, they must agree to
    the privacy notice (the code stays good until they do)."""
    verify_code(mobile, SIGN_IN, code)
    number = valid_mobile(mobile)
    seeker = find_seeker(number)
    if needs_consent(seeker) and not consent:
        # Raised after the code was checked (only the number's holder learns this); the caller
        # rolls back, so the code is not spent.
        raise ValidationError(
            _("Agree to the privacy notice to continue."), {"consent": _("required")}
        )
    now = utcnow()
    if seeker is None:
        seeker = Seeker(name="", mobile=number)
        db.session.add(seeker)
    if seeker.mobile_verified_at is None:
        seeker.mobile_verified_at = now
    if consent and needs_consent(seeker):
        seeker.consent_version, seeker.consented_at = CONSENT_VERSION, now
    db.session.flush()
    return seeker


def my_seeker(actor: Actor) -> Seeker:
    """The caller's own seeker record; Unauthorized for anonymous callers, Forbidden for staff."""
    if actor.seeker_id is None:
        if actor.is_authenticated:
            raise Forbidden(_("Only job seekers have this page."))
        raise Unauthorized(_("Sign in with your mobile number first."))
    seeker = db.session.get(Seeker, actor.seeker_id)
    if seeker is None or seeker.deleted_at is not None:
        raise Unauthorized(_("Sign in with your mobile number first."))
    return seeker


def rename_seeker(actor: Actor, name: str) -> Seeker:
    """A seeker corrects their own name (not once it is real-name verified: that name is the
    authority's)."""
    seeker = my_seeker(actor)
    actor.require_full_access()
    if seeker.real_name_level != RealNameLevel.NONE and name != seeker.name:
        raise Conflict(
            _("Your name was checked with your ID number and cannot be changed here."),
            {"name": _("verified")},
        )
    seeker.name = name
    db.session.flush()
    return seeker
