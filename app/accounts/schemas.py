"""What people type to sign in, identify themselves or get a token."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, field_validator

from app.accounts.models import Role, TokenScope
from app.schemas import Input, Name, Output, Text
from app.validators import normalize_mobile, normalize_resident_id

Password = Text(200, 1)
# Tokens exchanged for a password work this many days unless asked otherwise (at most a year).
DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS = 30, 365


class Credentials(Input):
    username: Text(64, 1)
    password: Password


class TokenRequest(Credentials):
    """Credentials, and how many days the token should work (30 when not said)."""

    lifetime_days: Annotated[int, Field(ge=1, le=MAX_TOKEN_DAYS)] = DEFAULT_TOKEN_DAYS


class TokenOut(Output):
    token: str
    role: Role
    id: str
    expires_at: datetime | None


class TokenInfo(Output):
    """A token as its owner sees it in the list (never the token itself)."""

    id: str
    label: str
    scope: TokenScope
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class Identity(Input):
    """A seeker's name and mobile number, and optionally their resident ID number."""

    name: Name
    mobile: Text(20, 1)
    id_number: Text(18) | None = None

    @field_validator("mobile")
    @classmethod
    def _mobile(cls, value: str) -> str:
        mobile = normalize_mobile(value)
        if mobile is None:
            raise ValueError("not a mainland China mobile number (11 digits starting 13-19)")
        return mobile

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, value: str | None) -> str | None:
        if not value:
            return None
        number = normalize_resident_id(value)
        if number is None:
            raise ValueError("not a valid resident ID number (check digit does not match)")
        return number


class NewUser(Input):
    """An account created by an operator (the CLI) or an organiser."""

    role: Role
    username: Text(64, 3)
    password: Text(200, 8)
    employer: Text(100, 1) | None = None
    name: Text(50) | None = None
    mobile: Text(20) | None = None

    @field_validator("username")
    @classmethod
    def _username(cls, value: str) -> str:
        if not all(c.isalnum() or c in "._-" for c in value):
            raise ValueError("use letters, digits, dot, dash or underscore")
        return value


class CodeRequest(Input):
    """A mobile number to text a sign-in code to."""

    mobile: Text(20, 1)


class CodeSent(Output):
    """When the next code may be asked for (the same answer for every number)."""

    retry_after_s: int


class CodeProof(Input):
    """The code that came by SMS; consent to the privacy notice at the first verification."""

    mobile: Text(20, 1)
    code: Text(10, 1)
    consent: bool = False


class SeekerOut(Output):
    id: str
    name: str
    verified_mobile: bool
    real_name_level: str


class SignedIn(Output):
    """A bearer token for apps (the page's session is signed in too) and who it stands for."""

    token: str
    seeker: SeekerOut


class MeOut(SeekerOut):
    """A seeker's own record, as only they (and organisers) see it."""

    mobile: str | None
    id_number_masked: str | None
    staff_registered: bool
    consent_version: str | None
    consented_at: datetime | None
    created_at: datetime


class MePatch(Input):
    name: Name


class RealNameIn(Input):
    name: Name
    id_number: Text(30, 1)
