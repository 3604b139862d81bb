"""The tickets a browser was issued: an anonymous visitor's only proof that they are theirs."""

from __future__ import annotations

from flask import session

HELD_TICKETS_KEY = "onsite_tickets"
MAX_HELD_TICKETS = 20


def held_tickets() -> list[str]:
    """Ids of the registrations made in this browser."""
    held = session.get(HELD_TICKETS_KEY)
    return [i for i in held if isinstance(i, str)] if isinstance(held, list) else []


def hold_ticket(registration_id: str) -> None:
    """Remember in this browser's session that it holds this registration."""
    held = [i for i in held_tickets() if i != registration_id] + [registration_id]
    session[HELD_TICKETS_KEY] = held[-MAX_HELD_TICKETS:]
