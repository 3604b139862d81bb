"""Scheduling fairs and their live sessions; who may see and change them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.accounts.actor import Actor
from app.accounts.models import Role, User
from app.announce import later
from app.errors import Conflict, Forbidden, NotFound, ValidationError
from app.extensions import db
from app.fairs.announcements import fair_changed, stream_key_rotated
from app.fairs.models import PUBLIC_STATUSES, Fair, FairStatus, Room
from app.fairs.schemas import FairFields, FairIn, FairPatch, RoomFields, RoomIn
from app.jobs.models import Job
from app.schemas import changes
from streaming import new_secret


def new_stream_key() -> str:
    """A fresh ingest secret: the SRT passphrase and the secret half of the RTMP stream key."""
    return new_secret()


def require_organiser(actor: Actor) -> Actor:
    """actor, when an organiser; otherwise Forbidden."""
    if not actor.is_organiser:
        raise Forbidden("Only organisers manage fairs.")
    return actor


def _check_fair(fair: Fair) -> None:
    if fair.ends_at <= fair.starts_at:
        raise ValidationError(
            "The fair ends before it starts.", {"ends_at": "must be after starts_at"}
        )
    if fair.has_venue and not fair.venue:
        raise ValidationError("An on-site fair needs a venue.", {"venue": "required for this mode"})
    for room in fair.rooms:
        if room.starts_at < fair.starts_at or room.ends_at > fair.ends_at:
            raise ValidationError(
                "A live session would fall outside the fair's times.",
                {"starts_at": f"session '{room.title}' is outside the new window"},
            )
    if fair.rooms and not fair.has_rooms:
        raise ValidationError(
            "An on-site-only fair cannot have live sessions.", {"mode": "the fair has sessions"}
        )


FAIR_NULLABLE = ("venue", "capacity", "status")
ROOM_NULLABLE = ("host_id", "host_username")


def _apply(target, data: FairFields | RoomFields, nullable: tuple[str, ...], skip=()) -> None:
    for name, value in changes(data, nullable).items():
        if name not in skip:
            setattr(target, name, value)


def schedule_fair(organiser: Actor, data: FairIn) -> Fair:
    """Create a fair as a draft."""
    require_organiser(organiser)
    fair = Fair(created_by_id=organiser.id, status=FairStatus.DRAFT)
    _apply(fair, data, FAIR_NULLABLE)
    _check_fair(fair)
    db.session.add(fair)
    db.session.flush()
    return fair


def update_fair(organiser: Actor, fair: Fair, data: FairPatch) -> Fair:
    """Change a fair's fields and, when asked, its status."""
    require_organiser(organiser)
    _apply(fair, data, FAIR_NULLABLE, skip=("status",))
    _check_fair(fair)
    if data.status is not None:
        fair.move_to(data.status)
    db.session.flush()
    later(fair_changed, fair_id=fair.id)
    return fair


def visible_fairs(actor: Actor):
    """Fairs actor may list: all for organisers, the published ones (and own rooms') else."""
    query = select(Fair).order_by(Fair.starts_at, Fair.id)
    if actor.is_organiser:
        return query
    condition = Fair.status.in_(PUBLIC_STATUSES)
    if actor.is_host:
        hosted = select(Room.fair_id).where(Room.host_id == actor.id)
        condition = condition | Fair.id.in_(hosted)
    return query.where(condition)


def list_fairs(
    actor: Actor, start: datetime | None = None, end: datetime | None = None
) -> list[Fair]:
    """The fairs actor may see, optionally only those overlapping [start, end)."""
    query = visible_fairs(actor)
    if start is not None:
        query = query.where(Fair.ends_at > start)
    if end is not None:
        query = query.where(Fair.starts_at < end)
    return list(db.session.scalars(query))


def get_fair(actor: Actor, fair_id: str) -> Fair:
    """The fair if actor may see it, else NotFound (drafts are invisible to the public)."""
    fair = db.session.scalar(visible_fairs(actor).where(Fair.id == fair_id))
    if fair is None:
        raise NotFound("No such fair.")
    return fair


