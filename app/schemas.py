"""Input parsing shared by pages, the REST API and socket events: one schema per input."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, TypeVar

import pydantic
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, StringConstraints

from app.errors import N_, ValidationError, translated

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
        raise ValueError("must be between the years 2000 and 2100")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(plausible_time)]


class Input(BaseModel):
    """Base of every input schema: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Output(BaseModel):
    """Base of every output schema: read from model attributes."""

    model_config = ConfigDict(from_attributes=True)


# Pydantic's kinds of error, said in FairCast's words (so they can be translated); %(x)s is
# filled from the error's context.
PYDANTIC_MESSAGES = {
    "missing": N_("must be filled in"),
    "extra_forbidden": N_("not a field of this form"),
    "string_type": N_("must be text"),
    "string_too_short": N_("must not be empty"),
    "string_too_long": N_("at most %(max_length)s characters"),
    "string_pattern_mismatch": N_("is not in the expected form"),
    "int_type": N_("must be a whole number"),
    "int_parsing": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "float_type": N_("must be a number"),
    "float_parsing": N_("must be a number"),
    "decimal_type": N_("must be a number"),
    "decimal_parsing": N_("must be a number"),
    "bool_type": N_("must be true or false"),
    "bool_parsing": N_("must be true or false"),
    "greater_than": N_("must be more than %(gt)s"),
    "greater_than_equal": N_("must be at least %(ge)s"),
    "less_than": N_("must be less than %(lt)s"),
    "less_than_equal": N_("must be at most %(le)s"),
    "too_short": N_("needs at least %(min_length)s"),
    "too_long": N_("at most %(max_length)s"),
    "enum": N_("is not one of the choices"),
    "literal_error": N_("is not one of the choices"),
    "list_type": N_("must be a list"),
    "dict_type": N_("must be an object"),
    "model_type": N_("must be an object"),
    "model_attributes_type": N_("must be an object"),
    "datetime_type": N_("must be a date and time"),
    "datetime_parsing": N_("must be a date and time"),
    "datetime_from_date_parsing": N_("must be a date and time"),
    "timezone_aware": N_("must be a time with its offset (ISO 8601)"),
    "date_type": N_("must be a date"),
    "date_parsing": N_("must be a date"),
    "date_from_datetime_parsing": N_("must be a date"),
    "time_type": N_("must be a time of day"),
    "time_parsing": N_("must be a time of day"),
    "url_parsing": N_("must be a web address"),
    "url_type": N_("must be a web address"),
    "url_scheme": N_("must be a web address"),
    "json_invalid": N_("is not valid JSON"),
    "json_type": N_("is not valid JSON"),
    "none_required": N_("must be empty"),
}


def error_message(item: dict) -> str:
    """One of pydantic's errors in the reader's language."""
    if item["type"] == "value_error":
        return translated(item["msg"].removeprefix("Value error, "))
    message = PYDANTIC_MESSAGES.get(item["type"])
    if message is None:
        return item["msg"]
    context = {k: v for k, v in (item.get("ctx") or {}).items() if isinstance(v, (int, float, str))}
    try:
        return translated(message) % context if "%(" in message else translated(message)
    except (KeyError, TypeError, ValueError):
        return item["msg"]


def field_errors(error: pydantic.ValidationError) -> dict[str, str]:
    """Pydantic's errors as {field: message}, the first message per field, translated."""
    fields: dict[str, str] = {}
    for item in error.errors(include_url=False):
        name = ".".join(str(part) for part in item["loc"]) or "body"
        fields.setdefault(name, error_message(item))
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
