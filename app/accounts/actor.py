"""Who is acting: one value built once per door (session, bearer token, socket connection) and
passed to every service, so the rules never depend on how a request arrived."""

from __future__ import annotations

from dataclasses import dataclass

from app.accounts.models import HasRole, Role, TokenScope, User
from app.errors import Forbidden, Unauthorized

# How a person key starts: a known person, a staff account, a browser (visitor).
SEEKER_PREFIX, USER_PREFIX, VISITOR_PREFIX = "s:", "u:", "v:"


def person_key(seeker_id: str | None, user_id: str | None, visitor_id: str | None) -> str:
    """Who this is for counting and moderation: the person if known, else the browser."""
    if seeker_id:
        return SEEKER_PREFIX + seeker_id
    if user_id:
        return USER_PREFIX + user_id
    return VISITOR_PREFIX + (visitor_id or "")


@dataclass(frozen=True)
class Actor(HasRole):
    """The person behind a request or a live connection, and what their credentials allow."""

    user_id: str | None = None
    role: Role | None = None
    name: str | None = None
    employer_id: str | None = None
    seeker_id: str | None = None
    # The browser (a random id in a cookie), also for anonymous viewers; None for API clients.
    visitor_id: str | None = None
    # The address the request came from, for limits per address.
    ip: str | None = None
    scope: TokenScope | None = None
    # What proves the credentials are still good: re-checked while a live connection stays open.
    token_id: str | None = None
    login_session_id: str | None = None
    session_version: int | None = None

    @classmethod
    def of(cls, user: User, scope: TokenScope = TokenScope.FULL, **door) -> Actor:
        """The actor for a signed-in user (door: visitor_id, ip, token_id, login_session_id)."""
        return cls(
            user_id=user.id,
            role=user.role,
            name=user.name,
            employer_id=user.employer_id,
            seeker_id=user.seeker_id,
            scope=scope,
            session_version=user.session_version,
            **door,
        )

    @classmethod
    def anonymous(cls, visitor_id: str | None = None, ip: str | None = None) -> Actor:
        """Someone who has not proved who they are (a browser at most)."""
        return cls(visitor_id=visitor_id, ip=ip)

    # Who -----------------------------------------------------------------------------------

    @property
    def id(self) -> str | None:
        """The user id (services record it as who did something)."""
        return self.user_id

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def person_key(self) -> str:
        return person_key(self.seeker_id, self.user_id, self.visitor_id)

    # What the credentials allow -------------------------------------------------------------

    @property
    def full_access(self) -> bool:
        """Everything the user may do (a read-only export token may not act or see secrets)."""
        return self.is_authenticated and self.scope == TokenScope.FULL

    @property
    def reads_personal_data(self) -> bool:
        """Contact details in exports: left out for a token of the `export` scope."""
        return self.is_authenticated and self.scope != TokenScope.EXPORT

    def require_signed_in(self) -> Actor:
        if not self.is_authenticated:
            raise Unauthorized("Sign in or send an API token.")
        return self

    def require_full_access(self) -> Actor:
        """The one scope check: acting, and seeing secrets, need full credentials."""
        self.require_signed_in()
        if self.scope != TokenScope.FULL:
            raise Forbidden("This token may only read exports.")
        return self


ANONYMOUS = Actor()
