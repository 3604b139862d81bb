"""A seeker's own data over the API and on the "Me" page: their record, real-name
verification, the JSON export, and deleting the account without losing the fair's counts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest
from sqlalchemy import func, select

from app.accounts.models import OneTimeCode, RealNameLevel, Seeker
from app.accounts.realname import AliyunIdVerifier, VerifierUnavailable, build_verifier
from app.config import Settings
from app.errors import ValidationError
from app.live.models import SignUp, SignUpCount
from app.sms.gateways import aliyun_signature
from app.validators import id_check_char
from tests.fixtures.people import sign_in_by_code
from tests.fixtures.provider import StandIn
from tests.fixtures.values import Api, csrf_token

MOBILE = "13800138000"


def resident_id(body17: str = "35058219900101123") -> str:
    return body17 + id_check_char(body17)


def test_me_needs_a_signed_in_seeker(client, make_user, token_for):
    api = Api(client)
    assert api.get("/me").status_code == 401
    assert api.get("/me", token=token_for(make_user("host"))).status_code == 403


def test_me_shows_and_corrects_the_record(client):
    signed = sign_in_by_code(client, MOBILE)
    api = Api(client, signed["token"])
    me = api.get("/me").get_json()
    assert me["mobile"] == MOBILE and me["verified_mobile"] and me["consent_version"]
    assert me["staff_registered"] is False
    renamed = api.patch("/me", {"name": "  王芳 "})
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "王芳"
    assert api.patch("/me", {"name": ""}).status_code == 422


def test_real_name_by_checksum_marks_id_checked_and_keeps_no_number(client, db):
    signed = sign_in_by_code(client, MOBILE)
    api = Api(client, signed["token"])
    number = resident_id()
    bad = api.post("/me/real-name", {"name": "王芳", "id_number": number[:-1] + "0"})
    if number.endswith("0"):
        bad = api.post("/me/real-name", {"name": "王芳", "id_number": number[:-1] + "1"})
    assert bad.status_code == 422 and "id_number" in bad.get_json()["error"]["fields"]
    done = api.post("/me/real-name", {"name": "王芳", "id_number": number.lower()})
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["real_name_level"] == "id_checked" and body["name"] == "王芳"
    assert body["id_number_masked"] == number[:4] + "*" * 10 + number[-4:]
    stored = db.session.get(Seeker, body["id"])
    assert number not in (stored.id_number_hash or "") and stored.id_number_masked != number


def test_one_id_number_cannot_verify_two_accounts_and_says_nothing_about_whose(client, db):
    number = resident_id()
    first = Api(client, sign_in_by_code(client, MOBILE)["token"])
    assert first.post("/me/real-name", {"name": "王芳", "id_number": number}).status_code == 200
    other_client = client.application.test_client()
    second = Api(other_client, sign_in_by_code(other_client, "13900139000")["token"])
    refused = second.post("/me/real-name", {"name": "李娜", "id_number": number})
    assert refused.status_code == 409
    assert "王" not in refused.get_data(as_text=True) and MOBILE not in refused.get_data(
        as_text=True
    )


def test_real_name_tries_are_limited_per_person(client):
    api = Api(client, sign_in_by_code(client, MOBILE)["token"])
    statuses = [
        api.post(
            "/me/real-name",
            {"name": "王芳", "id_number": resident_id(f"350582199001{n + 10:02d}123")},
        ).status_code
        for n in range(6)
    ]
    assert statuses[:5] == [200] * 5 and statuses[5] == 429


def test_export_holds_everything_about_me_and_nobody_else(client, live_room, db):
    room, _host, jobs = live_room
    signed = sign_in_by_code(client, MOBILE)
    api = Api(client, signed["token"])
    api.patch("/me", {"name": "王芳"})
    made = api.post(f"/fairs/{room.fair_id}/signups", {"job_id": jobs[0].id})
    assert made.status_code == 201, made.get_json()
    exported = api.get("/me/export")
    assert exported.status_code == 200 and "attachment" in exported.headers["Content-Disposition"]
    data = json.loads(exported.get_data(as_text=True))
    assert data["person"]["mobile"] == MOBILE and data["person"]["name"] == "王芳"
    assert [s["job"] for s in data["signups"]] == [jobs[0].title]


def test_deleting_the_account_keeps_the_counts_and_ends_every_session(client, live_room, db):
    room, _host, jobs = live_room
    signed = sign_in_by_code(client, MOBILE)
    token = signed["token"]
    api = Api(client, token)
    api.post(f"/fairs/{room.fair_id}/signups", {"job_id": jobs[0].id})
    assert api.delete("/me").status_code == 204
    db.session.expire_all()
    seeker = db.session.get(Seeker, signed["seeker"]["id"])
    assert seeker.mobile is None and seeker.name == "" and seeker.deleted_at is not None
    assert db.session.scalar(select(func.count()).select_from(SignUp)) == 1
    assert db.session.scalar(select(SignUpCount.count).where(SignUpCount.job_id == jobs[0].id)) == 1
    assert api.get("/me").status_code == 401  # the token is dead
    assert Api(client).get("/me").status_code == 401  # so is the browser session
    # The number is free: proving it again (a minute later) is a new, empty account.
    for record in db.session.scalars(select(OneTimeCode)):
        record.created_at -= timedelta(minutes=2)
    db.session.commit()
    again = sign_in_by_code(client.application.test_client(), MOBILE)
    assert again["seeker"]["id"] != seeker.id


def test_the_me_page_lists_sign_ups_and_withdraws(client, live_room):
    room, _host, jobs = live_room
    assert client.get("/me").status_code == 302
    sign_in_by_code(client, MOBILE)
    token = csrf_token(client)
    client.post(
        f"/api/v1/fairs/{room.fair_id}/signups",
        json={"job_id": jobs[1].id},
        headers={"X-CSRFToken": token},
    )
    page = client.get("/me").get_data(as_text=True)
    assert jobs[1].title in page and MOBILE in page
    withdrawn = client.post(
        f"/me/signups/{room.fair_id}/{jobs[1].id}/withdraw", data={"csrf_token": token}
    )
    assert withdrawn.status_code == 200
    assert "withdrawn" in withdrawn.get_data(as_text=True).lower() or "撤回" in withdrawn.get_data(
        as_text=True
    )
    no_csrf = client.post(f"/me/signups/{room.fair_id}/{jobs[1].id}/withdraw")
    assert no_csrf.status_code == 400


# The authority's check through Aliyun Cloudauth, against a local HTTP server -------------------


@pytest.fixture
def authority():
    stand_in = StandIn()
    yield stand_in, AliyunIdVerifier("key-id", "key-secret", stand_in.url)
    stand_in.close()


def test_the_authoritys_answer_decides_the_level(app, authority):
    stand_in, verifier = authority
    stand_in.answer = b'{"Code": "200", "ResultObject": {"BizCode": "1"}}'
    assert verifier.check("王芳", resident_id()) == RealNameLevel.VERIFIED
    form = {k: v[0] for k, v in parse_qs(stand_in.requests[-1][1]).items()}
    signature = form.pop("Signature")
    assert form["Action"] == "Id2MetaVerify" and form["UserName"] == "王芳"
    assert signature == aliyun_signature("key-secret", "POST", form)
    stand_in.answer = b'{"Code": "200", "ResultObject": {"BizCode": "2"}}'
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(ValidationError, match="do not match"):
            verifier.check("王芳", resident_id())
        stand_in.answer = b"<html>gateway error</html>"
        with pytest.raises(VerifierUnavailable):
            verifier.check("王芳", resident_id())
        stand_in.answer = b'{"Code": "InvalidAccessKeyId"}'
        with pytest.raises(VerifierUnavailable):
            verifier.check("王芳", resident_id())
    stand_in.close()
    with pytest.raises(VerifierUnavailable):
        AliyunIdVerifier("k", "s", "http://127.0.0.1:9/").check("王芳", resident_id())


def test_the_verifier_is_chosen_by_setting():
    assert build_verifier(Settings(realname_verifier="checksum", providers={})).check(
        "x", resident_id()
    ) == (RealNameLevel.ID_CHECKED)
    with pytest.raises(RuntimeError, match="ACCESS_KEY_ID"):
        build_verifier(Settings(realname_verifier="aliyun", providers={}))
    assert isinstance(datetime.now(UTC), datetime)
