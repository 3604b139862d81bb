"""The viewer's room page and the host's cockpit."""

from __future__ import annotations

import secrets

from flask import Blueprint, current_app, make_response, render_template, request
from flask_login import current_user, login_required

from app.errors import Forbidden
from app.fairs import services as fairs
from app.live.events import VISITOR_COOKIE

bp = Blueprint("live", __name__)

VISITOR_COOKIE_AGE = 365 * 24 * 3600


def _actor():
    return current_user if current_user.is_authenticated else None


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


@bp.route("/rooms/<room_id>")
def room(room_id: str):
    """A live session's page: video, the pinned job card with its sign-up button, chat."""
    room = fairs.get_room(_actor(), room_id)
    return with_visitor_cookie(
        make_response(render_template("live/room.html", room=room, fair=room.fair))
    )


@bp.route("/rooms/<room_id>/cockpit")
@login_required
def cockpit(room_id: str):
    """The host's cockpit: push jobs, watch sign-ups and viewers, moderate chat."""
    room = fairs.get_room(_actor(), room_id)
    if not fairs.can_manage_room(current_user, room):
        raise Forbidden("Only the room's host or an organiser opens its cockpit.")
    return render_template("live/cockpit.html", room=room, fair=room.fair)
