"""Password guessing behind the proxy of docs/deploy.md: failed sign-ins slow the guesser down
without locking anyone else out. Every client reaches the app from the proxy's address, so the
client's own address is taken from X-Forwarded-For (FAIRCAST_PROXY_COUNT=1 here)."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest

from app.accounts.doors import DEVICE_COOKIE
from app.accounts.models import LoginFailure
from app.accounts.services import (
    FREE_FAILURES_PER_ACCOUNT,
    FREE_FAILURES_PER_ADDRESS,
    MAX_SIGN_IN_DELAY,
)
from tests.fixtures.values import PASSWORD, csrf_token

ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


@pytest.fixture
def settings(settings):
    settings.proxy_count = 1
    return settings


def from_address(ip: str) -> dict:
    return {"X-Forwarded-For": ip}


def earlier(db, delta: timedelta) -> None:
    """Move every failed sign-in back in time, as if delta had passed."""
    for failure in db.session.query(LoginFailure):
        failure.at -= delta
    db.session.commit()


def token_request(client, username: str, password: str, ip: str):
    return client.post(
        "/api/v1/tokens",
        json={"username": username, "password": password},
        headers=from_address(ip),
    )


def form_sign_in(client, username: str, password: str, ip: str):
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_token(client)},
        headers=from_address(ip),
    )


def test_random_usernames_from_one_address_lock_nobody_else_out(client, make_user):
    owner = make_user("organiser")
    answers = [
        token_request(client, f"nobody-{secrets.token_hex(4)}", "guess", ATTACKER).status_code
        for _ in range(30)
    ]
    assert answers[:FREE_FAILURES_PER_ADDRESS] == [401] * FREE_FAILURES_PER_ADDRESS
    assert 429 in answers, "the guessing address was never slowed"
    # Everyone else behind the same proxy still signs in at once.
    assert token_request(client, owner.username, PASSWORD, OWNER).status_code == 201
    assert form_sign_in(client, owner.username, PASSWORD, OWNER).status_code == 302


def test_a_slowed_answer_says_how_long_to_wait_and_the_wait_is_short(db, client, make_user):
    user = make_user("organiser")
    for _ in range(FREE_FAILURES_PER_ACCOUNT):
        assert token_request(client, user.username, "guess", ATTACKER).status_code == 401
    slowed = token_request(client, user.username, PASSWORD, ATTACKER)
    assert slowed.status_code == 429
    wait = int(slowed.headers["Retry-After"])
    assert 1 <= wait <= MAX_SIGN_IN_DELAY.total_seconds()
    assert slowed.get_json()["error"]["fields"]["retry_after"] == str(wait)
    # Once that wait has passed (the failures moved back in time), the right password works:
    # a wait, not a lockout.
    earlier(db, timedelta(seconds=wait))
    assert token_request(client, user.username, PASSWORD, ATTACKER).status_code == 201


def test_each_further_failure_doubles_the_wait_up_to_a_minute(db, client, make_user):
    user = make_user("organiser")
    waits = []
    for _ in range(FREE_FAILURES_PER_ACCOUNT + 10):
        answer = token_request(client, user.username, "guess", ATTACKER)
        if answer.status_code == 429:
            waits.append(int(answer.headers["Retry-After"]))
            # Wait it out, as a patient guesser would, and guess again.
            earlier(db, timedelta(seconds=waits[-1]))
            assert token_request(client, user.username, "guess", ATTACKER).status_code == 401
    assert waits[:6] == [1, 2, 4, 8, 16, 32]
    assert max(waits) == MAX_SIGN_IN_DELAY.total_seconds()


def test_the_owners_known_browser_gets_in_while_their_account_is_under_attack(app, make_user):
    owner = make_user("host")
    browser, attacker = app.test_client(), app.test_client()
    assert form_sign_in(browser, owner.username, PASSWORD, OWNER).status_code == 302
    assert browser.get_cookie(DEVICE_COOKIE) is not None
    browser.post("/logout", data={"csrf_token": csrf_token(browser)})

    for _ in range(FREE_FAILURES_PER_ACCOUNT + 5):
        form_sign_in(attacker, owner.username, "guess", ATTACKER)
    slowed = form_sign_in(attacker, owner.username, PASSWORD, ATTACKER)
    assert slowed.status_code == 429
    assert "登录失败次数过多" in slowed.get_data(as_text=True)  # said in the page's language
    # A new browser of the owner is slowed like anyone (it has not proved anything yet) …
    assert form_sign_in(app.test_client(), owner.username, PASSWORD, OWNER).status_code == 429
    # … but the browser they signed in with before gets straight in with the right password.
    assert form_sign_in(browser, owner.username, PASSWORD, OWNER).status_code == 302


def test_a_known_browser_cookie_is_good_only_for_its_own_account(app, make_user):
    owner, victim = make_user("host"), make_user("host")
    attacker = app.test_client()
    assert form_sign_in(attacker, owner.username, PASSWORD, ATTACKER).status_code == 302
    attacker.post("/logout", data={"csrf_token": csrf_token(attacker)})
    for _ in range(FREE_FAILURES_PER_ACCOUNT):
        form_sign_in(attacker, victim.username, "guess", ATTACKER)
    assert form_sign_in(attacker, victim.username, PASSWORD, ATTACKER).status_code == 429
    forged = app.test_client()
    forged.set_cookie(DEVICE_COOKIE, "forged.cookie.value")
    for _ in range(3):
        form_sign_in(forged, victim.username, "guess", OWNER)
    assert form_sign_in(forged, victim.username, PASSWORD, OWNER).status_code == 429
