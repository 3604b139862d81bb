"""Notifications listen to what happens elsewhere (connected by the factory)."""

from __future__ import annotations

from flask import current_app

from app.fairs.announcements import fair_changed
from app.live import announcements as live
from app.matching import announcements as matching
from app.notifications import alerts
from app.onsite.announcements import waitlist_promoted


def _card_pushed(room_id: str, fair_id: str, card: dict) -> None:
    job_id = (card.get("job") or {}).get("id")
    if job_id:
        alerts.in_background(
            current_app._get_current_object(), alerts.alert_live_match, room_id, job_id
        )


def _invited(
    invitation_id: str, seeker_id: str, job_id: str, job_title: str, employer_name: str, url: str
) -> None:
    alerts.in_background(
        current_app._get_current_object(),
        alerts.alert_invited,
        seeker_id,
        invitation_id,
        job_title,
        employer_name,
        url,
    )


def _fair_changed(fair_id: str) -> None:
    alerts.in_background(current_app._get_current_object(), alerts.alert_fair_published, fair_id)


def _promoted(fair_id: str, fair_title: str, promoted: list[tuple[str, str]]) -> None:
    app = current_app._get_current_object()
    alerts.in_background(app, alerts.alert_promoted, fair_id, fair_title, promoted)


def connect() -> None:
    """Connect the notifications' listeners."""
    fair_changed.connect(_fair_changed)
    waitlist_promoted.connect(_promoted)
    live.card_pushed.connect(_card_pushed)
    matching.invited.connect(_invited)
