"""The report rollups listen to what the live layer announces (connected by the factory)."""

from __future__ import annotations

from app.announce import commit
from app.live import announcements as live
from app.reports import rollups


def _viewer_counts_changed(counts, fair_ids, at) -> None:
    rollups.record_concurrency(counts, at)
    rollups.record_fair_concurrency(fair_ids, at)


def _sign_ups_stored(people, at) -> None:
    rollups.mark_people(people, at, signed_up=True)


def _card_pushed(room_id, fair_id, card) -> None:
    # After the card went out, so viewers are not kept waiting for the report's rollup.
    rollups.record_card_audience(room_id, fair_id)
    commit()


def connect() -> None:
    """Keep the report rollups current with what happens in live rooms."""
    live.viewers_joined.connect(rollups.record_viewers)
    live.viewer_counts_changed.connect(_viewer_counts_changed)
    live.stays_closed.connect(rollups.record_watch_time)
    live.sign_ups_stored.connect(_sign_ups_stored)
    live.visitor_identified.connect(rollups.merge_visitor)
    live.card_pushed.connect(_card_pushed)
