"""The REST API of the contract, with its error cases: a 4xx with fields, nothing stored."""

from datetime import timedelta

import pytest

from app.accounts.models import Employer
from app.fairs.models import Fair, Room
from app.jobs.models import Job
from tests.fixtures.values import PASSWORD, csrf_token, hours_from_now, login, valid_credit_code

JOB = dict(
    title="快递分拣员",
    category="logistics",
    pay_min=180,
    pay_max=220,
    pay_unit="day",
    district="洛阳镇",
    headcount=40,
    work_type="gig",
    shift="20:00-06:00",
    benefits=["meals", "daily_pay"],
    requirements="18-50",
    contact="159 6000 8899",
)


def fair_body(**kw):
    return {
        "title": "零工招聘会",
        "mode": "hybrid",
        "venue": "服务大厅",
        "capacity": 200,
        "starts_at": hours_from_now(24).isoformat(),
        "ends_at": hours_from_now(32).isoformat(),
        **kw,
    }


def assert_error(response, status, *fields):
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"}
    for field in fields:
        assert field in error["fields"], error


@pytest.fixture
def organiser(make_user, token_for):
    user = make_user("organiser")
    return user, token_for(user)


@pytest.fixture
def host(make_user, token_for):
    user = make_user("host", employer="Suda Logistics")
    return user, token_for(user)


def test_token_exchange(api, make_user):
    user = make_user("host")
    response = api.post("/tokens", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 201
    assert response.get_json()["role"] == "host"
    token = response.get_json()["token"]
    assert api.get("/jobs", token=token).status_code == 200
    assert_error(api.post("/tokens", {"username": user.username, "password": "x"}), 401)
    assert_error(api.post("/tokens", {"username": user.username}), 422, "password")
    assert_error(api.get("/jobs", token="fc_forged"), 401)


def test_employers_need_a_valid_credit_code(api, organiser, host, db):
    _, token = organiser
    ok = api.post(
        "/employers", {"name": "恒达电子", "credit_code": valid_credit_code(7)}, token=token
    )
    assert ok.status_code == 201 and ok.get_json()["credit_code"] == valid_credit_code(7)
    bad = api.post(
        "/employers", {"name": "Fake Co", "credit_code": "91350100M000100Y44"}, token=token
    )
    assert_error(bad, 422, "credit_code")
    dup = api.post(
        "/employers", {"name": "Other", "credit_code": valid_credit_code(7)}, token=token
    )
    assert_error(dup, 409, "credit_code")
    assert_error(
        api.post("/employers", {"name": "H", "credit_code": valid_credit_code(8)}, token=host[1]),
        403,
    )
    assert (
        db.session.query(Employer).filter(Employer.name.in_(["Fake Co", "Other", "H"])).count() == 0
    )
    assert any(e["name"] == "恒达电子" for e in api.get("/employers").get_json())


def test_a_host_adds_jobs_to_their_own_employer_only(api, host, make_employer, db):
    user, token = host
    created = api.post("/jobs", JOB, token=token)
    assert created.status_code == 201
    body = created.get_json()
    assert body["employer_id"] == user.employer_id and body["benefits"] == ["meals", "daily_pay"]
    other = make_employer()
    refused = api.post("/jobs", {**JOB, "employer_id": other.id}, token=token)
    assert_error(refused, 403, "employer_id")
    assert db.session.query(Job).count() == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"pay_unit": "week"}, "pay_unit"),
        ({"headcount": 0}, "headcount"),
        ({"headcount": "5"}, "headcount"),
        ({"title": ""}, "title"),
        ({"title": "x" * 101}, "title"),
        ({"benefits": ["yacht"]}, "benefits.0"),
        ({"pay_min": 300, "pay_max": 200}, "pay_min"),
        ({"surprise": 1}, "surprise"),
        ({"pay_min": -1}, "pay_min"),
    ],
)
def test_bad_job_input_is_refused_and_nothing_stored(api, host, db, change, field):
    assert_error(api.post("/jobs", {**JOB, **change}, token=host[1]), 422, field)
    assert db.session.query(Job).count() == 0


def test_missing_fields_and_non_json_bodies(api, host, db):
    body = {k: v for k, v in JOB.items() if k != "district"}
    assert_error(api.post("/jobs", body, token=host[1]), 422, "district")
    not_json = api.client.post(
        "/api/v1/jobs", data="title=x", headers={"Authorization": f"Bearer {host[1]}"}
    )
    assert_error(not_json, 422)
    broken = api.client.post(
        "/api/v1/jobs",
        data="{",
        content_type="application/json",
        headers={"Authorization": f"Bearer {host[1]}"},
    )
    assert_error(broken, 422)
    assert db.session.query(Job).count() == 0


def test_hosts_cannot_touch_another_employers_job(api, host, make_job, make_user, token_for):
    other_host = make_user("host", employer="Hengda")
    theirs = make_job(employer=other_host.employer)
    mine = api.post("/jobs", JOB, token=host[1]).get_json()
    assert (
        api.patch(f"/jobs/{mine['id']}", {"headcount": 45}, token=host[1]).get_json()["headcount"]
        == 45
    )
    # another employer's unpublished job does not even exist for this host
    assert_error(api.patch(f"/jobs/{theirs.id}", {"headcount": 1}, token=host[1]), 404)
    assert_error(api.patch(f"/jobs/{mine['id']}", {"title": None}, token=host[1]), 422, "title")
    assert_error(api.get("/jobs/nope"), 404)


def test_jobs_of_drafts_are_private(api, db, organiser, host, make_job, make_fair):
    job = make_job(title="Secret job")
    draft = make_fair(status="draft")
    draft.jobs.append(job)
    db.session.commit()
    assert all(j["title"] != "Secret job" for j in api.get("/jobs").get_json())
    assert_error(api.get(f"/jobs/{job.id}"), 404)
    assert api.get(f"/jobs/{job.id}", token=organiser[1]).status_code == 200


