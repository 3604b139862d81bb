"""Real-name verification, chosen by FAIRCAST_REALNAME_VERIFIER: `checksum` (offline: the GB 11643
check character and a plausible birth date mark the person "ID checked") or `aliyun` (the
authority's name + ID two-factor check through Aliyun's Cloudauth `Id2MetaVerify`, signed like
every Aliyun RPC call, marks them "verified")."""

from __future__ import annotations

import json
import logging
import secrets
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.actor import Actor
from app.accounts.models import RealNameAttempt, RealNameLevel, Seeker
from app.accounts.seekers import my_seeker
from app.accounts.services import hash_id_number
from app.db import utcnow
from app.errors import Conflict, DomainError, RateLimited, ValidationError
from app.extensions import db
from app.sms.gateways import aliyun_signature
from app.validators import normalize_resident_id

log = logging.getLogger("faircast.realname")
VERIFIERS = ("checksum", "aliyun")
HTTP_TIMEOUT_SECONDS = 10
# Tries per person and per browser a day: enough for typos, too few to search for numbers.
TRIES_PER_PERSON_PER_DAY = 5
TRIES_PER_BROWSER_PER_DAY = 10


class VerifierUnavailable(DomainError):
    """The identity check could not be reached or gave no usable answer."""

    status = 503
    code = "verifier_unavailable"


class ChecksumVerifier:
    """Offline: the ID number is well-formed (check character, birth date); the name is taken
    on trust, so the level is only "ID checked"."""

    def check(self, name: str, id_number: str) -> RealNameLevel:
        return RealNameLevel.ID_CHECKED


@dataclass
class AliyunIdVerifier:
    """Aliyun Cloudauth Id2MetaVerify: does this name belong to this resident ID number?"""

    access_key_id: str
    access_key_secret: str
    endpoint: str = "https://cloudauth.aliyuncs.com/"

    def request_params(self, name: str, id_number: str, now: datetime) -> dict[str, str]:
        """The signed form of one Id2MetaVerify request."""
        fields = {
            "AccessKeyId": self.access_key_id,
            "Action": "Id2MetaVerify",
            "Format": "JSON",
            "IdentifyNum": id_number,
            "ParamType": "normal",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": secrets.token_hex(16),
            "SignatureVersion": "1.0",
            "Timestamp": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "UserName": name,
            "Version": "2019-03-07",
        }
        fields["Signature"] = aliyun_signature(self.access_key_secret, "POST", fields)
        return fields

    def check(self, name: str, id_number: str) -> RealNameLevel:
        fields = self.request_params(name, id_number, datetime.now(UTC))
        request = urllib.request.Request(  # noqa: S310 - an https endpoint from settings
            self.endpoint,
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310
                answer = json.loads(response.read().decode("utf-8"))
            code = str(answer.get("Code"))
            biz = str((answer.get("ResultObject") or {}).get("BizCode"))
        except (OSError, ValueError, AttributeError, TypeError) as exc:
            log.warning("identity check failed: %s", exc)
            raise _unavailable() from None
        if code == "200" and biz == "1":
            return RealNameLevel.VERIFIED
        if code == "200" and biz in ("2", "3"):
            raise ValidationError(
                _("The name and the ID number do not match the authority's records."),
                {"id_number": _("does not match")},
            )
        log.warning("identity check answered %s / %s", code, biz)
        raise _unavailable()


def _unavailable() -> VerifierUnavailable:
    return VerifierUnavailable(_("The identity check is unavailable; try again later."))


def build_verifier(settings):
    """The verifier the settings name; a RuntimeError names what is missing."""
    if settings.realname_verifier == "checksum":
        return ChecksumVerifier()
    if settings.realname_verifier == "aliyun":
        key_id = settings.provider("realname_aliyun_access_key_id")
        secret = settings.provider("realname_aliyun_access_key_secret")
        if not (key_id and secret):
            raise RuntimeError(
                "FAIRCAST_REALNAME_VERIFIER=aliyun needs FAIRCAST_REALNAME_ALIYUN_ACCESS_KEY_ID "
                "and FAIRCAST_REALNAME_ALIYUN_ACCESS_KEY_SECRET"
            )
        endpoint = settings.provider("realname_aliyun_endpoint")
        return AliyunIdVerifier(key_id, secret, **({"endpoint": endpoint} if endpoint else {}))
    raise RuntimeError(f"FAIRCAST_REALNAME_VERIFIER must be one of {', '.join(VERIFIERS)}")


def verifier():
    """This app's verifier, built once."""
    found = current_app.extensions.get("faircast_realname")
    if found is None:
        found = current_app.extensions["faircast_realname"] = build_verifier(
            current_app.config["FAIRCAST"]
        )
    return found


def mask_id_number(number: str) -> str:
    """A resident ID number as shown where the real one would be: 3505**********123X."""
    return number[:4] + "*" * 10 + number[-4:]


def _check_tries(seeker: Seeker, browser: str | None, now: datetime) -> None:
    since = now - timedelta(days=1)
    checks = [(RealNameAttempt.seeker_id == seeker.id, TRIES_PER_PERSON_PER_DAY)]
    if browser:
        checks.append((RealNameAttempt.browser == browser, TRIES_PER_BROWSER_PER_DAY))
    for condition, cap in checks:
        count = db.session.scalar(select(func.count()).where(condition, RealNameAttempt.at > since))
        if count >= cap:
            raise RateLimited(
                _("Too many identity checks today; try again tomorrow or ask staff."),
                {"retry_after": str(24 * 3600)},
            )


def verify_real_name(actor: Actor, name: str, id_number: str) -> Seeker:
    """A seeker gives their name and resident ID number: checked by the configured verifier,
    the level is recorded with the ID's keyed hash and masked form (never the number)."""
    seeker = my_seeker(actor)
    actor.require_full_access()
    number = normalize_resident_id(id_number)
    if number is None:
        raise ValidationError(
            _("Not a valid resident ID number (18 characters; the last one is a check digit)."),
            {"id_number": _("not valid")},
        )
    now = utcnow()
    _check_tries(seeker, actor.visitor_id, now)
    db.session.add(RealNameAttempt(seeker_id=seeker.id, browser=actor.visitor_id, at=now))
    # The try counts even when the check fails below (the caller rolls its work back).
    db.session.commit()
    digest = hash_id_number(current_app.config["SECRET_KEY"], number)
    holder = db.session.scalar(select(Seeker.id).where(Seeker.id_number_hash == digest))
    if holder is not None and holder != seeker.id:
        # Says nothing about who: staff at the service hall sort duplicates out in person.
        raise Conflict(
            _("This ID number cannot be verified on this account; ask staff at the service hall."),
            {"id_number": _("cannot be used")},
        )
    level = verifier().check(name, number)
    seeker.name = name
    seeker.id_number_hash, seeker.id_number_masked = digest, mask_id_number(number)
    if level == RealNameLevel.VERIFIED or seeker.real_name_level != RealNameLevel.VERIFIED:
        seeker.real_name_level = level
    seeker.real_name_checked_at = now
    db.session.flush()
    return seeker
