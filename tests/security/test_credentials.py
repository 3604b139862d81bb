"""Credentials as an attacker holds them: a read-only export token that tries to act live and
read ingest secrets, and tokens that must end (a lifetime, revocation by the owner through the
API and by the operator from the command line)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests

from app.accounts.models import ApiToken, TokenScope
from app.accounts.services import create_token
from tests.fixtures.servers import Server, faircast_env, run_cli
from tests.fixtures.sockets import NS, ack
from tests.fixtures.values import PASSWORD


@pytest.fixture
def export_token(db, live_room):
    _room, host, _jobs = live_room
    token = create_token(host, TokenScope.EXPORT)
    db.session.commit()
    return token


# An export token is read-only on every door ----------------------------------------------------


@pytest.mark.parametrize("scope", [TokenScope.EXPORT, TokenScope.EXPORT_PERSONAL])
def test_an_export_token_cannot_open_live_as_the_host(db, live_room, connect, scope):
    room, host, jobs = live_room
    token = create_token(host, scope)
    db.session.commit()
    client = connect(token=token)
    assert not client.is_connected(NS), "an export token opened /live"


def test_a_full_token_of_the_same_host_does_act(db, live_room, connect, token_for):
    room, host, jobs = live_room
    client = connect(token=token_for(host))
    assert ack(client, "join", {"room_id": room.id})["ok"]
    assert ack(client, "push_card", {"room_id": room.id, "job_id": jobs[0].id})["ok"]


def test_an_export_token_never_sees_the_ingest_secret(api, live_room, export_token, token_for):
    room, host, _jobs = live_room
    seen = api.get(f"/rooms/{room.id}", token=export_token)
    assert seen.status_code == 200
    assert seen.get_json().get("ingest") is None
    assert room.stream_key not in seen.get_data(as_text=True)
    # The host's full credentials do get it: the secret is there to be withheld.
    own = api.get(f"/rooms/{room.id}", token=token_for(host)).get_json()
    assert own["ingest"]["stream_key"] == room.stream_key


def test_an_export_token_cannot_broadcast_rotate_or_edit(api, live_room, export_token):
    room, _host, _jobs = live_room
    attempts = [
        api.post(f"/rooms/{room.id}/live", json={"source": "srt"}, token=export_token),
        api.post(f"/rooms/{room.id}/key", token=export_token),
        api.patch(f"/rooms/{room.id}", json={"title": "Taken"}, token=export_token),
    ]
    assert [a.status_code for a in attempts] == [403, 403, 403]
    assert api.get(f"/rooms/{room.id}").get_json()["title"] != "Taken"


# Tokens end -----------------------------------------------------------------------------------


def test_a_token_from_the_api_has_a_lifetime_and_is_listed_with_its_last_use(api, make_user):
    user = make_user("organiser")
    issued = api.post(
        "/tokens", json={"username": user.username, "password": PASSWORD, "lifetime_days": 2}
    )
    assert issued.status_code == 201
    body = issued.get_json()
    expires = datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    left = expires - datetime.now(UTC)
    assert timedelta(days=1, hours=23) < left <= timedelta(days=2)

    default = api.post("/tokens", json={"username": user.username, "password": PASSWORD})
    assert default.get_json()["expires_at"] is not None, "a password-made token must expire"
    too_long = {"username": user.username, "password": PASSWORD, "lifetime_days": 10_000}
    assert api.post("/tokens", json=too_long).status_code == 422

    listed = api.get("/tokens", token=body["token"])
    assert listed.status_code == 200
    tokens = {t["id"]: t for t in listed.get_json()}
    assert set(tokens) == {body["id"], default.get_json()["id"]}
    assert tokens[body["id"]]["last_used_at"] is not None  # this very request used it
    assert body["token"] not in listed.get_data(as_text=True)


def test_the_owner_revokes_a_token_and_it_stops_at_once(api, make_user, token_for):
    user, other = make_user("organiser"), make_user("organiser")
    keep, lose = token_for(user), token_for(user)
    lose_id = next(t["id"] for t in api.get("/tokens", token=lose).get_json() if t["last_used_at"])

    foreign = token_for(other)
    assert api.delete(f"/tokens/{lose_id}", token=foreign).status_code == 404
    assert api.get("/employers", token=lose).status_code == 200

    revoked = api.delete(f"/tokens/{lose_id}", token=keep)
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
    assert api.get("/employers", token=lose).status_code == 401
    assert api.get("/employers", token=keep).status_code == 200
    assert api.delete(f"/tokens/{lose_id}", token=keep).status_code == 200  # harmless again


def test_an_expired_token_is_refused_on_http_and_live(db, api, live_room, connect):
    room, host, _jobs = live_room
    token = create_token(host, lifetime=timedelta(days=1))
    db.session.commit()
    assert api.get("/employers", token=token).status_code == 200
    record = db.session.query(ApiToken).one()
    record.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    assert api.get("/employers", token=token).status_code == 401
    assert not connect(token=token).is_connected(NS)


def test_a_read_only_token_cannot_revoke_its_owners_tokens(api, db, make_user, token_for):
    user = make_user("organiser")
    full = token_for(user)
    export = create_token(user, TokenScope.EXPORT)
    db.session.commit()
    full_id = next(t["id"] for t in api.get("/tokens", token=full).get_json() if t["last_used_at"])
    assert api.delete(f"/tokens/{full_id}", token=export).status_code == 403
    assert api.get("/employers", token=full).status_code == 200


@pytest.mark.slow
def test_the_operator_lists_and_revokes_tokens_from_the_command_line(tmp_path):
    env = faircast_env(f"sqlite:///{tmp_path / 'cli.db'}", tmp_path / "media")
    run_cli(["db", "upgrade"], env)
    run_cli(
        ["user", "create", "--role", "organiser", "--username", "wang", "--password", PASSWORD],
        env,
    )
    first = run_cli(["token", "create", "--username", "wang", "--days", "7"], env).stdout.strip()
    second = run_cli(["token", "create", "--username", "wang"], env).stdout.strip()
    listed = run_cli(["token", "list", "--username", "wang"], env).stdout.splitlines()
    assert len(listed) == 2
    # id scope label created last-used expires revoked: one token has a lifetime, none revoked.
    fields = [line.split() for line in listed]
    assert sorted(f[5] == "-" for f in fields) == [False, True]
    assert all(f[6] == "-" for f in fields)

    with Server(env, log_path=tmp_path / "server.log") as server:

        def status(token: str) -> int:
            headers = {"Authorization": f"Bearer {token}"}
            return requests.get(
                server.url + "/api/v1/employers", headers=headers, timeout=5
            ).status_code

        assert (status(first), status(second)) == (200, 200)
        one = fields[0][0]
        run_cli(["token", "revoke", "--username", "wang", "--id", one], env)
        assert sorted((status(first), status(second))) == [200, 401]
        assert run_cli(["token", "revoke", "--username", "wang"], env).returncode == 0
        assert (status(first), status(second)) == (401, 401)
    missing = run_cli(["token", "revoke", "--username", "wang", "--id", "nope"], env, check=False)
    assert missing.returncode != 0 and "No such token" in missing.stderr
