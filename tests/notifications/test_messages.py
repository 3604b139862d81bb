"""An employer's follow-up message reaches the person who signed up, and nobody else may send
one on the employer's behalf."""

from __future__ import annotations

from sqlalchemy import select

from app.live.models import SignUp
from tests.fixtures.values import csrf_token, login


def test_a_host_messages_a_person_who_signed_up(client, api, db, live_room, make_user, token_for):
    room, host, jobs = live_room
    seeker = make_user("seeker")
    login(client, seeker.username)
    signed = client.post(
        f"/api/v1/fairs/{room.fair_id}/signups",
        json={"job_id": jobs[0].id, "source": "page"},
        headers={"X-CSRFToken": csrf_token(client)},
    )
    assert signed.status_code == 201
    signup = db.session.scalar(select(SignUp))

    text = {"text": "请明天上午9点带身份证到东园镇服务大厅面试。"}
    sent = api.post(f"/signups/{signup.id}/messages", text, token=token_for(host))
    assert sent.status_code == 201 and sent.json["channels"] == ["in_app"]
    [note] = api.get("/me/notifications", token=token_for(seeker)).json
    assert note["kind"] == "employer_message" and note["body"] == text["text"]
    assert note["title"].endswith("（Job 0）给你留言")

    stranger = token_for(make_user("host"))
    assert api.post(f"/signups/{signup.id}/messages", text, token=stranger).status_code == 404
    assert (
        api.post(f"/signups/{signup.id}/messages", {"text": ""}, token=token_for(host)).status_code
        == 422
    )
