"""Accounts: creating users, checking passwords with lockout, tokens and seeker identity."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from math import ceil

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.models import (
    ApiToken,
    Employer,
    LoginFailure,
    LoginSession,
    Role,
    Seeker,
    TokenScope,
    User,
)
from app.accounts.schemas import Identity, NewUser
from app.db import utcnow
from app.errors import Conflict, NotFound, RateLimited, Unauthorized, ValidationError
from app.extensions import db
from app.validators import normalize_mobile

# Failed sign-ins count for this long. The first few are free; each one after doubles the
# wait before the next try (per account, per address, or per known browser).
FAILURE_WINDOW = timedelta(minutes=15)
FREE_FAILURES_PER_ACCOUNT = 5
FREE_FAILURES_PER_ADDRESS = 20
FREE_FAILURES_PER_DEVICE = 5
MAX_SIGN_IN_DELAY = timedelta(seconds=60)
TOKEN_PREFIX = "fc_"  # noqa: S105 - a marker, not a secret
# Compared against when the username does not exist, so both answers take as long.
_DUMMY_HASH = generate_password_hash("faircast-timing-equaliser")


def hash_token(token: str) -> str:
    """The stored form of an API token (tokens are random, so a plain digest suffices)."""
    return hashlib.sha256(token.encode()).hexdigest()


def hash_id_number(secret_key: str, number: str) -> str:
    """A keyed hash of a resident ID number: the same number maps to the same value."""
    return hmac.new(secret_key.encode(), number.encode(), hashlib.sha256).hexdigest()


def find_user(username: str) -> User | None:
    """The account with this username, if any."""
    return db.session.scalar(select(User).where(User.username == username))


def find_or_create_employer(name: str) -> Employer:
    """The employer with this name, created without a credit code when new."""
    employer = db.session.scalar(select(Employer).where(Employer.name == name))
    if employer is None:
        employer = Employer(name=name)
        db.session.add(employer)
        db.session.flush()
    return employer


def create_user(data: NewUser) -> User:
    """Create an account; a host's employer is created when it does not exist yet."""
    if find_user(data.username) is not None:
        raise Conflict("That username is taken.", {"username": "already exists"})
    user = User(
        username=data.username,
        password_hash=generate_password_hash(data.password),
        role=data.role,
        display_name=data.name or "",
    )
    if data.role == Role.HOST:
        if not data.employer:
            raise ValidationError("A host belongs to an employer.", {"employer": "required"})
        user.employer = find_or_create_employer(data.employer)
    elif data.employer:
        raise ValidationError("Only hosts belong to an employer.", {"employer": "hosts only"})
    if data.role == Role.SEEKER:
        if not (data.name and data.mobile):
            raise ValidationError(
                "A seeker needs a name and a mobile number.",
                {"name": "required", "mobile": "required"},
            )
        identity = Identity(name=data.name, mobile=data.mobile)
        seeker = identify_seeker(identity)
        if db.session.scalar(select(User).where(User.seeker_id == seeker.id)) is not None:
            raise Conflict("That mobile number has an account.", {"mobile": "already registered"})
        user.seeker = seeker
    db.session.add(user)
    db.session.flush()
    return user


def _wait_after_failures(condition, free: int, now: datetime) -> float:
    """Seconds to wait before the next try, given the recent failures matching condition:
    nothing for the first `free`, then 1 s, 2 s, 4 s … doubling up to MAX_SIGN_IN_DELAY."""
    count, last = db.session.execute(
        select(func.count(), func.max(LoginFailure.at)).where(
            condition, LoginFailure.at > now - FAILURE_WINDOW
        )
    ).one()
    if count < free:
        return 0.0
    delay = min(MAX_SIGN_IN_DELAY, timedelta(seconds=2 ** min(count - free, 16)))
    return max(0.0, (last + delay - now).total_seconds())


def authenticate(
    username: str, password: str, ip: str, known_device: tuple[str, str] | None = None
) -> User:
    """The active account these credentials open, or Unauthorized.

    Failures slow further tries down rather than lock anyone out: per account and per
    address, each failure past a free few doubles the wait before the next try. A browser
    that signed in to this account before (known_device: (user id, device id) from its
    signed cookie) is not held back by what others did, only by its own failures, so the
    owner gets in with the right password while an attacker elsewhere is being slowed.
    """
    now = utcnow()
    user = find_user(username)
    device = known_device[1] if user and known_device and known_device[0] == user.id else None
    if device is not None:
        wait = _wait_after_failures(LoginFailure.device == device, FREE_FAILURES_PER_DEVICE, now)
    else:
        wait = max(
            _wait_after_failures(LoginFailure.username == username, FREE_FAILURES_PER_ACCOUNT, now),
            _wait_after_failures(LoginFailure.ip == ip, FREE_FAILURES_PER_ADDRESS, now),
        )
    if wait > 0:
        raise RateLimited(
            "Too many failed sign-ins; wait a little and try again.",
            {"retry_after": str(ceil(wait))},
        )
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if not (user and valid and user.active):
        db.session.add(LoginFailure(username=username[:64], ip=ip[:45], device=device))
        db.session.flush()
        raise Unauthorized("Wrong username or password.")
    return user


