"""Announcements: each action says once what happened, and whoever cares listens.

An action (a card pushed, a sign-up stored) announces itself; socket emits, counts, caches,
report rollups and notifications are listeners, connected in the factory, so adding one is a
line there. Two kinds:

- in the transaction: listeners write in the same unit of work as the action (report
  rollups); their errors roll the action back with them;
- after the commit: listeners tell the outside world (emits, caches, messages); they run only
  once the action is stored, and one failing listener neither undoes the action nor stops the
  others.

Operations queue after-commit announcements with `later(...)`; the door that ends the unit of
work calls `commit()`, which commits and then delivers them. A rollback drops them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

log = logging.getLogger(__name__)

PENDING_KEY = "faircast_announcements"


class Announcement:
    """Something that happened; its listeners run in the order they were connected."""

    def __init__(self, name: str, *, in_transaction: bool = False):
        self.name = name
        self.in_transaction = in_transaction
        self.listeners: list[Callable[..., None]] = []

    def __repr__(self) -> str:
        return f"<Announcement {self.name}>"

    def connect(self, listener: Callable[..., None]) -> Callable[..., None]:
        """Call listener(**facts) each time this happens (connecting twice changes nothing)."""
        if listener not in self.listeners:
            self.listeners.append(listener)
        return listener

    def send(self, **facts) -> None:
        """Tell every listener now."""
        for listener in self.listeners:
            if self.in_transaction:
                listener(**facts)
                continue
            try:
                listener(**facts)
            except Exception:
                log.exception("listener %s of %s failed", listener.__qualname__, self.name)


def later(announcement: Announcement, **facts) -> None:
    """Announce once the current unit of work is committed (dropped if it is rolled back)."""
    db.session.info.setdefault(PENDING_KEY, []).append((announcement, facts))


def commit() -> None:
    """Commit the unit of work, then deliver what it announced for after the commit.

    A unit that touched nothing (a sign-up's own writes go through the group commit) skips
    the commit: an empty one still begins and ends a transaction, a measurable share of each
    live event's time."""
    session = db.session()
    if session.in_transaction() or session.new or session.dirty or session.deleted:
        session.commit()
    deliver()


def deliver() -> None:
    """Deliver the announcements queued by work that is already committed."""
    pending = db.session.info.pop(PENDING_KEY, [])
    for announcement, facts in pending:
        announcement.send(**facts)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    # What was rolled back did not happen: nobody is told about it.
    session.info.pop(PENDING_KEY, None)