def test_fair_lifecycle(api, organiser, make_job):
    _, token = organiser
    fair = api.post("/fairs", fair_body(), token=token)
    assert fair.status_code == 201
    fair = fair.get_json()
    assert fair["status"] == "draft" and fair["timezone"] == "Asia/Shanghai"
    assert fair["starts_at"].endswith("+08:00")  # shown in the fair's zone
    assert_error(api.get(f"/fairs/{fair['id']}"), 404)  # drafts are not public
    job = make_job()
    assert api.post(f"/fairs/{fair['id']}/jobs", {"job_id": job.id}, token=token).status_code == 201
    assert_error(
        api.post(f"/fairs/{fair['id']}/jobs", {"job_id": "nope"}, token=token), 422, "job_id"
    )
    for status in ("published", "live", "ended"):
        moved = api.patch(f"/fairs/{fair['id']}", {"status": status}, token=token)
        assert moved.get_json()["status"] == status
    assert_error(api.patch(f"/fairs/{fair['id']}", {"status": "live"}, token=token), 409, "status")
    public = api.get(f"/fairs/{fair['id']}").get_json()
    assert public["job_ids"] == [job.id]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"mode": "metaverse"}, "mode"),
        ({"starts_at": "2026-12-01T09:00:00"}, "starts_at"),  # no offset
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"capacity": 0}, "capacity"),
        ({"venue": None}, "venue"),
    ],
)
def test_bad_fair_input(api, organiser, db, change, field):
    assert_error(api.post("/fairs", fair_body(**change), token=organiser[1]), 422, field)
    assert db.session.query(Fair).count() == 0


def test_a_fair_cannot_end_before_it_starts(api, organiser, db):
    body = fair_body(
        starts_at=hours_from_now(10).isoformat(), ends_at=hours_from_now(9).isoformat()
    )
    assert_error(api.post("/fairs", body, token=organiser[1]), 422, "ends_at")
    assert db.session.query(Fair).count() == 0


def test_only_organisers_schedule_fairs(api, host):
    assert_error(api.post("/fairs", fair_body(), token=host[1]), 403)
    assert_error(api.post("/fairs", fair_body()), 401)


def test_rooms_inside_the_fair_with_no_overlap_for_a_host(api, organiser, host, db):
    _, token = organiser
    fair = api.post("/fairs", fair_body(), token=token).get_json()
    start = hours_from_now(24)

    def room(title, offset, length, **kw):
        body = {
            "title": title,
            "host_username": host[0].username,
            "starts_at": (start + timedelta(hours=offset)).isoformat(),
            "ends_at": (start + timedelta(hours=offset + length)).isoformat(),
            **kw,
        }
        return api.post(f"/fairs/{fair['id']}/rooms", body, token=token)

    first = room("Morning", 0, 2)
    assert first.status_code == 201
    body = first.get_json()
    assert body["host"]["id"] == host[0].id and body["status"] == "scheduled"
    assert body["ingest"]["stream_key"]  # organisers see it
    assert_error(room("Clash", 1, 2), 409, "starts_at")
    assert_error(room("Outside", 7, 2), 422, "starts_at")
    assert_error(room("Backwards", 3, -1), 422, "ends_at")
    assert_error(room("Nobody", 3, 1, host_username="ghost"), 422, "host_username")
    assert room("Afternoon", 2, 2).status_code == 201
    assert db.session.query(Room).count() == 2


def test_stream_keys_are_shown_to_the_host_and_organisers_only(
    api, organiser, host, make_room, make_user, token_for
):
    room = make_room(host=host[0])
    assert (
        api.get(f"/rooms/{room.id}", token=host[1]).get_json()["ingest"]["stream_key"]
        == room.stream_key
    )
    assert api.get(f"/rooms/{room.id}", token=organiser[1]).get_json()["ingest"]
    stranger = make_user("host")
    assert api.get(f"/rooms/{room.id}", token=token_for(stranger)).get_json()["ingest"] is None
    assert api.get(f"/rooms/{room.id}").get_json()["ingest"] is None
    old = room.stream_key
    rotated = api.post(f"/rooms/{room.id}/key", token=host[1]).get_json()["ingest"]["stream_key"]
    assert rotated != old
    assert_error(api.post(f"/rooms/{room.id}/key", token=token_for(stranger)), 403)


def test_session_authenticated_writes_need_csrf(client, api, make_user):
    user = make_user("organiser")
    login(client, user.username)
    assert_error(api.post("/fairs", fair_body()), 400)
    response = client.post(
        "/api/v1/fairs", json=fair_body(), headers={"X-CSRFToken": csrf_token(client)}
    )
    assert response.status_code == 201


def test_unknown_paths_and_methods_answer_in_json(api):
    assert_error(api.get("/nothing-here"), 404)
    assert_error(api.client.delete("/api/v1/fairs"), 405)


def test_list_paging_and_range(api, organiser, make_fair):
    for n in range(3):
        make_fair(
            title=f"Fair {n}", starts_at=hours_from_now(24 * n), ends_at=hours_from_now(24 * n + 5)
        )
    assert len(api.get("/fairs?limit=2").get_json()) == 2
    assert_error(api.get("/fairs?limit=0"), 422, "limit")
    assert_error(api.get("/fairs?limit=abc"), 422, "limit")
    later = api.get("/fairs", query_string={"from": hours_from_now(20).isoformat()}).get_json()
    assert [f["title"] for f in later] == ["Fair 1", "Fair 2"]
    assert_error(api.get("/fairs?from=yesterday"), 422, "from")
