"""Premieres: uploaded videos played into their room as a broadcast at the time set for them."""

from __future__ import annotations

import logging

from sqlalchemy import select, update

from app.db import utcnow
from app.extensions import db
from app.fairs.models import Room, RoomStatus
from app.live.models import Upload
from app.live.streams import StreamRuntime

log = logging.getLogger(__name__)

# Marks an upload a process has claimed, before its run has an id.
CLAIMED = "starting"


def start_due_premieres(streams: StreamRuntime) -> None:
    """Start the premieres whose time has come (each claimed by exactly one process)."""
    due = db.session.scalars(
        select(Upload).where(Upload.premiere_at <= utcnow(), Upload.played_run_id.is_(None))
    ).all()
    for upload in due:
        room = db.session.get(Room, upload.room_id)
        if room is None or room.status != RoomStatus.WAITING:
            continue
        claimed = db.session.execute(
            update(Upload)
            .where(Upload.id == upload.id, Upload.played_run_id.is_(None))
            .values(played_run_id=CLAIMED)
        ).rowcount
        db.session.commit()
        if not claimed:
            continue
        try:
            streams.start_upload(room, upload)
        except Exception:
            log.exception("premiere %s of room %s could not start", upload.id, room.id)
            db.session.rollback()
            continue
        db.session.commit()
