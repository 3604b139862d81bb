"""The /live Socket.IO namespace: each event is parsed, handed to its operation, committed and
answered; what others must see is announced by the operation (app/live/operations.py)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from flask import request
from flask_babel import gettext as _
from flask_socketio import Namespace, join_room, leave_room

from app.accounts.actor import Actor
from app.accounts.doors import (
    VISITOR_COOKIE,
    request_ip,
    session_actor,
    token_actor,
    valid_visitor_id,
)
from app.announce import commit
from app.errors import (
    N_,
    DomainError,
    Forbidden,
    RateLimited,
    Unauthorized,
    ValidationError,
    translated_error,
)
from app.extensions import db, socketio
from app.live import broadcast, operations
from app.live.connections import Connection
from app.live.eventnames import (
    CHAT,
    IDENTIFY,
    JOIN,
    LEAVE,
    MEDIA,
    MODERATE,
    NAMESPACE,
    PUSH_CARD,
    SIGN_UP,
    UNPIN_CARD,
    WITHDRAW,
)
from app.live.models import SignUpSource
from app.live.queue import queue_link
from app.live.runtime import live_runtime
from app.live.schemas import (
    CardIn,
    ChatIn,
    IdentifyIn,
    MediaChunkMeta,
    ModerateIn,
    RoomRef,
    SignUpIn,
    UnpinIn,
)
from app.realtime.websocket import close_connection
from app.schemas import parse

log = logging.getLogger(__name__)

# Events whose handlers use neither the request nor Socket.IO rooms: the hottest ones run in
# an app context alone, which is far cheaper than a request context.
APP_CONTEXT_EVENTS = frozenset({SIGN_UP, WITHDRAW})
# Where a viewer's own sign-up can come from in a room.
ROOM_SOURCES = (SignUpSource.LIVE, SignUpSource.REPLAY, SignUpSource.NOTIFICATION)
MAX_EVENT_BYTES = 4096
INTERNAL_ERROR = {"code": "internal", "message": N_("Something went wrong."), "fields": {}}
# Events whose effect other viewers must see: their sender is told when it may not have.
BROADCASTING_EVENTS = frozenset({PUSH_CARD, UNPIN_CARD, CHAT, MODERATE})
NOT_EVERYWHERE = {
    "code": "not_everywhere",
    "message": N_(
        "Saved, but viewers connected to other servers may not see it yet: the link "
        "between servers is down. They will be brought up to date when it is back."
    ),
}


def _ok(**payload) -> dict:
    return {"ok": True, **payload}


def _error(exc: DomainError) -> dict:
    return {"ok": False, "error": exc.to_dict()}


def _size(data) -> int:
    """The encoded size of an event's payload (binary data is not accepted here)."""
    try:
        return len(json.dumps(data, ensure_ascii=False))
    except (TypeError, ValueError):
        return MAX_EVENT_BYTES + 1


def connection_actor(auth: dict, sid: str) -> Actor:
    """The live connection's door: an API token in the handshake, or the browser session."""
    door = {
        "ip": request_ip(),
        # Each connection needs a browser id for presence: without the cookie, its own.
        "visitor_id": valid_visitor_id(request.cookies.get(VISITOR_COOKIE), auth.get("visitor_id"))
        or f"c-{sid}"[:40],
    }
    token = auth.get("token")
    if isinstance(token, str) and token:
        actor = token_actor(token, **door)
        actor.require_full_access()  # an export token reads exports; it does not act live
        return actor
    return session_actor(**door)


