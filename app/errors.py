"""Domain errors raised by services; views, the API and socket handlers turn them into answers."""

from __future__ import annotations

from flask import has_request_context
from flask_babel import gettext
from flask_babel import lazy_gettext as _l


def N_(message: str) -> str:  # noqa: N802 - the name gettext tools look for
    """Mark message for translation where it is written; it is translated where it is shown."""
    return message


# Field names as people read them, for messages that name a field.
FIELD_LABELS = {
    "title": _l("Title"),
    "starts_at": _l("Start time"),
    "ends_at": _l("End time"),
    "timezone": _l("Time zone"),
    "venue": _l("Venue"),
    "capacity": _l("Capacity"),
    "status": _l("Status"),
    "mode": _l("Fair type"),
    "description": _l("Description"),
    "host_username": _l("Host"),
    "host_id": _l("Host"),
    "name": _l("Name"),
    "mobile": _l("Mobile number"),
    "code": _l("Verification code"),
    "username": _l("Username"),
    "password": _l("Password"),
    "employer": _l("Employer"),
    "employer_id": _l("Employer"),
    "category": _l("Category"),
    "pay_min": _l("Lowest pay"),
    "pay_max": _l("Highest pay"),
    "pay_unit": _l("Pay unit"),
    "district": _l("District"),
    "headcount": _l("Openings"),
    "work_type": _l("Work type"),
    "shift": _l("Shift"),
    "benefits": _l("Benefits"),
    "requirements": _l("Requirements"),
    "contact": _l("Contact"),
    "job_id": _l("Job"),
    "room_id": _l("Session"),
    "fair_id": _l("Fair"),
    "video": _l("Video file"),
    "premiere_at": _l("Premiere time"),
    "source": _l("Video source"),
    "upload_id": _l("Uploaded video"),
    "text": _l("Message"),
    "ticket_code": _l("Ticket code"),
    "number": _l("Booth number"),
    "note": _l("Note"),
    "body": _l("Request"),
}


def field_label(name: str) -> str:
    """How a person reads a field's name (the name itself when it has no label)."""
    label = FIELD_LABELS.get(str(name).split(".")[0])
    return str(label) if label is not None else str(name)


def translated(text):
    """text in the reader's language when the catalogue has it (a code or a name is kept).

    Outside a request (the command line, a background task) nobody's language is known: the
    English source is kept."""
    if not isinstance(text, str) or not text or not has_request_context():
        return text
    return gettext(text)


def translated_error(error: dict) -> dict:
    """An error answer's message and field explanations in the reader's language."""
    fields = error.get("fields") or {}
    return {
        **error,
        "message": translated(error.get("message")),
        "fields": {name: translated(value) for name, value in fields.items()},
    }


class DomainError(Exception):
    """Something the user asked for cannot be done; the message says why.

    The message and the fields' explanations are written in English and translated when shown
    (text, shown_fields, to_dict), in the language of whoever reads them.
    """

    status = 400
    code = "bad_request"

    def __init__(
        self, message: str, fields: dict[str, str] | None = None, params: dict | None = None
    ):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.params = params or {}

    @property
    def text(self) -> str:
        """The message in the reader's language."""
        return self._fill(translated(self.message))

    def shown_fields(self) -> dict:
        """The fields' explanations in the reader's language (codes and values are kept)."""
        return {name: self._fill(translated(value)) for name, value in self.fields.items()}

    def _fill(self, value):
        if self.params and isinstance(value, str) and "%(" in value:
            return value % self.params
        return value

    def details(self) -> str:
        """The fields' explanations, each after the field's label, for a line of text."""
        return "; ".join(
            f"{field_label(name)}: {value}" for name, value in self.shown_fields().items()
        )

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.text, "fields": self.shown_fields()}


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
