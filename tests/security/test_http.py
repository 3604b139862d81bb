"""HTTP defences: CSRF on every form and every cookie-authenticated write, headers, limits."""

from __future__ import annotations

import re

from tests.fixtures.values import login

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def concrete(rule) -> str:
    """The rule's path with every variable filled in."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: f"x{m.group(1)}", rule.rule)


def unsafe_routes(app, api: bool):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") != api or rule.rule.startswith("/static"):
            continue
        for method in sorted((rule.methods or set()) & UNSAFE):
            yield method, concrete(rule)


def test_every_form_needs_a_csrf_token(app, client, make_user):
    login(client, make_user("organiser").username)
    routes = list(unsafe_routes(app, api=False))
    assert len(routes) >= 8
    for method, path in routes:
        response = client.open(path, method=method, data={"anything": "1"})
        assert response.status_code == 400, (
            f"{method} {path} answered {response.status_code} without a CSRF token"
        )


def test_every_cookie_authenticated_api_write_needs_csrf(app, client, make_user):
    login(client, make_user("organiser").username)
    routes = [(m, p) for m, p in unsafe_routes(app, api=True) if p != "/api/v1/tokens"]
    assert len(routes) >= 10
    for method, path in routes:
        response = client.open(path, method=method, json={})
        assert response.status_code == 400, f"{method} {path} answered {response.status_code}"
        assert response.get_json()["error"]["code"] == "csrf"


def test_security_headers_everywhere(client):
    for path in ("/", "/login", "/api/v1/fairs", "/calendar", "/api/v1/openapi.json"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert "'unsafe-inline'" not in headers["Content-Security-Policy"], path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["X-Frame-Options"] == "DENY", path


def test_oversized_requests_are_refused_with_413(client, api, make_user, token_for):
    token = token_for(make_user("organiser"))
    big = {"title": "x" * (2 * 1024 * 1024)}
    response = client.post("/api/v1/fairs", json=big, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"]


def test_ids_are_opaque(api, make_fair, make_room, make_job):
    fair = make_fair()
    room = make_room(fair=fair)
    job = make_job()
    for value in (fair.id, room.id, job.id, job.employer_id):
        assert re.fullmatch(r"[0-9a-f]{16}", value)
    assert len({fair.id, room.id, job.id}) == 3


def test_stream_keys_are_not_in_public_pages(client, make_room):
    room = make_room()
    for path in (
        f"/rooms/{room.id}",
        f"/fairs/{room.fair_id}",
        f"/api/v1/rooms/{room.id}",
        f"/api/v1/fairs/{room.fair_id}/rooms",
        f"/api/v1/fairs/{room.fair_id}/calendar.ics",
    ):
        assert room.stream_key not in client.get(path).get_data(as_text=True), path
