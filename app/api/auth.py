"""Who is calling the API: the Actor of a bearer token or of the browser session (whose writes
then need a CSRF token)."""

from __future__ import annotations

from flask import current_app, request

from app.accounts.actor import Actor
from app.accounts.doors import VISITOR_COOKIE, bearer_token, current_actor
from app.api.registry import Endpoint
from app.errors import Forbidden
from app.extensions import csrf

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def authenticate_request(spec: Endpoint | None) -> None:
    """Resolve the caller once per request; a browser's writes must carry its CSRF token.

    A write without a bearer token needs it when a signed-in session makes it, and when
    anyone may make it (spec.auth False) and it uses the browser session, or comes with
    FairCast's cookies (what another site could make a browser send). An anonymous write to
    an operation for signed-in callers is refused as unauthenticated instead.
    """
    caller = current_actor()
    if request.method not in UNSAFE_METHODS or bearer_token() is not None:
        return
    anyone_may = spec is None or not spec.auth
    uses_session = spec is None or spec.session
    if caller.is_authenticated or (anyone_may and (uses_session or from_page())):
        csrf.protect()


def from_page() -> bool:
    """Whether the request comes with FairCast's cookies (a page, not an app); such writes
    carry a CSRF token."""
    return _has_our_cookies()


def _has_our_cookies() -> bool:
    names = (current_app.config["SESSION_COOKIE_NAME"], VISITOR_COOKIE)
    return any(name in request.cookies for name in names)


def actor() -> Actor:
    """The caller (anonymous when nobody signed in)."""
    return current_actor()


def require_actor(*, write: bool = False) -> Actor:
    """The signed-in caller; Unauthorized when anonymous, Forbidden for a read-only token."""
    caller = actor().require_signed_in()
    if write:
        caller.require_full_access()
    return caller


def require_personal_data() -> Actor:
    """The calling user, unless their token's scope leaves out people's contact details."""
    caller = require_actor()
    refuse_export_only()
    return caller


def refuse_export_only() -> None:
    """Forbidden for a token whose scope leaves out people's contact details."""
    if actor().is_authenticated and not actor().reads_personal_data:
        raise Forbidden("This token may not read personal data.")
