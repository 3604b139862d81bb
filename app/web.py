"""Helpers shared by the server-rendered pages: form parsing, times, template filters."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import Flask
from flask import Request as FlaskRequest
from flask_babel import format_datetime
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from app.errors import field_label
from app.labels import label, pay_text

LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"


def blank_to_none(form: MultiDict, names: tuple[str, ...]) -> dict:
    """The named form fields, with empty strings as None (absent fields left out)."""
    return {name: (form.get(name) or None) for name in names if name in form}


def local_input(value: str | None, zone: str) -> datetime | str | None:
    """A datetime-local input read in the given time zone (left as typed when malformed)."""
    if not value:
        return None
    try:
        naive = datetime.strptime(value, LOCAL_INPUT_FORMAT)
    except ValueError:
        return value
    return naive.replace(tzinfo=ZoneInfo(zone))


def to_input(moment: datetime | None, zone: str) -> str:
    """A stored time as a datetime-local input value in the given zone."""
    return moment.astimezone(ZoneInfo(zone)).strftime(LOCAL_INPUT_FORMAT) if moment else ""


def local_time(moment: datetime, zone: str, fmt: str = "medium") -> str:
    """A stored time shown in a fair's zone, in the reader's language."""
    return format_datetime(moment.astimezone(ZoneInfo(zone)), fmt, rebase=False)


class Request(FlaskRequest):
    """Flask's request, where an endpoint taking large files can say where their bytes go while
    they arrive (spool: a callable returning an open binary file), instead of the system's
    temporary folder (often in memory)."""

    spool = None

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ):
        if self.spool is not None:
            return self.spool()
        return super()._get_file_stream(
            total_content_length, content_type, filename, content_length
        )


# A telephone number in free text: mobile (138 0013 8000), landline (0595-1234567), +86 ….
PHONE_NUMBER = re.compile(r"(?<![\w+])\+?\d[\d\- ]{5,18}\d(?!\w)")


def phone_links(text: str | None) -> Markup:
    """text with its telephone numbers as tel: links (one tap calls on a phone); escaped."""
    if not text:
        return Markup("")
    parts, last = [], 0
    for match in PHONE_NUMBER.finditer(text):
        number = re.sub(r"[\s-]", "", match.group())
        parts.append(escape(text[last : match.start()]))
        parts.append(Markup('<a href="tel:{}">{}</a>').format(number, match.group()))
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


# Where a venue's map opens: a map site's search for the address (one place to change it).
MAP_SEARCH_URL = "https://uri.amap.com/search?keyword={}"


def map_url(venue: str) -> str:
    """A link that shows the venue on a map."""
    return MAP_SEARCH_URL.format(quote(venue or ""))


def register_filters(app: Flask) -> None:
    """Make the helpers available in templates."""
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["field_label"] = field_label
    app.jinja_env.filters["phone_links"] = phone_links
    app.jinja_env.filters["map_url"] = map_url
    app.jinja_env.filters["pay"] = pay_text
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["to_input"] = to_input