class LiveNamespace(Namespace):
    """Handlers for /live; every client event is answered with {ok: true, ...} or an error."""

    def __init__(self, namespace: str = NAMESPACE):
        super().__init__(namespace)
        self.handlers: dict[str, Callable[[Connection, object], dict | None]] = {
            JOIN: self.on_join,
            LEAVE: self.on_leave,
            PUSH_CARD: self.on_push_card,
            UNPIN_CARD: self.on_unpin_card,
            SIGN_UP: self.on_sign_up,
            WITHDRAW: self.on_withdraw,
            IDENTIFY: self.on_identify,
            CHAT: self.on_chat,
            MODERATE: self.on_moderate,
        }

    # Connection lifecycle ------------------------------------------------------------------

    def on_connect(self, auth=None):
        runtime = live_runtime()
        runtime.start_maintenance()
        auth = auth if isinstance(auth, dict) else {}
        try:
            actor = connection_actor(auth, request.sid)
        except (Unauthorized, Forbidden) as exc:
            raise ConnectionRefusedError(exc.text) from None
        runtime.registry.add(Connection(sid=request.sid, actor=actor))
        if actor.seeker_id is not None:
            join_room(broadcast.person_channel(actor.seeker_id))
        return True

    def on_disconnect(self, reason=None):
        connection = live_runtime().registry.remove(request.sid)
        if connection is not None and connection.rooms:
            operations.leave_rooms(connection.actor, connection.rooms, connection.sid, wait=False)

    # Dispatch ------------------------------------------------------------------------------

    def trigger_event(self, event, *args):
        if event in ("connect", "disconnect"):
            return super().trigger_event(event, *args)
        if event in APP_CONTEXT_EVENTS:
            sid, payload = args[0], args[1:]
            environ = self.socketio.server.get_environ(sid, namespace=self.namespace)
            if not environ:
                return None
            app = environ["flask.app"]
            with app.app_context():
                reply = self._dispatch(event, sid, *payload)
            if reply and reply.get("ok") is False:
                # Refusals are rare: only they pay for the reader's language (the handshake's).
                with app.request_context(environ):
                    reply["error"] = translated_error(reply["error"])
            return reply
        return self.socketio._handle_event(
            lambda *payload: self._dispatch(request.event["message"], request.sid, *payload),
            event,
            self.namespace,
            *args,
        )

    def _dispatch(self, event: str, sid: str, *args):
        connection = live_runtime().registry.get(sid)
        if connection is None:
            return _error(Forbidden("Not connected."))
        if event == MEDIA:
            return self._answer(event, lambda: self.on_media(connection, *args))
        if not connection.allow():
            if connection.refused():
                # The whole connection, not just /live: a client left on the engine would
                # still be read as fast as it can send.
                close_connection(socketio.server, sid, self.namespace, "event flood")
            return _error(RateLimited("Too many messages; slow down."))
        handler = self.handlers.get(event)
        if handler is None:
            return _error(ValidationError(f"Unknown event {event!r}."))
        data = args[0] if args else None
        if _size(data) > MAX_EVENT_BYTES:
            return _error(
                ValidationError(
                    "The message is too large.", {"body": f"at most {MAX_EVENT_BYTES} bytes"}
                )
            )
        return self._answer(event, lambda: handler(connection, data))

    @staticmethod
    def _answer(event: str, handle: Callable[[], dict | None]) -> dict:
        """Run a handler, commit what it did (announcing it), and acknowledge."""
        link = queue_link() if event in BROADCASTING_EVENTS else None
        failed_before = link.failed_publishes if link is not None else 0
        try:
            reply = handle() or {}
            commit()
            if link is not None and (link.failed_publishes > failed_before or not link.healthy):
                reply["warning"] = translated_error(NOT_EVERYWHERE)
            return _ok(**reply)
        except DomainError as exc:
            db.session.rollback()
            return _error(exc)
        except Exception:
            db.session.rollback()
            log.exception("/live %s failed", event)
            return {"ok": False, "error": translated_error(INTERNAL_ERROR)}

    # Events --------------------------------------------------------------------------------

    def on_join(self, connection: Connection, data) -> dict:
        ref = parse(RoomRef, data)
        joined = operations.join_room(
            connection.actor, ref.room_id, connection.sid, ref.room_id in connection.rooms
        )
        join_room(broadcast.room_channel(joined.room.id))
        connection.rooms.add(joined.room.id)
        return joined.reply

    def on_leave(self, connection: Connection, data) -> dict:
        ref = parse(RoomRef, data)
        if ref.room_id in connection.rooms:
            connection.rooms.discard(ref.room_id)
            leave_room(broadcast.room_channel(ref.room_id))
            operations.leave_rooms(connection.actor, {ref.room_id}, connection.sid)
        return {}

    def on_push_card(self, connection: Connection, data) -> dict:
        payload = parse(CardIn, data)
        card = operations.push_card(connection.actor, payload.room_id, payload.job_id)
        return {"card_id": card["card_id"], "card": card}

    def on_unpin_card(self, connection: Connection, data) -> dict:
        payload = parse(UnpinIn, data)
        return {
            "card_id": operations.unpin_card(connection.actor, payload.room_id, payload.card_id)
        }

    @staticmethod
    def _in_room(connection: Connection, room_id: str) -> None:
        if room_id not in connection.rooms:
            raise Forbidden("Join the room first.")

    def on_sign_up(self, connection: Connection, data) -> dict:
        payload = parse(SignUpIn, data)
        if payload.source not in ROOM_SOURCES:
            raise ValidationError(
                "Sign-ups here come from the live room, its replay or a notification.",
                {"source": "live, replay or notification"},
            )
        operations.require_person(connection.actor)
        self._in_room(connection, payload.room_id)
        result = operations.sign_up(
            connection.actor, payload.job_id, payload.source, room_id=payload.room_id
        )
        return {"created": result.created, "count": result.count, "job_id": payload.job_id}

    def on_withdraw(self, connection: Connection, data) -> dict:
        payload = parse(SignUpIn, data)
        operations.require_person(connection.actor)
        self._in_room(connection, payload.room_id)
        result = operations.withdraw_sign_up(
            connection.actor, payload.job_id, room_id=payload.room_id
        )
        return {"count": result.count, "job_id": payload.job_id}

    def on_identify(self, connection: Connection, data) -> dict:
        """The connection acts as the seeker a token from POST /api/v1/auth/verify stands for.
        A bare name and mobile number proves nothing and is refused."""
        if not (isinstance(data, dict) and data.get("token")):
            raise Unauthorized(
                _("Prove your mobile number with the code we text you first."),
                {"identity": "code required"},
            )
        payload = parse(IdentifyIn, data)
        actor = token_actor(
            payload.token, ip=connection.actor.ip, visitor_id=connection.actor.visitor_id
        )
        if actor.seeker_id is None:
            raise Forbidden(_("Only job seekers sign up for jobs."))
        connection.actor = actor
        operations.adopt_browser(actor)
        return {"name": actor.name}

    def on_chat(self, connection: Connection, data) -> dict:
        payload = parse(ChatIn, data)
        self._in_room(connection, payload.room_id)
        return {"message": operations.post_chat(connection.actor, payload.room_id, payload.text)}

    def on_moderate(self, connection: Connection, data) -> dict:
        payload = parse(ModerateIn, data)
        message_id = operations.moderate_chat(
            connection.actor, payload.room_id, payload.action, payload.target
        )
        return {"message_id": message_id}

    def on_media(self, connection: Connection, meta=None, chunk=None) -> dict:
        """A binary chunk of the host's browser recording, in order, into the room's ffmpeg."""
        if not isinstance(chunk, bytes | bytearray) or not chunk:
            raise ValidationError("Send the chunk as binary data.", {"chunk": "required"})
        if connection.media_bytes.take(len(chunk)) is False:
            raise RateLimited("The video is arriving faster than a broadcast needs.")
        payload = parse(MediaChunkMeta, meta)
        operations.feed_video(connection.actor, payload.room_id, payload.mime_type, bytes(chunk))
        return {}


def register_namespace() -> None:
    """Serve /live: called by the factory before the server is built (importing this module
    registers nothing). The namespace is kept by the extension for every app built after."""
    if not any(handler.namespace == NAMESPACE for handler in socketio.namespace_handlers):
        socketio.on_namespace(LiveNamespace(NAMESPACE))