def attach_job(organiser: Actor, fair: Fair, job_id: str) -> Job:
    """Add a job to a fair's offer (idempotent)."""
    require_organiser(organiser)
    job = db.session.get(Job, job_id)
    if job is None:
        raise ValidationError("No such job.", {"job_id": "unknown"})
    if fair.is_over:
        raise Conflict("The fair is over; its jobs are fixed.")
    if job not in fair.jobs:
        fair.jobs.append(job)
    db.session.flush()
    later(fair_changed, fair_id=fair.id)
    return job


def detach_job(organiser: Actor, fair: Fair, job_id: str) -> None:
    """Take a job out of a fair's offer."""
    require_organiser(organiser)
    job = db.session.get(Job, job_id)
    if job is None or job not in fair.jobs:
        raise NotFound("That job is not in this fair.")
    fair.jobs.remove(job)
    db.session.flush()
    later(fair_changed, fair_id=fair.id)


def _resolve_host(data: RoomFields) -> User | None:
    if data.host_id is None and data.host_username is None:
        return None
    if data.host_id is not None:
        host = db.session.get(User, data.host_id)
        field = "host_id"
    else:
        host = db.session.scalar(select(User).where(User.username == data.host_username))
        field = "host_username"
    if host is None or host.role != Role.HOST or not host.active:
        raise ValidationError("No such host.", {field: "not a host"})
    return host


def _check_room(room: Room, fair: Fair) -> None:
    if room.ends_at <= room.starts_at:
        raise ValidationError(
            "The session ends before it starts.", {"ends_at": "must be after starts_at"}
        )
    if room.starts_at < fair.starts_at or room.ends_at > fair.ends_at:
        raise ValidationError(
            "The session must fall inside the fair's times.",
            {"starts_at": "outside the fair", "ends_at": "outside the fair"},
        )
    if not fair.has_rooms:
        raise ValidationError("An on-site-only fair has no live sessions.", {"mode": "offline"})
    clash = db.session.scalar(
        select(Room)
        .join(Fair, Fair.id == Room.fair_id)
        .where(
            Room.host_id == room.host_id,
            Room.id != room.id,
            Room.starts_at < room.ends_at,
            Room.ends_at > room.starts_at,
            Fair.status != FairStatus.CANCELLED,
        )
    )
    if clash is not None:
        raise Conflict(
            f"The host already presents '{clash.title}' at that time.",
            {"starts_at": "overlaps another session of this host"},
        )


def schedule_room(organiser: Actor, fair: Fair, data: RoomIn) -> Room:
    """Add a live session with its host and time slot to a fair."""
    require_organiser(organiser)
    host = _resolve_host(data)
    if host is None:
        raise ValidationError("Say who hosts the session.", {"host_id": "required"})
    if fair.is_over:
        raise Conflict("The fair is over; no sessions can be added.")
    room = Room(
        fair_id=fair.id,
        title=data.title,
        host_id=host.id,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        stream_key=new_stream_key(),
    )
    _check_room(room, fair)
    db.session.add(room)
    db.session.flush()
    db.session.refresh(fair, ["rooms"])
    later(fair_changed, fair_id=fair.id)
    return room


def update_room(organiser: Actor, room: Room, data: RoomFields) -> Room:
    """Change a session's title, host or slot."""
    require_organiser(organiser)
    host = _resolve_host(data)
    _apply(room, data, ROOM_NULLABLE, skip=ROOM_NULLABLE)
    if host is not None:
        room.host_id = host.id
    with db.session.no_autoflush:
        _check_room(room, room.fair)
    db.session.flush()
    later(fair_changed, fair_id=room.fair_id)
    return room


def get_room(actor: Actor, room_id: str) -> Room:
    """The room if actor may see its fair, else NotFound."""
    room = db.session.get(Room, room_id)
    if room is None:
        raise NotFound("No such room.")
    get_fair(actor, room.fair_id)
    return room


def can_manage_room(actor: Actor, room) -> bool:
    """The room's host and organisers, with full credentials: they run the broadcast, push
    cards, moderate and see the ingest secret. `room` is a Room or anything with a host_id."""
    return actor.full_access and (actor.is_organiser or actor.user_id == room.host_id)


def rotate_stream_key(actor: Actor, room: Room) -> str:
    """Replace the room's ingest secret; the old one stops working."""
    if not can_manage_room(actor, room):
        raise Forbidden("Only the room's host and organisers manage its stream key.")
    room.stream_key = new_stream_key()
    db.session.flush()
    later(stream_key_rotated, room_id=room.id)
    return room.stream_key
