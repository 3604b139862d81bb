"""Every message a person can see when something is refused is in their language: the API's
error JSON, error pages and live acknowledgements follow Accept-Language or the chosen language,
and fields are named by their labels."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from flask_babel import refresh

from app.errors import DomainError
from app.i18n import extract_python_and_errors
from tests.fixtures.sockets import ack
from tests.fixtures.values import login

ROOT = Path(__file__).resolve().parent.parent
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}
# Latin words that stay as they are in Chinese text: names of formats, codecs and protocols.
KEPT = {
    "API",
    "PDF",
    "JSON",
    "ISO",
    "SRT",
    "MP4",
    "MOV",
    "WebM",
    "MKV",
    "MPEG",
    "AVI",
    "FLV",
    "H",
    "VP",
    "AV",
    "GB",
    "Content",
    "Type",
    "application",
    "json",
    "Asia",
    "Shanghai",
    "scope",
    "export_personal",
    "next_cursor",
}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z_]+")


def untranslated(text: str) -> list[str]:
    """The English words left in a text meant to be Chinese."""
    text = re.sub(r"%\(\w+\)s", "", text or "")  # placeholders are filled in
    return [w for w in LATIN_WORD.findall(text) if w not in KEPT]


def assert_chinese(error: dict) -> None:
    texts = [error["message"], *(v for v in error["fields"].values() if isinstance(v, str))]
    for text in texts:
        assert re.search(r"[\u4e00-\u9fff]", text), f"not Chinese: {text!r} in {error}"
        assert not untranslated(text), f"English left in {text!r} ({error})"


def error_messages() -> set[str]:
    """The messages of every error raised in app/ (what the extractor gives beyond gettext)."""
    found = set()
    for _file, _line, message, _c, _ctx in extract_from_dir(
        ROOT / "app",
        method_map=[("**.py", "app.i18n:extract_python_and_errors")],
        keywords={},
    ):
        found.add(message)
    return found


def test_every_error_message_in_the_source_renders_in_chinese(app):
    messages = error_messages()
    assert len(messages) > 150 and "No such fair." in messages
    assert extract_python_and_errors  # the extractor babel.cfg names
    with app.test_request_context(headers=ZH):
        for message in sorted(messages):
            shown = DomainError(message).text
            assert shown != message or not untranslated(message), f"untranslated: {message!r}"
            assert not untranslated(shown), f"English left in the translation of {message!r}"
    with app.test_request_context(headers=EN):
        refresh()  # the test's app context outlives a request: forget the Chinese catalogue
        assert DomainError("No such fair.").text == "No such fair."


@pytest.fixture
def organiser_api(api, make_user, token_for):
    organiser = make_user("organiser")
    return api, {"Authorization": f"Bearer {token_for(organiser)}"}


def test_api_errors_follow_accept_language(client, organiser_api, make_fair, make_user, token_for):
    _api, auth = organiser_api
    missing = client.get("/api/v1/fairs/nope", headers={**auth, **ZH}).get_json()["error"]
    assert missing["message"] == "没有这个招聘会。"
    english = client.get("/api/v1/fairs/nope", headers={**auth, **EN}).get_json()["error"]
    assert english["message"] == "No such fair."

    host = {"Authorization": f"Bearer {token_for(make_user('host'))}"}
    fair = make_fair(status="live")
    answers = [
        # a host may not see who registered
        client.get(f"/api/v1/fairs/{fair.id}/registrations", headers={**host, **ZH}),
        # pydantic's own errors: missing fields, wrong types, unknown fields
        client.post("/api/v1/fairs", json={"title": 5, "nonsense": 1}, headers={**auth, **ZH}),
        # a bad mobile number for a walk-in
        client.post(
            f"/api/v1/fairs/{fair.id}/registrations",
            json={"name": "张三", "mobile": "12345"},
            headers={**auth, **ZH},
        ),
        # no such route, a wrong method, a body too large
        client.get("/api/v1/no/such/thing", headers=ZH),
        client.put("/api/v1/fairs", headers={**auth, **ZH}),
        client.post(
            "/api/v1/fairs",
            data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
            headers={**auth, **ZH, "Content-Type": "application/json"},
        ),
        # an unauthenticated write
        client.post("/api/v1/fairs", json={}, headers=ZH),
    ]
    statuses = [a.status_code for a in answers]
    assert statuses == [403, 422, 422, 404, 405, 413, 401], statuses
    for answer in answers:
        assert_chinese(answer.get_json()["error"])
    # Codes stay codes: a program still tells the errors apart.
    assert answers[1].get_json()["error"]["code"] == "invalid"
    assert set(answers[1].get_json()["error"]["fields"]) >= {"title", "nonsense"}


def test_error_pages_are_in_the_chosen_language(client, make_user, make_fair):
    host = make_user("host")
    fair = make_fair()
    login(client, host.username)
    forbidden = client.get(f"/organiser/fairs/{fair.id}", headers=ZH)
    assert forbidden.status_code == 403
    assert "只有主办方可以管理招聘会。" in forbidden.get_data(as_text=True)
    missing = client.get("/fairs/nope0000", headers=ZH)
    assert missing.status_code == 404 and "没有这个招聘会。" in missing.get_data(as_text=True)
    unknown = client.get("/no/such/page", headers=ZH)
    assert unknown.status_code == 404 and "此地址没有内容。" in unknown.get_data(as_text=True)
    client.get("/lang/en")
    english = client.get(f"/organiser/fairs/{fair.id}", headers=ZH)
    assert "Only organisers manage fairs." in english.get_data(as_text=True)


def test_live_acknowledgements_are_in_the_viewers_language(connect, live_room, token_for, api):
    room, host, _jobs = live_room
    token = token_for(host)
    assert api.post(f"/rooms/{room.id}/live", {"source": "browser"}, token=token).status_code == 200
    again = api.client.post(
        f"/api/v1/rooms/{room.id}/live",
        json={"source": "browser"},
        headers={"Authorization": f"Bearer {token}", **ZH},
    )
    assert again.status_code == 409
    assert again.get_json()["error"]["message"] == "直播间已在直播中，请先结束当前直播。"
    viewer = connect()  # a browser that states no language gets Chinese
    ack(viewer, "join", {"room_id": room.id})
    reply = ack(viewer, "sign_up", {"room_id": room.id})
    assert reply["ok"] is False
    assert_chinese(reply["error"])
    chat = ack(viewer, "chat", {"room_id": "nope", "text": "hi"})
    assert_chinese(chat["error"])
