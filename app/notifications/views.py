"""Pages: the notification centre, a tapped message, and the service worker for Web Push."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, send_from_directory
from flask_login import login_required

from app.accounts.doors import current_actor
from app.config import PROJECT_ROOT
from app.extensions import db
from app.notifications import services

bp = Blueprint("notifications", __name__)


@bp.route("/my/notifications")
@login_required
def index():
    """The notification centre: every message, newest first; new ones arrive as toasts."""
    return render_template(
        "notifications/index.html", notifications=services.my_notifications(current_actor())
    )


@bp.route("/n/<id:notification_id>")
@login_required
def open_one(notification_id: str):
    """A tapped message (in the list, a toast or a push): noted as opened, then its page."""
    row = services.open_notification(current_actor(), notification_id)
    target = row.url if row.url.startswith("/") and not row.url.startswith("//") else "/"
    db.session.commit()
    return redirect(target)


@bp.route("/sw.js")
def service_worker():
    """The service worker (served at the root so it may show pushes for every page)."""
    response = send_from_directory(PROJECT_ROOT / "static" / "js", "sw.js", max_age=0)
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Service-Worker-Allowed"] = "/"
    return response
