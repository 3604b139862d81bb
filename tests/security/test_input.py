"""Input an attacker types on purpose, on SQLite and on PostgreSQL (which refuses NUL in text
and answered with 500s and tracebacks): control characters in text, line breaks in one-line
fields, ids that are not ids, and a calendar built from text stored before any of this was
refused. (PostgreSQL cannot even store a NUL, so that text holds other control characters.)"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from icalendar import Calendar

from app.accounts.models import ApiToken, Seeker
from app.fairs.models import Fair
from app.jobs.models import Job
from app.migrate import upgrade
from tests.fixtures.people import identify_live, sign_in_by_code
from tests.fixtures.sockets import ack
from tests.fixtures.values import JOB_DEFAULTS, PASSWORD, csrf_token, hours_from_now

NUL, CRLF, ESCAPE = "\x00", "\r\n", "\x1b"
CONTROL = [NUL, "\x1b[31m", "\x7f", "\u2028"]


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request, settings):
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")
        upgrade(url)
        settings.database_url = url
    return settings


def fair_body(**kw) -> dict:
    return {
        "title": "零工招聘会",
        "mode": "hybrid",
        "venue": "服务大厅",
        "starts_at": hours_from_now(24).isoformat(),
        "ends_at": hours_from_now(32).isoformat(),
        **kw,
    }


def refused(response, field: str | None = None) -> dict:
    assert response.status_code == 422, (response.status_code, response.get_data(as_text=True))
    error = response.get_json()["error"]
    assert error["message"]
    if field:
        assert field in error["fields"], error
    return error


# Control characters ---------------------------------------------------------------------------


@pytest.mark.parametrize("bad", CONTROL, ids=["nul", "escape", "delete", "line-separator"])
def test_control_characters_in_titles_and_names_are_422_and_nothing_is_stored(
    app, db, api, make_user, token_for, bad
):
    organiser, host = make_user("organiser"), make_user("host")
    title = f"Spring{bad}fair"
    refused(api.post("/fairs", fair_body(title=title), token=token_for(organiser)), "title")
    job = {**JOB_DEFAULTS, "title": f"Weld{bad}er"}
    refused(api.post("/jobs", job, token=token_for(host)), "title")
    browser = app.test_client()
    sign_in_by_code(browser, "13800138000")
    headers = {"X-CSRFToken": csrf_token(browser)}
    refused(browser.patch("/api/v1/me", json={"name": f"张{bad}伟"}, headers=headers), "name")
    assert db.session.query(Fair).count() == 0
    assert db.session.query(Job).count() == 0
    assert [bad not in seeker.name for seeker in db.session.query(Seeker)] == [True]


def test_line_breaks_are_kept_only_in_texts_of_several_lines(api, make_user, token_for):
    token = token_for(make_user("organiser"))
    refused(api.post("/fairs", fair_body(title=f"Fair{CRLF}X-INJECTED:1"), token=token), "title")
    refused(api.post("/fairs", fair_body(venue=f"Hall{CRLF}B"), token=token), "venue")
    made = api.post(
        "/fairs", fair_body(description=f"Line one{CRLF}Line two\twith a tab"), token=token
    )
    assert made.status_code == 201
    assert made.get_json()["description"] == "Line one\nLine two\twith a tab"
    refused(api.post("/fairs", fair_body(description=f"Bell{NUL}"), token=token), "description")


def test_a_nul_username_is_a_422_before_anyone_signs_in(db, api, make_user):
    make_user("organiser", username="org1")
    refused(api.post("/tokens", {"username": f"org1{NUL}", "password": PASSWORD}), "username")
    refused(api.post("/tokens", {"username": "org1", "password": f"x{NUL}"}), "password")
    assert db.session.query(ApiToken).count() == 0


def test_the_sign_in_form_refuses_a_nul_without_an_error_page(client, make_user):
    user = make_user("organiser")
    answer = client.post(
        "/login",
        data={
            "username": user.username + NUL,
            "password": PASSWORD,
            "csrf_token": csrf_token(client),
        },
    )
    assert answer.status_code in (401, 422)
    assert "csrf_token" in answer.get_data(as_text=True)  # the form again, not an error page


def test_control_characters_on_live_are_validation_errors_not_internal(live_room, connect):
    room, _host, _jobs = live_room
    viewer = connect()
    token = ack(viewer, "identify", {"token": f"fc_{NUL}"})
    assert not token["ok"] and token["error"]["code"] in ("invalid", "unauthorized")
    identify_live(viewer)
    assert ack(viewer, "join", {"room_id": room.id})["ok"]
    chat = ack(viewer, "chat", {"room_id": room.id, "text": f"hi{NUL}"})
    assert not chat["ok"] and chat["error"]["code"] == "invalid"
    for payload in ({"room_id": f"{NUL}x"}, {"room_id": "a\nb"}, {"room_id": "../../x"}):
        joined = ack(viewer, "join", payload)
        assert not joined["ok"] and joined["error"]["code"] in ("invalid", "not_found"), joined


# Ids ---------------------------------------------------------------------------------------------


BAD_IDS = [f"{NUL}x", "x\ny", "x y", "é", "x" * 65, "a.b"]


def test_an_id_that_is_not_an_id_is_a_404_on_pages_and_the_api(client, make_user, token_for):
    bearer = {"Authorization": f"Bearer {token_for(make_user('organiser'))}"}
    for path in (
        "/api/v1/fairs/{}",
        "/api/v1/rooms/{}",
        "/api/v1/jobs/{}",
        "/api/v1/fairs/{}/report.csv",
        "/fairs/{}",
        "/rooms/{}",
        "/rooms/{}/replay",
    ):
        for bad in BAD_IDS:
            answer = client.get(path.format(quote(bad, safe="")), headers=bearer)
            assert answer.status_code == 404, (path, bad, answer.status_code)


def test_an_unknown_id_in_a_body_is_a_4xx(api, make_user, token_for, make_fair):
    organiser = make_user("organiser")
    fair = make_fair(organiser=organiser)
    token = token_for(organiser)
    answer = api.post(f"/fairs/{fair.id}/jobs", {"job_id": f"{NUL}x"}, token=token)
    refused(answer, "job_id")
    unknown = api.post(f"/fairs/{fair.id}/jobs", {"job_id": "0" * 16}, token=token)
    assert unknown.status_code in (404, 422) and unknown.get_json()["error"]["message"]
    assert api.get(f"/fairs/{fair.id}", token=token).get_json()["job_ids"] == []


# The calendar ---------------------------------------------------------------------------------


def test_the_calendar_never_fails_on_text_stored_with_line_breaks(db, client, make_fair, make_room):
    fair = make_fair(
        title=f"Spring fair{CRLF}X-INJECTED:evil{ESCAPE}",
        venue=f"Hall A{CRLF}Hall B",
        description=f"First line{CRLF}Second line{ESCAPE}",
    )
    make_room(fair=fair, title=f"Room{CRLF}SUMMARY:fake")
    answer = client.get(f"/api/v1/fairs/{fair.id}/calendar.ics")
    assert answer.status_code == 200
    calendar = Calendar.from_ical(answer.data)
    assert "X-INJECTED" not in calendar
    events = list(calendar.walk("VEVENT"))
    assert events
    for event in events:
        assert "\n" not in str(event["summary"]) and "\r" not in str(event["summary"])
        assert "X-INJECTED" not in event
        assert ESCAPE not in str(event["description"])
    assert any("Second line" in str(e["description"]) for e in events)
