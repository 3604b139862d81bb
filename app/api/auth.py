"""Who is calling the API: a bearer token or the browser session (which then needs CSRF)."""

from __future__ import annotations

from flask import g, request
from flask_login import current_user

from app.accounts.models import TokenScope, User
from app.accounts.services import token_for
from app.db import utcnow
from app.errors import Forbidden, Unauthorized
from app.extensions import csrf

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def bearer_token() -> str | None:
    """The token in an Authorization: Bearer header, if one was sent."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def authenticate_request() -> None:
    """Resolve the caller once per request into g.actor and g.scope."""
    g.actor, g.scope = None, None
    raw = bearer_token()
    if raw is not None:
        record = token_for(raw)
        if record is None:
            raise Unauthorized("The API token is not valid.")
        if record.last_used_at is None or (utcnow() - record.last_used_at).total_seconds() > 60:
            record.last_used_at = utcnow()
        g.actor, g.scope = record.user, record.scope
        return
    if current_user.is_authenticated:
        if request.method in UNSAFE_METHODS:
            csrf.protect()
        g.actor, g.scope = current_user._get_current_object(), TokenScope.FULL


def actor() -> User | None:
    """The calling user, or None for an anonymous request."""
    return g.get("actor")


def require_actor(*, write: bool = False) -> User:
    """The calling user; Unauthorized when anonymous, Forbidden for a read-only token."""
    user = actor()
    if user is None:
        raise Unauthorized("Sign in or send an API token.")
    if write and g.scope != TokenScope.FULL:
        raise Forbidden("This token may only read exports.")
    return user


def require_personal_data() -> User:
    """The calling user, unless their token's scope leaves out people's contact details."""
    user = require_actor()
    refuse_export_only()
    return user


def refuse_export_only() -> None:
    """Forbidden for a token whose scope leaves out people's contact details."""
    if g.get("scope") == TokenScope.EXPORT:
        raise Forbidden("This token may not read personal data.")


def scope() -> TokenScope | None:
    """What the caller's credentials allow (None when anonymous)."""
    return g.get("scope")
