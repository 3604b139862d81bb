"""Seekers sign in by mobile number and the code texted to it: over the API (a token and the
browser session), and nothing about anyone is told to someone who only typed their number."""

from __future__ import annotations

from app.accounts.models import RealNameLevel, Seeker
from tests.fixtures.people import code_from_outbox, request_code, sign_in_by_code, verify
from tests.fixtures.values import Api, csrf_token

MOBILE = "13800138000"


def test_a_new_number_becomes_a_verified_seeker_with_a_token_and_a_session(client, db):
    reply = sign_in_by_code(client, MOBILE)
    seeker = reply["seeker"]
    assert seeker["verified_mobile"] is True and seeker["real_name_level"] == "none"
    assert reply["token"].startswith("fc_")
    me = Api(client).get("/me")  # the browser session is signed in
    assert me.status_code == 200 and me.get_json()["id"] == seeker["id"]
    other = client.application.test_client()
    by_token = Api(other, reply["token"]).get("/me")
    assert by_token.status_code == 200 and by_token.get_json()["id"] == seeker["id"]
    stored = db.session.get(Seeker, seeker["id"])
    assert stored.mobile == MOBILE and stored.consent_version and stored.consented_at


def test_a_staff_made_person_is_claimed_by_verifying_their_number(client, db, make_user):
    existing = make_user("seeker", name="王芳", mobile=MOBILE).seeker
    assert not existing.mobile_verified
    reply = sign_in_by_code(client, MOBILE)
    assert reply["seeker"]["id"] == existing.id and reply["seeker"]["name"] == "王芳"
    db.session.expire_all()
    assert db.session.get(Seeker, existing.id).mobile_verified


def test_the_sms_answer_is_the_same_for_known_and_unknown_numbers(client, make_user):
    make_user("seeker", name="王芳", mobile=MOBILE)
    token = csrf_token(client)
    known = request_code(client, MOBILE, token)
    unknown = request_code(client, "13900139000", token)
    assert known.status_code == unknown.status_code == 202
    assert known.get_json() == unknown.get_json() == {"retry_after_s": 60}


def test_a_wrong_code_reveals_nothing_and_signs_nobody_in(client, make_user):
    make_user("seeker", name="王芳", mobile=MOBILE)
    token = csrf_token(client)
    request_code(client, MOBILE, token)
    code = code_from_outbox(MOBILE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    reply = verify(client, MOBILE, wrong, csrf=token)
    assert reply.status_code == 401
    assert "王" not in reply.get_data(as_text=True)
    assert Api(client).get("/me").status_code == 401
    assert verify(client, MOBILE, code, csrf=token).status_code == 200  # 4 tries were left


def test_consent_is_needed_at_the_first_verification_and_keeps_the_code(client):
    token = csrf_token(client)
    request_code(client, MOBILE, token)
    code = code_from_outbox(MOBILE)
    refused = verify(client, MOBILE, code, consent=False, csrf=token)
    assert refused.status_code == 422 and "consent" in refused.get_json()["error"]["fields"]
    assert verify(client, MOBILE, code, consent=True, csrf=token).status_code == 200


def test_bad_input_gets_clear_messages_in_chinese_and_english(client):
    token = csrf_token(client)
    zh = client.post(
        "/api/v1/auth/sms",
        json={"mobile": "12345"},
        headers={"X-CSRFToken": token, "Accept-Language": "zh"},
    )
    en = client.post(
        "/api/v1/auth/sms",
        json={"mobile": "12345"},
        headers={"X-CSRFToken": token, "Accept-Language": "en"},
    )
    assert zh.status_code == en.status_code == 422
    assert "mobile number" in en.get_json()["error"]["message"]
    assert "手机号" in zh.get_json()["error"]["message"]
    code = verify(client, MOBILE, "12")
    assert code.status_code == 422


def test_a_page_must_send_its_csrf_token(client):
    client.get("/login")
    reply = client.post("/api/v1/auth/sms", json={"mobile": MOBILE})
    assert reply.status_code == 400 and reply.get_json()["error"]["code"] == "csrf"


def test_real_name_level_is_reported(client, db):
    reply = sign_in_by_code(client, MOBILE)
    seeker = db.session.get(Seeker, reply["seeker"]["id"])
    assert seeker.real_name_level == RealNameLevel.NONE


def test_a_walk_in_registered_by_staff_is_claimed_later_with_a_code(client, db, make_user):
    from app.accounts.schemas import Identity
    from app.accounts.services import identify_seeker

    staff = make_user("organiser")
    walk_in = identify_seeker(
        Identity(name="赵六", mobile="13700000006"), registered_by_id=staff.id
    )
    db.session.commit()
    assert walk_in.staff_registered
    claimed = sign_in_by_code(client, "13700000006")
    assert claimed["seeker"]["id"] == walk_in.id and claimed["seeker"]["name"] == "赵六"
    db.session.expire_all()
    now = db.session.get(Seeker, walk_in.id)
    assert now.mobile_verified and not now.staff_registered
