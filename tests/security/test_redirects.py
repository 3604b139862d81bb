"""Redirect targets an attacker puts in a link to FairCast so that, after the language switch or
signing in, the browser lands on their site: only paths on this site are followed."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.fixtures.values import PASSWORD, csrf_token

OFF_SITE = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    " //evil.example",
    "/%0a/x",
    "/\x00/evil.example",
]


def lands_on_this_site(location: str) -> bool:
    return location.startswith("/") and not location.startswith("//") and "evil" not in location


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_language_switch_never_leads_off_the_site(client, target):
    answer = client.get(f"/lang/en?next={quote(target, safe='')}")
    assert answer.status_code == 302
    assert lands_on_this_site(answer.headers["Location"]), answer.headers["Location"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_signing_in_never_leads_off_the_site(app, make_user, target):
    client = app.test_client()
    user = make_user("organiser")
    answer = client.post(
        f"/login?next={quote(target, safe='')}",
        data={"username": user.username, "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert answer.status_code == 302
    assert lands_on_this_site(answer.headers["Location"]), answer.headers["Location"]


def test_a_path_on_the_site_is_still_followed(client, make_user):
    assert client.get("/lang/en?next=/calendar%3Fmonth%3D2026-12").headers["Location"] == (
        "/calendar?month=2026-12"
    )
    user = make_user("organiser")
    answer = client.post(
        "/login?next=/organiser/fairs",
        data={"username": user.username, "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert answer.headers["Location"] == "/organiser/fairs"
