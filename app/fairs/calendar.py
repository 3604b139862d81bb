"""The fair as an iCalendar file (RFC 5545): one event per live session."""

from __future__ import annotations

import re

from flask import url_for
from icalendar import Calendar, Event

from app.db import utcnow
from app.fairs.models import Fair
from app.urls import absolute_url, public_host

PRODID = "-//FairCast//Job fairs//EN"
# Stored text written before line breaks were refused must not break the file: one-line
# values lose their control characters, the description keeps only its line breaks.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\u2028\u2029]+")


def _line(text: str) -> str:
    return _CONTROL.sub(" ", text).strip()


def _lines(text: str) -> str:
    return _CONTROL_BUT_NEWLINE.sub(" ", text.replace("\r\n", "\n")).strip()


def fair_calendar(fair: Fair) -> bytes:
    """fair's sessions (or, without sessions, the fair itself) as .ics bytes."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _line(fair.title))
    calendar.add("x-wr-timezone", fair.timezone)
    fair_url = absolute_url(url_for("fairs.show", fair_id=fair.id))
    stamp = utcnow()
    cancelled = fair.status.value == "cancelled"
    sessions = [
        (
            f"room-{room.id}",
            _line(f"{fair.title}: {room.title}"),
            room.starts_at,
            room.ends_at,
            absolute_url(url_for("live.room", room_id=room.id)),
            _line(room.host.name),
        )
        for room in fair.rooms
    ]
    if fair.has_venue or not sessions:
        sessions.insert(
            0, (f"fair-{fair.id}", _line(fair.title), fair.starts_at, fair.ends_at, fair_url, "")
        )
    for uid, summary, start, end, link, host in sessions:
        event = Event()
        event.add("uid", f"{uid}@{public_host()}")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", summary)
        event.add("url", link)
        description = "\n".join(p for p in (host, link, _lines(fair.description)) if p)
        event.add("description", description)
        if fair.venue:
            event.add("location", _line(fair.venue))
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
