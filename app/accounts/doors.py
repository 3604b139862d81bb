"""The doors people come in by: a browser session, a bearer token or a live connection's
handshake. Each builds the Actor once; nothing past the door reads cookies or headers."""

from __future__ import annotations

import re
import secrets

from flask import current_app, g, request, session
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.accounts.actor import Actor
from app.accounts.models import Seeker, User
from app.accounts.services import (
    end_login_session,
    seeker_account,
    start_login_session,
    token_for,
)
from app.db import utcnow
from app.errors import Forbidden, Unauthorized

# A random id the room page keeps in a cookie: one browser, before its viewer says who they are.
VISITOR_COOKIE = "fc_vid"
VISITOR_ID_RE = re.compile(r"^[A-Za-z0-9_-]{8,40}$")
# The sign-in record of this browser (see LoginSession), kept in Flask's signed session.
LOGIN_SESSION_KEY = "login_session"
# A token's last use is written at most this often (seconds): reads stay cheap.
TOKEN_TOUCH_SECONDS = 60


# A browser that signed in to an account before keeps a signed note of it: its sign-ins are not
# slowed by other people's failed tries on that account (see accounts.services.authenticate).
DEVICE_COOKIE = "fc_dev"
DEVICE_COOKIE_AGE = 365 * 24 * 3600
_DEVICE_SALT = "faircast-known-device"


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_DEVICE_SALT)


def known_device() -> tuple[str, str] | None:
    """(user id, device id) this browser proved it signed in with, if its cookie is good."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        user_id, device_id = _device_serializer().loads(raw, max_age=DEVICE_COOKIE_AGE)
    except (BadSignature, ValueError, TypeError):
        return None
    return str(user_id), str(device_id)


def remember_device(response, user_id: str) -> None:
    """After a good sign-in: this browser is a known device of the account from now on."""
    current = known_device()
    device_id = current[1] if current and current[0] == user_id else secrets.token_hex(8)
    response.set_cookie(
        DEVICE_COOKIE,
        _device_serializer().dumps([user_id, device_id]),
        max_age=DEVICE_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


def bearer_token() -> str | None:
    """The token in an Authorization: Bearer header, if one was sent."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def valid_visitor_id(*candidates) -> str | None:
    """The first candidate that is a well-formed browser id."""
    for candidate in candidates:
        if isinstance(candidate, str) and VISITOR_ID_RE.match(candidate):
            return candidate
    return None


def request_ip() -> str:
    """The client's address (behind a proxy, as the proxy-fix middleware resolved it)."""
    return request.remote_addr or ""


def token_actor(raw: str, **door) -> Actor:
    """The actor a bearer token stands for; Unauthorized when it is not valid."""
    record = token_for(raw)
    if record is None:
        raise Unauthorized("The API token is not valid.")
    now = utcnow()
    if record.last_used_at is None or (now - record.last_used_at).total_seconds() > (
        TOKEN_TOUCH_SECONDS
    ):
        record.last_used_at = now
    return Actor.of(record.user, record.scope, token_id=record.id, **door)


def session_actor(**door) -> Actor:
    """The actor of this browser's session: its signed-in user (a seeker signs in by proving
    their number with a code), else an anonymous browser."""
    if current_user.is_authenticated:
        return Actor.of(
            current_user._get_current_object(),
            login_session_id=session.get(LOGIN_SESSION_KEY),
            **door,
        )
    return Actor.anonymous(**door)


def sign_in_user(user: User) -> None:
    """Bind this browser's session to user (after a password or a code proved who they are);
    whoever was signed in here before is signed out."""
    end_login_session(session.get(LOGIN_SESSION_KEY))
    session[LOGIN_SESSION_KEY] = start_login_session(user).id
    login_user(user)
    g.pop("actor", None)


def sign_in_seeker(seeker: Seeker) -> User:
    """Bind this browser's session to a seeker who just proved their mobile number: from now on
    current_actor().seeker_id is theirs, here and on live connections opened with it."""
    user = seeker_account(seeker)
    if not user.active:
        raise Forbidden(_("This account is disabled."))
    sign_in_user(user)
    return user


def sign_out() -> None:
    """End this browser's sign-in: its session and its live connections stop working."""
    end_login_session(session.pop(LOGIN_SESSION_KEY, None))
    logout_user()
    g.pop("actor", None)


def current_actor() -> Actor:
    """The actor of the current HTTP request, built once and kept on `g`."""
    actor = g.get("actor")
    if actor is None:
        door = {
            "ip": request_ip(),
            "visitor_id": valid_visitor_id(request.cookies.get(VISITOR_COOKIE)),
        }
        raw = bearer_token()
        actor = token_actor(raw, **door) if raw is not None else session_actor(**door)
        g.actor = actor
    return actor
