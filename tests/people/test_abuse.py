"""The attacks that worked while typing a number was enough, tried again: one browser cannot
become many people, take a fair's places, or learn who holds a number."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.codes import PER_BROWSER_PER_HOUR
from app.onsite.models import Registration, RegistrationStatus
from tests.fixtures.people import code_from_outbox
from tests.fixtures.values import csrf_token


def test_one_browser_cannot_drain_a_fairs_places(client, db, make_fair):
    """The attacker's browser made up 99 identities and took every place; now each identity
    needs a code texted to a real phone, and one browser gets only a handful of codes."""
    fair = make_fair(capacity=50)
    client.set_cookie("fc_vid", "attacker-browser-01")
    path = f"/api/v1/fairs/{fair.id}/registrations"
    taken = 0
    for n in range(12):
        mobile = f"1360000{n:04d}"
        headers = {"X-CSRFToken": csrf_token(client)}
        sent = client.post("/api/v1/auth/sms", json={"mobile": mobile}, headers=headers)
        if sent.status_code != 202:
            assert sent.status_code == 429
            continue
        verified = client.post(
            "/api/v1/auth/verify",
            json={"mobile": mobile, "code": code_from_outbox(mobile), "consent": True},
            headers=headers,
        )
        assert verified.status_code == 200
        if client.post(path, json={}, headers=headers).status_code == 201:
            taken += 1
    assert taken == PER_BROWSER_PER_HOUR
    confirmed = db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.status == RegistrationStatus.CONFIRMED)
    )
    assert confirmed == PER_BROWSER_PER_HOUR
    # A real person on their own phone still gets a place.
    phone = client.application.test_client()
    headers = {"X-CSRFToken": csrf_token(phone)}
    assert (
        phone.post("/api/v1/auth/sms", json={"mobile": "13912345678"}, headers=headers).status_code
        == 202
    )


def test_typing_a_number_discloses_no_name(client, make_user):
    make_user("seeker", name="王芳", mobile="13800138000")
    headers = {"X-CSRFToken": csrf_token(client)}
    answers = [
        client.post(
            "/api/v1/identity", json={"name": "x", "mobile": "13800138000"}, headers=headers
        ),
        client.post("/api/v1/auth/sms", json={"mobile": "13800138000"}, headers=headers),
        client.post(
            "/api/v1/auth/verify",
            json={"mobile": "13800138000", "code": "000000"},
            headers=headers,
        ),
    ]
    for answer in answers:
        assert "王" not in answer.get_data(as_text=True)
    assert client.get("/api/v1/me").status_code == 401
