"""The /live Socket.IO namespace: parse, authorise, call a service, commit, then broadcast."""

from __future__ import annotations

import json
import logging
import re
import time
from collections import defaultdict, deque

from flask import current_app, request, session
from flask_login import current_user
from flask_socketio import Namespace, join_room, leave_room

from app.accounts.models import User
from app.accounts.services import identify_seeker, token_for
from app.accounts.views import LOGIN_SESSION_KEY
from app.errors import DomainError, Forbidden, NotFound, RateLimited, ValidationError
from app.extensions import db, socketio
from app.fairs.models import Room
from app.fairs.services import get_room
from app.live import broadcast, services
from app.live.broadcast import NAMESPACE
from app.live.connections import Connection
from app.live.media import media_urls, stream_position, stream_runtime
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
from app.live.signups import SignUpRequest, WithdrawRequest, seeker_signups
from app.reports import rollups
from app.schemas import parse
from app.validators import mask_mobile

log = logging.getLogger(__name__)

# Client -> server event names.
JOIN, LEAVE, PUSH_CARD, UNPIN_CARD = "join", "leave", "push_card", "unpin_card"
SIGN_UP, WITHDRAW, IDENTIFY, CHAT, MODERATE = "sign_up", "withdraw", "identify", "chat", "moderate"
MEDIA = "media"
# Events whose handlers use neither the request nor Socket.IO rooms.
APP_CONTEXT_EVENTS = frozenset({SIGN_UP, WITHDRAW})

VISITOR_COOKIE = "fc_vid"
SEEKER_SESSION_KEY = "seeker_id"
VISITOR_ID_RE = re.compile(r"^[A-Za-z0-9_-]{8,40}$")
MAX_EVENT_BYTES = 4096
# Chat: at most CHAT_BURST lines per CHAT_WINDOW seconds per person in a room.
CHAT_BURST, CHAT_WINDOW = 5, 10.0


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


