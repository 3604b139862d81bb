"""The viewer's room page and the host's cockpit."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    render_template,
    request,
    send_from_directory,
)
from flask_login import login_required

from app.accounts.doors import VISITOR_COOKIE, current_actor
from app.db import utcnow
from app.errors import Forbidden
from app.fairs import services as fairs
from app.fairs.models import RoomStatus
from app.live import operations
from app.live.cards import card_json, room_cards
from app.live.locations import media_url, profile_for_player, replay_run
from app.live.runtime import stream_runtime
from app.live.schemas import MAX_CHAT_LENGTH

bp = Blueprint("live", __name__)

VISITOR_COOKIE_AGE = 365 * 24 * 3600


def with_visitor_cookie(response):
    """Give the browser a stable id, so a viewer who reconnects or reloads counts once."""
    if VISITOR_COOKIE not in request.cookies:
        response.set_cookie(
            VISITOR_COOKIE,
            secrets.token_urlsafe(16),
            max_age=VISITOR_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


@bp.route("/rooms/<id:room_id>")
def room(room_id: str):
    """A live session's page: video, the pinned job card with its sign-up button, chat."""
    room = fairs.get_room(current_actor(), room_id)
    page = render_template(
        "live/room.html",
        room=room,
        fair=room.fair,
        profile=profile_for_player(),
        has_replay=replay_run(room) is not None,
        chat_max=MAX_CHAT_LENGTH,
        next_room=_next_session(room),
    )
    return with_visitor_cookie(make_response(page))


def _next_session(room):
    """The fair's next session after this one (still to come or on air), if any."""
    now = utcnow()
    later = [
        other
        for other in room.fair.rooms
        if other.id != room.id
        and other.status != RoomStatus.ENDED
        and other.ends_at > now
        and other.starts_at >= room.starts_at
    ]
    return min(later, key=lambda other: other.starts_at, default=None)


# What the media folder may serve, with how long browsers and CDNs may keep each kind.
MEDIA_TYPES = {
    ".m3u8": ("application/vnd.apple.mpegurl", "no-cache"),
    ".ts": ("video/mp2t", "public, max-age=86400, immutable"),
    ".jpg": ("image/jpeg", "public, max-age=5"),
}


@bp.route("/media/<path:relative>")
def media(relative: str):
    """HLS playlists, segments and posters, read-only; nothing else under the media folder."""
    suffix = Path(relative).suffix
    folder, _, rest = relative.partition("/")
    if suffix not in MEDIA_TYPES or folder != "rooms":
        abort(404)
    mimetype, cache = MEDIA_TYPES[suffix]
    rooms = stream_runtime().media_dir.resolve() / "rooms"
    # Nothing FairCast writes there is a link: a link (planted, or left by a restore) could
    # lead anywhere on the disk, so none is followed, as nginx's disable_symlinks does.
    current = rooms
    for part in Path(rest).parts:
        current = current / part
        if current.is_symlink():
            abort(404)
    # send_from_directory refuses any path that leaves the rooms folder.
    response = send_from_directory(rooms, rest, mimetype=mimetype)
    response.headers["Cache-Control"] = cache
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/rooms/<id:room_id>/replay")
def replay(room_id: str):
    """A finished broadcast again, with the job cards at the moments they were pushed."""
    room = fairs.get_room(current_actor(), room_id)
    run = replay_run(room)
    if run is None:
        abort(404, "This session has no replay.")
    cards = [
        card_json(card)
        for card in reversed(room_cards(room.id))
        if card.run_id == run.id and card.stream_offset_ms is not None
    ]
    page = render_template(
        "live/replay.html",
        room=room,
        fair=room.fair,
        run=run,
        cards=cards,
        replay_url=media_url(run.replay_path),
        poster_url=media_url(run.poster_path),
        counts=operations.sign_up_counts(current_actor(), room.fair_id),
    )
    return with_visitor_cookie(make_response(page))


@bp.route("/rooms/<id:room_id>/cockpit")
@login_required
def cockpit(room_id: str):
    """The host's cockpit: push jobs, watch sign-ups and viewers, moderate chat."""
    room = fairs.get_room(current_actor(), room_id)
    if not fairs.can_manage_room(current_actor(), room):
        raise Forbidden("Only the room's host or an organiser opens its cockpit.")
    return render_template(
        "live/cockpit.html",
        room=room,
        fair=room.fair,
        profile=profile_for_player(),
        chat_max=MAX_CHAT_LENGTH,
    )
