"""REST endpoints for verified people: a code by SMS, signing in with it, and "me"."""

from __future__ import annotations

from datetime import timedelta

from flask import jsonify
from flask_babel import gettext as _

from app.accounts.codes import RESEND_AFTER, send_code
from app.accounts.doors import current_actor, request_ip, sign_in_seeker, sign_out
from app.accounts.realname import verify_real_name
from app.accounts.schemas import (
    CodeProof,
    CodeRequest,
    CodeSent,
    MeOut,
    MePatch,
    RealNameIn,
    SeekerOut,
    SignedIn,
)
from app.accounts.seekers import SIGN_IN, my_seeker, prove_mobile, rename_seeker
from app.accounts.services import issue_token, seeker_account
from app.api.auth import from_page
from app.api.registry import endpoint
from app.api.views import body, committed, reply
from app.errors import Forbidden
from app.live import operations as live
from app.people.services import delete_my_account, export_my_data

# A token from a code works this long; the page's session lasts as long as the browser's.
SEEKER_TOKEN_LIFETIME = timedelta(days=30)


def seeker_out(seeker) -> SeekerOut:
    return SeekerOut(
        id=seeker.id,
        name=seeker.name,
        verified_mobile=seeker.mobile_verified,
        real_name_level=seeker.real_name_level.value,
    )


@endpoint(
    "/auth/sms",
    "POST",
    "people",
    body=CodeRequest,
    returns=CodeSent,
    status=202,
    auth=False,
    session=False,
    errors=(400, 422, 429, 503),
)
def post_auth_sms():
    """Text a sign-in code to a mobile number (the answer never says whether it is known)."""
    data = body(CodeRequest)
    caller = current_actor()
    send_code(data.mobile, SIGN_IN, ip=request_ip(), browser=caller.visitor_id)
    committed(None)
    return reply(CodeSent(retry_after_s=int(RESEND_AFTER.total_seconds())), 202)


@endpoint(
    "/auth/verify",
    "POST",
    "people",
    body=CodeProof,
    returns=SignedIn,
    auth=False,
    session=False,
    errors=(400, 401, 403, 422),
)
def post_auth_verify():
    """Sign in as the seeker who holds the number, with the code texted to it: a token, and
    this browser's session when called from a page."""
    data = body(CodeProof)
    seeker = prove_mobile(data.mobile, data.code, consent=data.consent)
    if from_page():
        # Only a page (which sent its CSRF token with FairCast's cookies) gets a session: a
        # cookieless request could be another site signing a visitor in as someone else.
        user = sign_in_seeker(seeker)
        live.adopt_browser(current_actor())
    else:
        user = seeker_account(seeker)
        if not user.active:
            raise Forbidden(_("This account is disabled."))
    token, _record = issue_token(user, label="sms", lifetime=SEEKER_TOKEN_LIFETIME)
    committed(None)
    return reply(SignedIn(token=token, seeker=seeker_out(seeker)))


def me_out(seeker) -> MeOut:
    return MeOut(
        id=seeker.id,
        name=seeker.name,
        verified_mobile=seeker.mobile_verified,
        real_name_level=seeker.real_name_level.value,
        mobile=seeker.mobile,
        id_number_masked=seeker.id_number_masked,
        staff_registered=seeker.staff_registered,
        consent_version=seeker.consent_version,
        consented_at=seeker.consented_at,
        created_at=seeker.created_at,
    )


@endpoint("/me", "GET", "people", returns=MeOut, errors=(401, 403))
def get_me():
    """Your own record: name, number, verification levels and consent."""
    return reply(me_out(my_seeker(current_actor())))


@endpoint("/me", "PATCH", "people", body=MePatch, returns=MeOut, errors=(401, 403, 409, 422))
def patch_me():
    """Correct your name."""
    seeker = committed(rename_seeker(current_actor(), body(MePatch).name))
    return reply(me_out(seeker))


@endpoint(
    "/me/real-name",
    "POST",
    "people",
    body=RealNameIn,
    returns=MeOut,
    errors=(401, 403, 409, 422, 429, 503),
)
def post_real_name():
    """Verify your real name: name and resident ID number, checked by the configured verifier."""
    data = body(RealNameIn)
    seeker = committed(verify_real_name(current_actor(), data.name, data.id_number))
    return reply(me_out(seeker))


@endpoint("/me/export", "GET", "people", errors=(401, 403))
def get_me_export():
    """Everything FairCast keeps about you, as JSON."""
    response = jsonify(export_my_data(current_actor()))
    response.headers["Content-Disposition"] = 'attachment; filename="faircast-my-data.json"'
    return response


@endpoint("/me", "DELETE", "people", status=204, errors=(401, 403))
def delete_me():
    """Delete your account: your sign-ups stay in the counts, no longer yours."""
    caller = current_actor()
    delete_my_account(caller)
    if caller.login_session_id:
        sign_out()
    committed(None)
    return "", 204