class LiveNamespace(Namespace):
    """Handlers for /live; every client event is answered with {ok: true, ...} or an error."""

    def __init__(self, namespace: str = NAMESPACE):
        super().__init__(namespace)
        self._chat_times: dict[tuple[str, str], deque] = defaultdict(deque)

    # Connection lifecycle ------------------------------------------------------------------

    def on_connect(self, auth=None):
        runtime = live_runtime()
        runtime.start_maintenance()
        auth = auth if isinstance(auth, dict) else {}
        connection = Connection(sid=request.sid, visitor_id=self._visitor_id(auth))
        token = auth.get("token")
        if isinstance(token, str) and token:
            record = token_for(token)
            if record is None:
                raise ConnectionRefusedError("The API token is not valid.")
            self._as_user(connection, record.user)
            connection.token_id = record.id
        elif current_user.is_authenticated:
            self._as_user(connection, current_user._get_current_object())
            connection.login_session_id = session.get(LOGIN_SESSION_KEY)
        if connection.seeker_id is None and not connection.is_staff:
            seeker_id = session.get(SEEKER_SESSION_KEY)
            if seeker_id:
                from app.accounts.models import Seeker

                seeker = db.session.get(Seeker, seeker_id)
                if seeker is not None:
                    connection.seeker_id, connection.seeker_name = seeker.id, seeker.name
        runtime.registry.add(connection)
        return True

    @staticmethod
    def _visitor_id(auth: dict) -> str:
        for candidate in (request.cookies.get(VISITOR_COOKIE), auth.get("visitor_id")):
            if isinstance(candidate, str) and VISITOR_ID_RE.match(candidate):
                return candidate
        return f"c-{request.sid}"[:40]

    @staticmethod
    def _as_user(connection: Connection, user: User) -> None:
        connection.user_id = user.id
        connection.role = user.role.value
        connection.user_name = user.name
        connection.employer_id = user.employer_id
        connection.session_version = user.session_version
        if user.seeker_id:
            connection.seeker_id, connection.seeker_name = user.seeker_id, user.seeker.name

    def on_disconnect(self, reason=None):
        runtime = live_runtime()
        connection = runtime.registry.remove(request.sid)
        if connection is None:
            return
        for room_id in connection.rooms:
            if not self._manages(connection, room_id):
                runtime.writer.submit("leave", services.Leave(room_id, connection.sid))
            runtime.coalescer.mark(room_id)

    # Dispatch ------------------------------------------------------------------------------

    def trigger_event(self, event, *args):
        if event in ("connect", "disconnect"):
            return super().trigger_event(event, *args)
        if event in APP_CONTEXT_EVENTS:
            # The hottest events need no request: an app context is enough and far cheaper.
            sid, payload = args[0], args[1:]
            environ = self.socketio.server.get_environ(sid, namespace=self.namespace)
            if not environ:
                return None
            with environ["flask.app"].app_context():
                return self._dispatch(event, sid, *payload)
        return self.socketio._handle_event(
            lambda *payload: self._dispatch(request.event["message"], request.sid, *payload),
            event,
            self.namespace,
            *args,
        )

    def _dispatch(self, event: str, sid: str, *args):
        runtime = live_runtime()
        connection = runtime.registry.get(sid)
        if connection is None:
            return _error(Forbidden("Not connected."))
        if event == MEDIA:
            return self._media(connection, *args)
        if not connection.allow():
            if connection.refused():
                log.warning("disconnecting %s: event flood", sid)
                socketio.server.disconnect(sid, namespace=self.namespace)
            return _error(RateLimited("Too many messages; slow down."))
        handler = getattr(self, f"handle_{event}", None)
        if handler is None:
            return _error(ValidationError(f"Unknown event {event!r}."))
        data = args[0] if args else None
        if _size(data) > MAX_EVENT_BYTES:
            return _error(
                ValidationError(
                    "The message is too large.", {"body": f"at most {MAX_EVENT_BYTES} bytes"}
                )
            )
        try:
            return _ok(**(handler(connection, data) or {}))
        except DomainError as exc:
            db.session.rollback()
            return _error(exc)
        except Exception:
            db.session.rollback()
            log.exception("/live %s failed", event)
            return {
                "ok": False,
                "error": {"code": "internal", "message": "Something went wrong.", "fields": {}},
            }

    def _media(self, connection: Connection, meta=None, chunk=None) -> dict:
        """A binary chunk of the host's browser recording, in order, into the room's ffmpeg."""
        if not isinstance(chunk, bytes | bytearray) or not chunk:
            return _error(ValidationError("Send the chunk as binary data.", {"chunk": "required"}))
        if connection.media_bytes.take(len(chunk)) is False:
            return _error(RateLimited("The video is arriving faster than a broadcast needs."))
        try:
            payload = parse(MediaChunkMeta, meta)
            room = self._room(connection, payload.room_id)
            services.require_manager(connection, room)
            stream_runtime().feed(room, payload.mime_type, bytes(chunk))
            db.session.commit()
            return _ok()
        except DomainError as exc:
            db.session.rollback()
            return _error(exc)
        except Exception:
            db.session.rollback()
            log.exception("/live media failed")
            return {
                "ok": False,
                "error": {"code": "internal", "message": "Something went wrong.", "fields": {}},
            }

    # Helpers -------------------------------------------------------------------------------

    def _manages(self, connection: Connection, room_id: str) -> bool:
        facts = live_runtime().facts(room_id)
        return facts is not None and (
            connection.is_organiser or connection.user_id == facts.host_id
        )

    def _room(self, connection: Connection, room_id: str) -> Room:
        """The room, if this connection may see it."""
        user = db.session.get(User, connection.user_id) if connection.user_id else None
        room = get_room(user, room_id)
        fair = room.fair
        if not fair.anonymous_viewers and not (connection.user_id or connection.seeker_id):
            raise Forbidden("Sign in to watch this fair.", {"identity": "required"})
        return room

    @staticmethod
    def _joined(connection: Connection, room_id: str) -> None:
        if room_id not in connection.rooms:
            raise Forbidden("Join the room first.")

    # Events --------------------------------------------------------------------------------

    def handle_join(self, connection: Connection, data) -> dict:
        ref = parse(RoomRef, data)
        room = self._room(connection, ref.room_id)
        runtime = live_runtime()
        manager = services.can_manage(connection, room)
        if not manager and ref.room_id not in connection.rooms:
            join = services.Join(
                room.id,
                room.fair_id,
                connection.visitor_id,
                connection.seeker_id,
                connection.user_id,
                connection.sid,
                runtime.process_id,
            )
            runtime.write("join", join)
        join_room(broadcast.room_channel(room.id))
        connection.rooms.add(room.id)
        runtime.coalescer.mark(room.id)
        hls_url, _replay = media_urls(room)
        reply = {
            "state": services.room_state(room, hls_url),
            "chat": services.recent_chat(room.id),
            "can_manage": manager,
            "me": self._me(connection, room.fair_id),
        }
        if manager:
            reply["jobs"] = [services.job_snapshot(job) for job in room.fair.jobs]
        return reply

    @staticmethod
    def _me(connection: Connection, fair_id: str) -> dict:
        me = {
            "identified": connection.seeker_id is not None,
            "name": connection.seeker_name or connection.user_name,
            "role": connection.role,
            "signed_up": [],
        }
        if connection.seeker_id:
            me["signed_up"] = seeker_signups(fair_id, connection.seeker_id)
        return me

    def handle_leave(self, connection: Connection, data) -> dict:
        ref = parse(RoomRef, data)
        if ref.room_id in connection.rooms:
            connection.rooms.discard(ref.room_id)
            leave_room(broadcast.room_channel(ref.room_id))
            runtime = live_runtime()
            if not self._manages(connection, ref.room_id):
                runtime.write("leave", services.Leave(ref.room_id, connection.sid))
            runtime.coalescer.mark(ref.room_id)
        return {}

    def handle_push_card(self, connection: Connection, data) -> dict:
        payload = parse(CardIn, data)
        room = self._room(connection, payload.room_id)
        run_id, offset = stream_position(room)
        card = services.push_card(
            connection, room, payload.job_id, offset, run_id, mark_audience=False
        )
        db.session.commit()
        card_json = services.card_json(card)
        broadcast.card_pushed(room.id, card_json)
        rollups.record_card_audience(room.id, room.fair_id)  # for the report, after the viewers
        db.session.commit()
        return {"card_id": card.id, "card": card_json}

    def handle_unpin_card(self, connection: Connection, data) -> dict:
        payload = parse(UnpinIn, data)
        room = self._room(connection, payload.room_id)
        card = services.unpin_card(connection, room, payload.card_id)
        db.session.commit()
        broadcast.card_unpinned(room.id, card.id)
        return {"card_id": card.id}

    def _signup_target(self, connection: Connection, room_id: str, job_id: str):
        if connection.seeker_id is None:
            if connection.is_staff:
                raise Forbidden("Hosts and organisers do not sign up for jobs.")
            raise Forbidden("Tell us your name and mobile number first.", {"identity": "required"})
        self._joined(connection, room_id)
        facts = live_runtime().facts(room_id)
        if facts is None:
            raise NotFound("No such room.")
        if job_id not in facts.job_ids:
            raise ValidationError(
                "That job is not part of this fair.", {"job_id": "not in this fair"}
            )
        return facts

    def handle_sign_up(self, connection: Connection, data) -> dict:
        payload = parse(SignUpIn, data)
        if payload.source.value not in ("live", "replay"):
            raise ValidationError(
                "Sign-ups here come from the live room or its replay.", {"source": "live or replay"}
            )
        facts = self._signup_target(connection, payload.room_id, payload.job_id)
        if not facts.fair_open:
            raise Forbidden("The fair is over; sign-ups are closed.")
        result = live_runtime().sign_up(
            SignUpRequest(
                facts.fair_id,
                connection.seeker_id,
                payload.job_id,
                payload.source,
                room_id=payload.room_id,
            )
        )
        return {"created": result.created, "count": result.count, "job_id": payload.job_id}

    def handle_withdraw(self, connection: Connection, data) -> dict:
        payload = parse(SignUpIn, data)
        facts = self._signup_target(connection, payload.room_id, payload.job_id)
        request_ = WithdrawRequest(facts.fair_id, connection.seeker_id, payload.job_id)
        result = live_runtime().withdraw(request_, payload.room_id)
        return {"count": result.count, "job_id": payload.job_id}

    def handle_identify(self, connection: Connection, data) -> dict:
        identity = parse(IdentifyIn, data)
        if connection.is_staff:
            raise Forbidden("Hosts and organisers do not sign up for jobs.")
        seeker = identify_seeker(identity, current_app.config["SECRET_KEY"])
        services.link_visitor(connection.visitor_id, seeker.id)
        db.session.commit()
        connection.seeker_id, connection.seeker_name = seeker.id, seeker.name
        return {"name": seeker.name, "mobile": mask_mobile(seeker.mobile)}

    def handle_chat(self, connection: Connection, data) -> dict:
        payload = parse(ChatIn, data)
        self._joined(connection, payload.room_id)
        room = self._room(connection, payload.room_id)
        self._throttle_chat(connection, room.id)
        message = services.post_chat(connection, room, payload.text)
        db.session.commit()
        message_json = services.message_json(message)
        broadcast.chat_posted(room.id, message_json)
        return {"message": message_json}

    def _throttle_chat(self, connection: Connection, room_id: str) -> None:
        now = time.monotonic()
        times = self._chat_times[(room_id, connection.person_key)]
        while times and times[0] < now - CHAT_WINDOW:
            times.popleft()
        if len(times) >= CHAT_BURST:
            raise RateLimited("You are sending messages too fast; wait a few seconds.")
        times.append(now)

    def handle_moderate(self, connection: Connection, data) -> dict:
        payload = parse(ModerateIn, data)
        room = self._room(connection, payload.room_id)
        message = services.moderate(connection, room, payload.action, payload.target)
        db.session.commit()
        if payload.action == "delete":
            broadcast.chat_deleted(room.id, message.id)
        return {"message_id": message.id}


socketio.on_namespace(LiveNamespace(NAMESPACE))
