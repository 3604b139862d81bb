"""The viewer's room page."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from app.fairs import services as fairs

bp = Blueprint("live", __name__)


@bp.route("/rooms/<room_id>")
def room(room_id: str):
    """A live session's page."""
    actor = current_user if current_user.is_authenticated else None
    room = fairs.get_room(actor, room_id)
    return render_template("live/room.html", room=room, fair=room.fair)
