"""Domain errors raised by services; views, the API and socket handlers turn them into answers."""

from __future__ import annotations


class DomainError(Exception):
    """Something the user asked for cannot be done; the message says why."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class ValidationError(DomainError):
    """Input that is missing, malformed or inconsistent."""

    status = 422
    code = "invalid"


class NotFound(DomainError):
    """No such object, or none the user may see (the two are not told apart)."""

    status = 404
    code = "not_found"


class Forbidden(DomainError):
    """The user is known but may not do this."""

    status = 403
    code = "forbidden"


class Unauthorized(DomainError):
    """The request carries no valid credentials."""

    status = 401
    code = "unauthorized"


class Conflict(DomainError):
    """The request clashes with what is already stored (a duplicate, an overlap, a state)."""

    status = 409
    code = "conflict"


class RateLimited(DomainError):
    """Too many attempts; try again later."""

    status = 429
    code = "rate_limited"


class IllegalTransition(Conflict):
    """A state change that the object's current state does not allow."""

    code = "illegal_transition"


class PayloadTooLarge(DomainError):
    """The upload is bigger than allowed."""

    status = 413
    code = "too_large"


class UnsupportedMedia(DomainError):
    """The upload's content is not a video FairCast plays."""

    status = 415
    code = "unsupported_media"
