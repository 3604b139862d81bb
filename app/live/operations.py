"""Every live action, once: the socket handlers, the REST API and the pages all call these.

Each operation takes the Actor and plain values, checks every rule, writes (flushing, or
through the group-commit writer where that is the path) and returns a result; what the
outside world must hear about it is announced (app/live/announcements.py), after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.accounts.actor import VISITOR_PREFIX, Actor
from app.announce import later
from app.errors import Conflict, Forbidden, NotFound, RateLimited, ValidationError
from app.extensions import db
from app.fairs.models import Room
from app.fairs.services import can_manage_room, get_fair, get_room
from app.jobs.models import Job
from app.live import announcements, cards, chat
from app.live.locations import media_urls, stream_position
from app.live.models import CardPush, ChatMessage, SignUpSource, Upload
from app.live.presence import Join, Leave, link_visitor, record_joins, record_leaves
from app.live.runtime import RoomFacts, live_runtime
from app.live.signups import (
    SignUpRequest,
    SignUpResult,
    WithdrawRequest,
    record_signups,
    record_withdrawals,
    seeker_signups,
)
from app.live.uploads import save_upload

MODERATION_ACTIONS = ("delete", "mute")


# Who may do what ------------------------------------------------------------------------------


def visible_room(actor: Actor, room_id: str) -> Room:
    """The room, if actor may watch it (some fairs are for signed-in people only)."""
    room = get_room(actor, room_id)
    if not room.fair.anonymous_viewers and not (actor.is_authenticated or actor.seeker_id):
        raise Forbidden("Sign in to watch this fair.", {"identity": "required"})
    return room


def managed_room(actor: Actor, room_id: str) -> Room:
    """The room, if actor runs it (its host or an organiser, with full credentials)."""
    room = get_room(actor, room_id)
    require_manager(actor, room)
    return room


def require_manager(actor: Actor, room) -> None:
    if not can_manage_room(actor, room):
        raise Forbidden("Only the room's host or an organiser may do this.")


def _room_facts(room_id: str) -> RoomFacts:
    facts = live_runtime().facts(room_id)
    if facts is None:
        raise NotFound("No such room.")
    return facts


def require_person(actor: Actor) -> str:
    """The person signing up: the seeker the actor is; staff and strangers are refused."""
    if actor.seeker_id is None:
        if actor.is_staff:
            raise Forbidden("Hosts and organisers do not sign up for jobs.")
        raise Forbidden(
            "Sign in with your mobile number and the code we text you first.",
            {"identity": "required"},
        )
    return actor.seeker_id


@dataclass(frozen=True)
class SignUpTarget:
    fair_id: str
    room_id: str | None


def _sign_up_target(
    actor: Actor, job_id: str, room_id: str | None, fair_id: str | None
) -> SignUpTarget:
    """Where a sign-up goes: an open fair that offers the job (and the room, if one is named)."""
    if fair_id is not None:
        fair = get_fair(actor, fair_id)
        over, job_ids = fair.is_over, {job.id for job in fair.jobs}
        room_ok = room_id is None or room_id in {room.id for room in fair.rooms}
    elif room_id is not None:
        facts = _room_facts(room_id)
        fair_id, over, job_ids, room_ok = facts.fair_id, facts.fair_over, facts.job_ids, True
    else:
        raise ValidationError("Say which fair or room.", {"fair_id": "required"})
    if over:
        raise Forbidden("The fair is over; sign-ups are closed.")
    if job_id not in job_ids:
        raise ValidationError("That job is not part of this fair.", {"job_id": "not in this fair"})
    if not room_ok:
        raise ValidationError("No such room at this fair.", {"room_id": "not in this fair"})
    return SignUpTarget(fair_id, room_id)


# Watching ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Joined:
    room: Room
    manager: bool
    reply: dict


def join_room(actor: Actor, room_id: str, sid: str, already_in: bool) -> Joined:
    """Start watching a room (its host and organisers are not counted as viewers)."""
    room = visible_room(actor, room_id)
    runtime = live_runtime()
    manager = can_manage_room(actor, room)
    if not manager and not already_in:
        runtime.write(
            record_joins,
            Join(
                room.id,
                room.fair_id,
                actor.visitor_id,
                actor.seeker_id,
                actor.user_id,
                sid,
                runtime.process_id,
            ),
        )
    announcements.presence_changed.send(room_id=room.id)
    hls_url, _replay = media_urls(room)
    reply = {
        "state": cards.room_state(room, hls_url),
        "chat": chat.recent_chat(room.id),
        "can_manage": manager,
        "me": _me(actor, room.fair_id),
    }
    if manager:
        reply["jobs"] = [cards.job_snapshot(job) for job in room.fair.jobs]
    return Joined(room, manager, reply)


def _me(actor: Actor, fair_id: str) -> dict:
    return {
        "identified": actor.seeker_id is not None,
        "name": actor.name,
        "role": actor.role.value if actor.role else None,
        "signed_up": seeker_signups(fair_id, actor.seeker_id) if actor.seeker_id else [],
    }


def leave_rooms(actor: Actor, room_ids: set[str], sid: str, wait: bool = True) -> None:
    """Stop watching these rooms (on leaving, or when the connection ends)."""
    runtime = live_runtime()
    for room_id in room_ids:
        facts = runtime.facts(room_id)
        if facts is not None and not can_manage_room(actor, facts):
            leave = Leave(room_id, sid)
            if wait:
                runtime.write(record_leaves, leave)
            else:
                runtime.submit(record_leaves, leave)
        announcements.presence_changed.send(room_id=room_id)


def adopt_browser(actor: Actor) -> None:
    """A viewer proved who they are (a code, a password): their browser's viewing is theirs."""
    if actor.seeker_id and actor.visitor_id:
        link_visitor(actor.visitor_id, actor.seeker_id)


