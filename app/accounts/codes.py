"""One-time codes sent by SMS: six digits, five minutes, single use, five tries, kept hashed.

Sending is limited per number (one a minute, ten a day), per address and per browser, and the
answer is the same whether or not the number belongs to anyone.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta
from math import ceil

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import OneTimeCode
from app.db import utcnow
from app.errors import RateLimited, Unauthorized, ValidationError
from app.extensions import db
from app.sms import send as send_sms
from app.validators import normalize_mobile

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=5)
MAX_TRIES = 5
# Sends per number: one a minute for each purpose (signing a contract right after signing in
# must not wait), ten a day in all.
RESEND_AFTER = timedelta(minutes=1)
PER_NUMBER_PER_DAY = 10
# Sends per address and per browser within an hour. An address can be a whole service hall
# behind one NAT; a browser is one phone, which rarely needs more than a couple of numbers.
PER_ADDRESS_PER_HOUR = 60
PER_BROWSER_PER_HOUR = 5
PURPOSE_RE = re.compile(r"^[a-z_]{1,20}$")
CODE_RE = re.compile(r"^\d{6}$")


def _hash(mobile: str, purpose: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{mobile}:{purpose}:{code}".encode(), hashlib.sha256).hexdigest()


def valid_mobile(mobile: str) -> str:
    """The normalised mobile number, or a ValidationError saying what is wrong."""
    normal = normalize_mobile(mobile) if isinstance(mobile, str) else None
    if normal is None:
        raise ValidationError(
            _("Enter an 11-digit mainland China mobile number."),
            {"mobile": _("not a mobile number")},
        )
    return normal


def _purpose(purpose: str) -> str:
    if not PURPOSE_RE.match(purpose or ""):
        raise ValueError(f"not a code purpose: {purpose!r}")
    return purpose


def _limited(seconds: float) -> RateLimited:
    wait = max(1, ceil(seconds))
    return RateLimited(
        _("Too many codes requested; try again in %(seconds)d seconds.", seconds=wait),
        {"retry_after": str(wait)},
    )


def _count_since(condition, since) -> tuple[int, object]:
    return db.session.execute(
        select(func.count(), func.min(OneTimeCode.created_at)).where(
            condition, OneTimeCode.created_at > since
        )
    ).one()


def _check_limits(mobile: str, purpose: str, ip: str, browser: str | None, now) -> None:
    last = db.session.scalar(
        select(func.max(OneTimeCode.created_at)).where(
            OneTimeCode.mobile == mobile, OneTimeCode.purpose == purpose
        )
    )
    if last is not None and now - last < RESEND_AFTER:
        raise _limited((last + RESEND_AFTER - now).total_seconds())
    day, hour = timedelta(days=1), timedelta(hours=1)
    checks = [(OneTimeCode.mobile == mobile, day, PER_NUMBER_PER_DAY)]
    checks.append((OneTimeCode.ip == ip, hour, PER_ADDRESS_PER_HOUR))
    if browser:
        checks.append((OneTimeCode.browser == browser, hour, PER_BROWSER_PER_HOUR))
    for condition, window, cap in checks:
        count, first = _count_since(condition, now - window)
        if count >= cap:
            raise _limited((first + window - now).total_seconds())


def send_code(mobile: str, purpose: str, *, ip: str, browser: str | None) -> None:
    """Text a fresh code for purpose to mobile (whoever it belongs to, if anyone);
    RateLimited when this number, address or browser asked too often."""
    mobile, purpose = valid_mobile(mobile), _purpose(purpose)
    now = utcnow()
    _check_limits(mobile, purpose, ip or "", browser, now)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    db.session.add(
        OneTimeCode(
            mobile=mobile,
            purpose=purpose,
            code_hash=_hash(mobile, purpose, code),
            ip=(ip or "")[:45],
            browser=(browser or None) and browser[:40],
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
    )
    db.session.flush()
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    send_sms(
        mobile,
        _(
            "[FairCast] Your code is %(code)s (valid for %(minutes)d minutes). "
            "Do not tell it to anyone.",
            code=code,
            minutes=minutes,
        ),
        {"code": code},
    )


def verify_code(mobile: str, purpose: str, code: str) -> None:
    """Accept the newest code sent for purpose to mobile, once; Unauthorized when it is wrong,
    expired, used or tried too often, ValidationError when it is not six digits.

    Call it before writing anything else in the unit of work: a wrong try is committed at once
    (so rolling the request back does not give the try back)."""
    mobile, purpose = valid_mobile(mobile), _purpose(purpose)
    code = (code or "").strip() if isinstance(code, str) else ""
    if not CODE_RE.match(code):
        raise ValidationError(_("Enter the 6-digit code."), {"code": _("6 digits")})
    record = db.session.scalar(
        select(OneTimeCode)
        .where(OneTimeCode.mobile == mobile, OneTimeCode.purpose == purpose)
        .order_by(OneTimeCode.created_at.desc(), OneTimeCode.id.desc())
        .limit(1)
    )
    now = utcnow()
    if record is None or record.used_at is not None:
        raise Unauthorized(_("No valid code for this number; ask for a new one."))
    if now >= record.expires_at:
        raise Unauthorized(_("The code has expired; ask for a new one."))
    if record.tries >= MAX_TRIES:
        raise Unauthorized(_("Too many wrong tries; ask for a new code."))
    if not hmac.compare_digest(record.code_hash, _hash(mobile, purpose, code)):
        record.tries += 1
        left = MAX_TRIES - record.tries
        # The try must count even though the caller rolls its work back on this error.
        db.session.commit()
        if left <= 0:
            raise Unauthorized(_("Too many wrong tries; ask for a new code."))
        raise Unauthorized(
            _("Wrong code; %(left)d tries left.", left=left), {"code": _("wrong code")}
        )
    record.used_at = now
    db.session.flush()
