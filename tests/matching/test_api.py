"""The matching API as seekers, hosts and organisers use it: registration, 为你推荐, 岗位找人
(masked), invitations with consent, and its refusals."""

from __future__ import annotations

import pytest

from tests.fixtures.values import FORKLIFT_JOB_FIELDS

PROFILE = {
    "name": "张伟",
    "categories": ["叉车司机", "普工"],
    "districts": ["东园镇"],
    "pay_min": 200,
    "pay_unit": "day",
    "work_types": ["gig"],
    "shifts": ["night"],
    "days": ["weekdays", "weekends"],
    "daily_pay": True,
    "available_from": "2026-12-01",
    "skills": ["会开叉车"],
    "certificates": ["叉车证"],
    "intro": "五年仓库经验",
    "discoverable": True,
    "notify": {"in_app": True, "web_push": False, "sms": False},
    "quiet_hours": {"start": "21:00", "end": "08:00"},
}


def put(client, path, json, token):
    return client.put("/api/v1" + path, json=json, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def world(db, make_user, make_fair, make_job, token_for):
    host = make_user("host", employer="泉州叉车物流")
    other_host = make_user("host")
    organiser = make_user("organiser")
    fair = make_fair()
    job = make_job(
        employer=host.employer,
        **FORKLIFT_JOB_FIELDS,
    )
    fair.jobs.append(job)
    db.session.commit()
    seeker = make_user("seeker", name="张伟", mobile="13912345678")
    return {
        "job": job,
        "fair": fair,
        "seeker": token_for(seeker),
        "host": token_for(host),
        "other_host": token_for(other_host),
        "organiser": token_for(organiser),
    }


def test_a_seeker_registers_and_sees_matches_with_reasons(client, api, world):
    saved = put(client, "/me/profile", PROFILE, world["seeker"])
    assert saved.status_code == 200, saved.json
    assert saved.json["categories"] == ["logistics", "manufacturing"]  # common names → codes
    assert api.get("/me/profile", token=world["seeker"]).json["quiet_hours"] == {
        "start": "21:00",
        "end": "08:00",
    }

    [match] = api.get("/me/matches", token=world["seeker"]).json
    assert match["job"]["id"] == world["job"].id
    assert match["score"] == 100
    assert match["reasons"] == [
        "工种相符（物流）",
        "同在东园镇",
        "薪资达到期望",
        "零工，符合意向",
        "夜班可接受",
        "可日结",
        "持叉车证",
    ]
    assert match["fairs"][0]["id"] == world["fair"].id


def test_registration_refuses_bad_input(client, api, world):
    for bad, field in [
        ({**PROFILE, "categories": ["宇航员"]}, "categories"),
        ({**PROFILE, "categories": []}, "categories"),
        ({**PROFILE, "quiet_hours": {"start": "25:00", "end": "08:00"}}, "quiet_hours"),
        ({**PROFILE, "pay_unit": None}, None),
        ({**PROFILE, "shifts": ["evening"]}, "shifts"),
        ({**PROFILE, "age": 30}, "age"),
    ]:
        answer = put(client, "/me/profile", bad, world["seeker"])
        assert answer.status_code == 422, bad
        if field:
            assert any(k.startswith(field) for k in answer.json["error"]["fields"]), answer.json
    assert api.get("/me/profile", token=world["seeker"]).status_code == 404  # nothing stored
    assert put(client, "/me/profile", PROFILE, world["host"]).status_code == 403


def test_hosts_find_people_masked_and_see_them_only_after_consent(client, api, world):
    put(client, "/me/profile", PROFILE, world["seeker"])
    job_id = world["job"].id

    [found] = api.get(f"/jobs/{job_id}/matches", token=world["host"]).json
    assert found["display_name"] == "张**" and found["score"] == 100
    assert "13912345678" not in str(found) and "张伟" not in str(found)
    assert api.get(f"/jobs/{job_id}/matches", token=world["other_host"]).status_code == 404
    assert api.get(f"/jobs/{job_id}/matches", token=world["seeker"]).status_code == 404
    assert len(api.get(f"/jobs/{job_id}/matches", token=world["organiser"]).json) == 1

    invite = api.post(
        f"/jobs/{job_id}/invites",
        {"profile_id": found["profile_id"], "fair_id": world["fair"].id, "message": "欢迎来面试"},
        token=world["host"],
    )
    assert invite.status_code == 201, invite.json
    assert invite.json["kind"] == "fair" and invite.json["contact"] is None
    again = api.post(
        f"/jobs/{job_id}/invites", {"profile_id": found["profile_id"]}, token=world["host"]
    )
    assert again.status_code == 409

    [mine] = api.get("/me/invites", token=world["seeker"]).json
    assert mine["status"] == "pending" and mine["employer_name"] == "泉州叉车物流"
    [sent] = api.get(f"/jobs/{job_id}/invites", token=world["host"]).json
    assert sent["contact"] is None

    accepted = api.post(f"/invites/{mine['id']}/accept", token=world["seeker"])
    assert accepted.json["status"] == "accepted"
    [sent] = api.get(f"/jobs/{job_id}/invites", token=world["host"]).json
    assert sent["contact"] == {"name": "张伟", "mobile": "13912345678"}
    assert api.post(f"/invites/{mine['id']}/decline", token=world["seeker"]).status_code == 409
    assert api.post(f"/invites/{mine['id']}/accept", token=world["host"]).status_code == 403


def test_people_who_hide_are_never_found(client, api, world):
    put(client, "/me/profile", {**PROFILE, "discoverable": False}, world["seeker"])
    assert api.get(f"/jobs/{world['job'].id}/matches", token=world["host"]).json == []


def test_invitations_are_limited_per_job_per_day(client, api, world, make_user, token_for, db):
    from app.matching.services import INVITES_PER_JOB_PER_DAY

    profiles = []
    for n in range(INVITES_PER_JOB_PER_DAY + 1):
        token = token_for(make_user("seeker", mobile=f"1370000{n:04d}"))
        profiles.append(put(client, "/me/profile", PROFILE, token).json["id"])
    answers = [
        api.post(
            f"/jobs/{world['job'].id}/invites", {"profile_id": p}, token=world["host"]
        ).status_code
        for p in profiles
    ]
    assert answers == [201] * INVITES_PER_JOB_PER_DAY + [429]


def test_staff_register_a_person_at_the_service_hall(client, api, world, db, make_user):
    walk_in = make_user("seeker", name="李娜", mobile="13800001111")
    saved = put(client, f"/seekers/{walk_in.seeker_id}/profile", PROFILE, world["organiser"])
    assert saved.status_code == 200 and saved.json["seeker_id"] == walk_in.seeker_id
    assert (
        put(client, f"/seekers/{walk_in.seeker_id}/profile", PROFILE, world["host"]).status_code
        == 403
    )


def test_jobs_flag_discriminating_requirements(api, world):
    created = api.post(
        "/jobs",
        {
            "title": "普工",
            "category": "manufacturing",
            "pay_min": 20,
            "pay_max": 25,
            "pay_unit": "hour",
            "district": "东园镇",
            "headcount": 5,
            "work_type": "gig",
            "requirements": "限男性，18-35岁",
        },
        token=world["host"],
    )
    assert created.status_code == 201
    assert created.json["requirement_flags"] == ["age", "sex"]