# Cards -----------------------------------------------------------------------------------------


def push_card(actor: Actor, room_id: str, job_id: str) -> dict:
    """Show a job to everyone in the room; it replaces the pinned card."""
    room = managed_room(actor, room_id)
    if room.fair.is_over:
        raise Conflict("The fair is over.")
    job = db.session.get(Job, job_id)
    if job is None or job not in room.fair.jobs:
        raise ValidationError("That job is not part of this fair.", {"job_id": "not in this fair"})
    run_id, offset = stream_position(room)
    card = cards.store_card(room, job, actor.user_id, run_id, offset)
    card_json = cards.card_json(card)
    later(announcements.card_pushed, room_id=room.id, fair_id=room.fair_id, card=card_json)
    return card_json


def unpin_card(actor: Actor, room_id: str, card_id: str) -> str:
    """Take the pinned card down (it stays in the history)."""
    room = managed_room(actor, room_id)
    card = db.session.get(CardPush, card_id)
    if card is None or card.room_id != room.id:
        raise NotFound("No such card in this room.")
    cards.unpin(card)
    later(announcements.card_unpinned, room_id=room.id, card_id=card.id)
    return card.id


# Sign-ups ---------------------------------------------------------------------------------------


def sign_up(
    actor: Actor,
    job_id: str,
    source: SignUpSource,
    *,
    room_id: str | None = None,
    fair_id: str | None = None,
) -> SignUpResult:
    """The actor signs up for a job: once per person and job at a fair, whatever the retries."""
    return store_sign_up(
        require_person(actor), actor, job_id, source, room_id=room_id, fair_id=fair_id
    )


def store_sign_up(
    seeker_id: str,
    actor: Actor,
    job_id: str,
    source: SignUpSource,
    *,
    room_id: str | None = None,
    fair_id: str | None = None,
) -> SignUpResult:
    """Record a person's sign-up (their own, or taken for them at a booth by actor), committed
    before this returns, and announce it."""
    target = _sign_up_target(actor, job_id, room_id, fair_id)
    result = live_runtime().write(
        record_signups,
        SignUpRequest(target.fair_id, seeker_id, job_id, source, room_id=target.room_id),
    )
    announcements.sign_up_recorded.send(
        fair_id=target.fair_id,
        room_id=target.room_id,
        job_id=job_id,
        created=result.created,
        count=result.count,
    )
    return result


def withdraw_sign_up(
    actor: Actor, job_id: str, *, room_id: str | None = None, fair_id: str | None = None
) -> SignUpResult:
    """The actor takes their sign-up back (committed before this returns)."""
    seeker_id = require_person(actor)
    if room_id is not None:
        fair_id = _room_facts(room_id).fair_id
    elif fair_id is not None:
        fair_id = get_fair(actor, fair_id).id
    else:
        raise ValidationError("Say which fair or room.", {"fair_id": "required"})
    result = live_runtime().write(record_withdrawals, WithdrawRequest(fair_id, seeker_id, job_id))
    announcements.sign_up_withdrawn.send(
        fair_id=fair_id, room_id=room_id, job_id=job_id, count=result.count
    )
    return result


