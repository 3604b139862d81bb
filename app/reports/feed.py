"""Reading FairCast's data out for a provincial data centre: paged, incremental, scoped.

Each listing is ordered by when a row last changed, then by id, and continues from an opaque
cursor. `since` asks for what changed after a time; the last page answers with `next_since`, the
time to ask from next. Rows changed in the last few seconds wait for the next request, so that a
transaction still committing then is never skipped by a `next_since` that passed it.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.actor import Actor
from app.db import utcnow
from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.fairs.models import Fair
from app.jobs.models import Job
from app.live.models import SignUp
from app.reports.services import fair_figures

# How long a change may take to commit; changes younger than this are left for the next read.
SETTLE = timedelta(seconds=5)
CURSOR_SEPARATOR = "|"


@dataclass
class FeedPage:
    """One page of a listing: its rows, where the next page starts, where the next sync does."""

    items: list
    next_cursor: str | None
    next_since: datetime | None


def require_exporter(actor: Actor, personal: bool = False) -> Actor:
    """actor, when an organiser whose credentials may read this (people's details need
    export_personal, or a full-scope organiser); Forbidden otherwise."""
    if not actor.is_organiser:
        raise Forbidden("The export API is for organisers and the data centre's tokens.")
    if personal and not actor.reads_personal_data:
        raise Forbidden(
            "This token may not read personal data: issue one with --scope export_personal."
        )
    return actor


def encode_cursor(at: datetime, key: str) -> str:
    """Where a listing stopped, as an opaque string."""
    raw = f"{at.isoformat()}{CURSOR_SEPARATOR}{key}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The position an opaque cursor names, or ValidationError."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, key = raw.split(CURSOR_SEPARATOR, 1)
        at = datetime.fromisoformat(stamp)
        at = at.astimezone(UTC) if at.tzinfo else None
    except (ValueError, OverflowError, UnicodeDecodeError, binascii.Error):
        at, key = None, ""
    if at is None or not key:
        raise ValidationError("Not a cursor.", {"cursor": "pass next_cursor back unchanged"})
    return at, key


def _after(stamp, key, cursor: str | None):
    """Rows after the cursor's position in (stamp, key) order."""
    if cursor is None:
        return True
    at, last = decode_cursor(cursor)
    return or_(stamp > at, and_(stamp == at, key > last))


def _page(query, stamp, key, since: datetime | None, cursor: str | None, limit: int):
    """A page of rows whose stamp is after since and settled, in (stamp, key) order."""
    horizon = utcnow() - SETTLE
    query = query.where(stamp <= horizon, _after(stamp, key, cursor))
    if since is not None:
        query = query.where(stamp > since)
    rows = list(db.session.scalars(query.order_by(stamp, key).limit(limit + 1)).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    if more:
        last = rows[-1]
        at = getattr(last, stamp.key)
        return FeedPage(rows, encode_cursor(at, getattr(last, key.key)), None)
    return FeedPage(rows, None, max(horizon, since) if since else horizon)


def changed_fairs(actor: Actor, since: datetime | None, cursor: str | None, limit: int) -> FeedPage:
    """Fairs (every status, drafts included) changed since a time, oldest change first."""
    require_exporter(actor)
    query = select(Fair).options(selectinload(Fair.jobs))
    return _page(query, Fair.updated_at, Fair.id, since, cursor, limit)


def changed_jobs(actor: Actor, since: datetime | None, cursor: str | None, limit: int) -> FeedPage:
    """Jobs changed since a time, oldest change first."""
    require_exporter(actor)
    return _page(select(Job), Job.updated_at, Job.id, since, cursor, limit)


def changed_signups(
    actor: Actor,
    since: datetime | None,
    cursor: str | None,
    limit: int,
    fair_id: str | None = None,
) -> FeedPage:
    """Sign-ups with the person's name and mobile, changed since a time (signed up, withdrawn,
    followed up); only for credentials that may read personal data."""
    require_exporter(actor, personal=True)
    query = select(SignUp).options(joinedload(SignUp.seeker), joinedload(SignUp.job))
    if fair_id is not None:
        query = query.where(SignUp.fair_id == fair_id)
    return _page(query, SignUp.updated_at, SignUp.id, since, cursor, limit)


def statistics_feed(
    actor: Actor, since: datetime | None, cursor: str | None, limit: int
) -> FeedPage:
    """Each fair's figures (turnout, check-ins, sign-ups by source, intents, hires, per job),
    for fairs whose figures may have changed since a time: edited, not over by then, or with
    sign-ups or follow-up after it. In order of the fairs' start."""
    require_exporter(actor)
    now = utcnow()
    query = select(Fair).where(_after(Fair.starts_at, Fair.id, cursor))
    if since is not None:
        touched = select(SignUp.fair_id).where(SignUp.updated_at > since)
        query = query.where(
            or_(Fair.updated_at > since, Fair.ends_at > since, Fair.id.in_(touched))
        )
    fairs = list(db.session.scalars(query.order_by(Fair.starts_at, Fair.id).limit(limit + 1)))
    more = len(fairs) > limit
    fairs = fairs[:limit]
    items = [
        {
            "fair_id": fair.id,
            "title": fair.title,
            "status": fair.status.value,
            "starts_at": fair.local(fair.starts_at),
            "ends_at": fair.local(fair.ends_at),
            "as_of": now,
            **fair_figures(fair, list(fair.jobs), now),
        }
        for fair in fairs
    ]
    if more:
        last = fairs[-1]
        return FeedPage(items, encode_cursor(last.starts_at, last.id), None)
    horizon = now - SETTLE
    return FeedPage(items, None, max(horizon, since) if since else horizon)
