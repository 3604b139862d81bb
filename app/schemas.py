"""Input parsing shared by pages, the REST API and socket events: one schema per input."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, TypeVar

import pydantic
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, StringConstraints

from app.errors import ValidationError

M = TypeVar("M", bound=BaseModel)


# Control characters (and the Unicode line and paragraph separators): never in stored text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# What a text of several lines may hold besides: line breaks and tabs.
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
# What an id in a URL or a payload may be made of (ids are opaque, but never anything else).
ID_PATTERN = r"[A-Za-z0-9_-]{1,64}"


def single_line(value: str) -> str:
    """value, when it holds no line break or other control character; else a ValueError."""
    if _CONTROL.search(value):
        raise ValueError("must be a single line without control characters")
    return value


def lines(value: str) -> str:
    """value with line breaks as \\n, when it holds no other control character."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL_BUT_LINES.search(value):
        raise ValueError("must not contain control characters")
    return value


def Text(max_length: int, min_length: int = 0, *, multiline: bool = False) -> Any:  # noqa: N802
    """A stripped string with length limits: one line, or several when multiline."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        AfterValidator(lines if multiline else single_line),
    ]


Name = Text(50, 1)
Id = Annotated[str, StringConstraints(pattern=f"^{ID_PATTERN}$")]

# Times FairCast schedules; outside them a time could not even be converted to UTC for storage.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def plausible_time(value: datetime) -> datetime:
    """value, when its year is one FairCast schedules fairs in; else a ValueError."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(plausible_time)]


class Input(BaseModel):
    """Base of every input schema: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Output(BaseModel):
    """Base of every output schema: read from model attributes."""

    model_config = ConfigDict(from_attributes=True)


def field_errors(error: pydantic.ValidationError) -> dict[str, str]:
    """Pydantic's errors as {field: message}, the first message per field."""
    fields: dict[str, str] = {}
    for item in error.errors(include_url=False):
        name = ".".join(str(part) for part in item["loc"]) or "body"
        message = item["msg"].removeprefix("Value error, ")
        fields.setdefault(name, message)
    return fields


def parse(model: type[M], data: Any) -> M:
    """Validate a mapping (a form, socket payload) against model, or raise ValidationError."""
    if not isinstance(data, dict):
        raise ValidationError("Expected an object.", {"body": "must be an object"})
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        raise ValidationError("Some fields are not valid.", field_errors(exc)) from None


def parse_json(model: type[M], raw: bytes) -> M:
    """Validate a JSON body strictly (no silent type coercion), or raise ValidationError."""
    try:
        return model.model_validate_json(raw or b"{}", strict=True)
    except pydantic.ValidationError as exc:
        raise ValidationError("Some fields are not valid.", field_errors(exc)) from None


def changes(data: BaseModel, nullable: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields a change sets; null is refused except for fields that may be empty."""
    values = data.model_dump(exclude_unset=True)
    nulls = {
        name: "must not be null" for name, v in values.items() if v is None and name not in nullable
    }
    if nulls:
        raise ValidationError("These fields cannot be emptied.", nulls)
    return values