def my_sign_ups(actor: Actor, fair_id: str) -> list[str]:
    """The jobs the actor signed up for at the fair."""
    fair = get_fair(actor, fair_id)
    return seeker_signups(fair.id, actor.seeker_id) if actor.seeker_id else []


# Chat ---------------------------------------------------------------------------------------------


def post_chat(actor: Actor, room_id: str, text: str) -> dict:
    """Add a chat line; people must say who they are first, muted people cannot, and nobody
    may flood the room."""
    room = visible_room(actor, room_id)
    if not (actor.seeker_id or actor.is_authenticated):
        raise Forbidden(
            "Sign in with your mobile number before chatting.", {"identity": "required"}
        )
    manager = can_manage_room(actor, room)
    if not manager and chat.is_muted(room.id, actor.person_key):
        raise Forbidden("You have been muted in this room.")
    limiter = live_runtime().chat_limiter
    # Per person, and per browser too: signing in as someone else does not reset the limit.
    keys = [actor.person_key]
    if actor.visitor_id and not manager:
        keys.append(VISITOR_PREFIX + actor.visitor_id)
    if not all([limiter.allow(room.id, key) for key in keys]):
        raise RateLimited("You are sending messages too fast; wait a few seconds.")
    message = chat.message_json(chat.store_message(room.id, actor, text, staff=manager))
    later(announcements.chat_posted, room_id=room.id, message=message)
    return message


def moderate_chat(actor: Actor, room_id: str, action: str, message_id: str) -> str:
    """Delete a chat line, or mute its author in this room."""
    room = managed_room(actor, room_id)
    message = db.session.get(ChatMessage, message_id)
    if message is None or message.room_id != room.id:
        raise NotFound("No such message in this room.")
    if action not in MODERATION_ACTIONS:
        raise ValidationError("Unknown moderation action.", {"action": "delete or mute"})
    if action == "mute":
        if message.author_is_staff:
            raise Conflict("Hosts and organisers cannot be muted.")
        chat.mute(room.id, message.author_key, actor.user_id)
    else:
        chat.delete_message(message, actor.user_id)
        later(announcements.chat_deleted, room_id=room.id, message_id=message.id)
    return message.id


# Broadcasts ---------------------------------------------------------------------------------------


def go_live(actor: Actor, room_id: str, source: str, upload_id: str | None = None) -> Room:
    """Open the broadcast: the room waits for video from the chosen source."""
    room = managed_room(actor, room_id)
    upload = None
    if upload_id is not None:
        upload = db.session.get(Upload, upload_id)
        if upload is None or upload.room_id != room.id:
            raise ValidationError("No such video for this room.", {"upload_id": "unknown"})
    live_runtime().streams.go_live(room, source, upload)
    hls_url, _replay = media_urls(room)
    _announce_stream(room, hls_url=hls_url)
    return room


def end_broadcast(actor: Actor, room_id: str) -> Room:
    """End the broadcast (its replay stays when the fair keeps replays)."""
    room = managed_room(actor, room_id)
    live_runtime().streams.end(room)
    _hls, replay_url = media_urls(room)
    _announce_stream(room, replay_url=replay_url)
    return room


def _announce_stream(room: Room, hls_url: str | None = None, replay_url: str | None = None):
    later(
        announcements.stream_changed,
        room_id=room.id,
        status=room.status.value,
        hls_url=hls_url,
        replay_url=replay_url,
        reason=None,
        error=None,
    )


def feed_video(actor: Actor, room_id: str, mime_type: str, chunk: bytes) -> None:
    """A chunk of the host's browser recording, in order, into the room's ffmpeg."""
    facts = _room_facts(room_id)
    require_manager(actor, facts)
    room = db.session.get(Room, facts.room_id)
    live_runtime().streams.feed(room, mime_type, chunk)


def upload_video(actor: Actor, room_id: str, video, premiere_at: datetime | None) -> Upload:
    """Keep a recorded video to premiere as live (checked by its content first)."""
    room = managed_room(actor, room_id)
    if premiere_at is not None and not room.fair.starts_at <= premiere_at <= room.fair.ends_at:
        raise ValidationError(
            "The premiere must be during the fair.", {"premiere_at": "outside the fair"}
        )
    return save_upload(actor, live_runtime().streams, room, video, premiere_at)