def issue_token(
    user: User,
    scope: TokenScope = TokenScope.FULL,
    label: str = "",
    lifetime: timedelta | None = None,
) -> tuple[str, ApiToken]:
    """Issue an API token for user (valid for lifetime, or until revoked): the token itself,
    visible only now, and its record."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = utcnow() + lifetime if lifetime is not None else None
    record = ApiToken(
        user=user, token_hash=hash_token(token), scope=scope, label=label, expires_at=expires_at
    )
    db.session.add(record)
    db.session.flush()
    return token, record


def create_token(
    user: User,
    scope: TokenScope = TokenScope.FULL,
    label: str = "",
    lifetime: timedelta | None = None,
) -> str:
    """Issue an API token for user and return it (shown once; only its hash is stored)."""
    return issue_token(user, scope, label, lifetime)[0]


def token_for(raw: str) -> ApiToken | None:
    """The live token record for a presented bearer token, if it is valid."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if record is None or not record.valid_at(utcnow()) or not record.user.active:
        return None
    return record


def list_tokens(user_id: str) -> list[ApiToken]:
    """A user's tokens, newest first (revoked and expired ones too, marked as such)."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user_id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id)
        )
    )


def revoke_token(user_id: str, token_id: str) -> ApiToken:
    """Revoke one of the user's tokens: it stops working at once (revoking again is harmless)."""
    record = db.session.get(ApiToken, token_id)
    if record is None or record.user_id != user_id:
        raise NotFound("No such token.")
    if record.revoked_at is None:
        record.revoked_at = utcnow()
    db.session.flush()
    return record


def start_login_session(user: User) -> LoginSession:
    """Record a sign-in; its id goes into the browser's session cookie."""
    record = LoginSession(id=secrets.token_hex(16), user_id=user.id)
    db.session.add(record)
    db.session.flush()
    return record


def end_login_session(login_session_id: str | None) -> None:
    """Sign-out: the session stops working here and for every socket opened with it."""
    if login_session_id:
        record = db.session.get(LoginSession, login_session_id)
        if record is not None and record.ended_at is None:
            record.ended_at = utcnow()


def load_session_user(session_id: str, login_session_id: str | None) -> User | None:
    """The user a session cookie names, unless that sign-in or all their sessions ended."""
    user_id, _, version = session_id.partition(":")
    user = db.session.get(User, user_id)
    if user is None or not user.active or str(user.session_version) != version:
        return None
    record = db.session.get(LoginSession, login_session_id) if login_session_id else None
    if record is None or record.ended_at is not None or record.user_id != user.id:
        return None
    return user


def end_sessions(user: User) -> None:
    """Sign user out everywhere: every session cookie and socket of theirs stops working."""
    user.session_version += 1


def disable_user(user: User) -> None:
    """Lock an account out: no sign-in, no token, and its open sessions end."""
    user.active = False
    end_sessions(user)


# The password of an account made for a seeker who signs in by SMS: matches no password.
NO_PASSWORD = "!"  # noqa: S105 - a marker no hash check accepts


def seeker_account(seeker: Seeker) -> User:
    """The account a seeker signs in to, made the first time they prove their number."""
    user = db.session.scalar(select(User).where(User.seeker_id == seeker.id))
    if user is None:
        user = User(
            username=f"seeker-{seeker.id}",
            password_hash=NO_PASSWORD,
            role=Role.SEEKER,
            seeker=seeker,
        )
        db.session.add(user)
        db.session.flush()
    return user


def find_seeker(mobile: str) -> Seeker | None:
    """The person with this mobile number, if they are known."""
    normal = normalize_mobile(mobile)
    if normal is None:
        return None
    return db.session.scalar(select(Seeker).where(Seeker.mobile == normal))


def identify_seeker(
    identity: Identity, secret_key: str | None = None, registered_by_id: str | None = None
) -> Seeker:
    """The person with this mobile number as staff (or an operator) know them, created the first
    time it is seen: marked staff-registered (registered_by_id) until the person proves the
    number themself. Never a browser's door: typing a number proves nothing."""
    seeker = find_seeker(identity.mobile)
    if seeker is None:
        seeker = Seeker(
            name=identity.name, mobile=identity.mobile, registered_by_id=registered_by_id
        )
        db.session.add(seeker)
    elif not seeker.name:
        seeker.name = identity.name
    if identity.id_number and secret_key:
        digest = hash_id_number(secret_key, identity.id_number)
        other = db.session.scalar(select(Seeker).where(Seeker.id_number_hash == digest))
        if other is not None and other is not seeker:
            raise Conflict(
                "That ID number belongs to another mobile number.", {"id_number": "in use"}
            )
        seeker.id_number_hash = digest
        seeker.id_number_masked = identity.id_number[:4] + "*" * 10 + identity.id_number[-4:]
    db.session.flush()
    return seeker
