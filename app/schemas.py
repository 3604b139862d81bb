"""Input parsing shared by pages, the REST API and socket events: one schema per input."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, TypeVar

import pydantic
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, StringConstraints

from app.errors import ValidationError

M = TypeVar("M", bound=BaseModel)


def Text(max_length: int, min_length: int = 0) -> Any:  # noqa: N802 - reads as a type
    """A stripped string with length limits."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
    ]


Name = Text(50, 1)
Id = Text(32, 1)

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
