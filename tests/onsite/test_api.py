"""The on-site REST API for each role, with its error cases (a 4xx with fields, nothing stored)."""

import pytest
from sqlalchemy import func, select

from app.accounts.actor import Actor
from app.accounts.models import ApiToken, TokenScope
from app.accounts.services import create_token
from app.live.models import SignUp
from app.onsite.models import CheckIn, Registration
from tests.fixtures.people import sign_in_by_code
from tests.fixtures.values import csrf_token, login


def assert_error(response, status, code=None, *fields):
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"}
    if code:
        assert error["code"] == code, error
    for field in fields:
        assert field in error["fields"], error
    return error


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def tokens(venue, token_for):
    return {"organiser": token_for(venue.organiser), "host": token_for(venue.host)}


def registrations_path(venue):
    return f"/fairs/{venue.fair.id}/registrations"


def test_seekers_register_themselves_and_see_only_their_own(
    api, venue, make_user, token_for, tokens
):
    alice, bob = make_user("seeker", name="Alice"), make_user("seeker", name="Bob")
    a, b = token_for(alice), token_for(bob)
    first = api.post(registrations_path(venue), {}, token=a)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["status"] == "confirmed" and body["created"] is True
    assert len(body["ticket_code"]) == 8 and body["person"]["name"] == "Alice"
    assert body["ticket_url"].endswith(f"/registrations/{body['id']}")
    again = api.post(registrations_path(venue), {}, token=a).get_json()
    assert again["id"] == body["id"] and again["created"] is False
    api.post(registrations_path(venue), {}, token=b)

    mine = api.get(registrations_path(venue), token=a).get_json()
    assert [r["id"] for r in mine] == [body["id"]]
    everyone = api.get(registrations_path(venue), token=tokens["organiser"]).get_json()
    assert {r["person"]["name"] for r in everyone} == {"Alice", "Bob"}
    assert {r["status"] for r in everyone} == {"confirmed"}
    assert api.get("/registrations", token=a).get_json()[0]["id"] == body["id"]
    assert api.get(f"/registrations/{body['id']}", token=a).status_code == 200
    assert_error(api.get(f"/registrations/{body['id']}", token=b), 404, "not_found")
    assert_error(api.get("/registrations/nope", token=a), 404)


def test_the_waiting_list_through_the_api(api, db, venue, make_user, token_for, tokens):
    people = [make_user("seeker") for _ in range(3)]
    seeker_tokens = [token_for(p) for p in people]
    bodies = [api.post(registrations_path(venue), {}, token=t).get_json() for t in seeker_tokens]
    assert [b["status"] for b in bodies] == ["confirmed", "confirmed", "waitlisted"]
    assert bodies[2]["waitlist_position"] == 1
    listed = api.get(registrations_path(venue), token=tokens["organiser"]).get_json()
    assert [r["waitlist_position"] for r in listed] == [None, None, 1]
    attendance = api.get(f"/fairs/{venue.fair.id}/attendance").get_json()
    assert attendance == {
        "fair_id": venue.fair.id,
        "capacity": 2,
        "confirmed": 2,
        "waitlisted": 1,
        "places_left": 0,
        "checked_in": None,
    }
    cancelled = api.delete(f"/registrations/{bodies[0]['id']}", token=seeker_tokens[0])
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    promoted = api.get(f"/registrations/{bodies[2]['id']}", token=seeker_tokens[2]).get_json()
    assert promoted["status"] == "confirmed" and promoted["waitlist_position"] is None
    assert_error(api.delete(f"/registrations/{bodies[1]['id']}", token=seeker_tokens[2]), 404)
    assert_error(api.delete("/registrations/unknown", token=seeker_tokens[2]), 404)
    organiser = tokens["organiser"]
    listed = api.get(registrations_path(venue) + "?status=cancelled", token=organiser).get_json()
    assert [r["id"] for r in listed] == [bodies[0]["id"]]
    assert_error(api.get(registrations_path(venue) + "?status=maybe", token=organiser), 422)


def test_raised_capacity_is_given_to_the_waiting_list(api, db, venue, make_user, token_for, tokens):
    bodies = [
        api.post(registrations_path(venue), {}, token=token_for(make_user("seeker"))).get_json()
        for _ in range(3)
    ]
    patched = api.patch(f"/fairs/{venue.fair.id}", {"capacity": 3}, token=tokens["organiser"])
    assert patched.status_code == 200
    promoted = api.post(f"/fairs/{venue.fair.id}/waitlist/confirm", token=tokens["organiser"])
    assert [r["id"] for r in promoted.get_json()] == [bodies[2]["id"]]
    assert_error(api.post(f"/fairs/{venue.fair.id}/waitlist/confirm", token=tokens["host"]), 403)


def test_anonymous_visitors_sign_in_with_a_code_first_and_need_csrf(client, venue):
    path = f"/api/v1/fairs/{venue.fair.id}/registrations"
    no_csrf = client.post(path, json={})
    assert_error(no_csrf, 400, "csrf")
    token = csrf_token(client)
    headers = {"X-CSRFToken": token}
    assert_error(client.post(path, json={}, headers=headers), 403, "forbidden", "identity")
    assert_error(client.get(path), 401)
    sign_in_by_code(client, "13912345678")
    registered = client.post(path, json={}, headers=headers)
    assert registered.status_code == 201
    body = registered.get_json()
    listed = client.get(path).get_json()
    assert [r["id"] for r in listed] == [body["id"]]
    assert client.get(f"/api/v1/registrations/{body['id']}").status_code == 200
    # Another browser typing the same number gets no session, no ticket and no hint of one.
    other = client.application.test_client()
    other_headers = {"X-CSRFToken": csrf_token(other)}
    claimed = other.post(
        "/api/v1/identity", json={"name": "冒充", "mobile": "13912345678"}, headers=other_headers
    )
    assert claimed.status_code == 404
    refused = other.post(path, json={}, headers=other_headers)
    assert_error(refused, 403, "forbidden", "identity")
    assert "13912345678" not in refused.get_data(as_text=True)
    assert_error(other.get(f"/api/v1/registrations/{body['id']}"), 404)
    cancelled = client.delete(f"/api/v1/registrations/{body['id']}", headers=headers)
    assert cancelled.get_json()["status"] == "cancelled"


def test_registering_twice_returns_the_same_ticket_and_no_409(client, venue):
    path = f"/api/v1/fairs/{venue.fair.id}/registrations"
    sign_in_by_code(client, "13912345678")
    headers = {"X-CSRFToken": csrf_token(client)}
    first = client.post(path, json={}, headers=headers).get_json()
    again = client.post(path, json={}, headers=headers)
    assert again.status_code == 201 and again.get_json()["id"] == first["id"]
    assert again.get_json()["created"] is False


def test_walk_ins_by_organisers(api, db, venue, make_user, tokens):
    known = make_user("seeker", name="李娜", mobile="13800138000")
    walk_in = api.post(
        registrations_path(venue),
        {"name": "李娜", "mobile": "+86 138 0013 8000"},
        token=tokens["organiser"],
    )
    assert walk_in.status_code == 201
    body = walk_in.get_json()
    assert body["channel"] == "walk_in" and body["person"]["id"] == known.seeker_id
    assert body["person"]["mobile"] == "13800138000"
    stranger = api.post(
        registrations_path(venue),
        {"name": "赵六", "mobile": "13700000066"},
        token=tokens["organiser"],
    ).get_json()
    assert stranger["person"]["staff_registered"] is True
    assert stranger["person"]["verified_mobile"] is False
    assert_error(
        api.post(
            registrations_path(venue), {"name": "X", "mobile": "12345"}, token=tokens["organiser"]
        ),
        422,
        "invalid",
        "mobile",
    )
    assert_error(
        api.post(registrations_path(venue), {"name": "X"}, token=tokens["organiser"]),
        422,
        "invalid",
    )
    assert_error(
        api.post(
            registrations_path(venue), {"name": "X", "mobile": "13600000000"}, token=tokens["host"]
        ),
        403,
    )
    assert_error(
        api.post(registrations_path(venue), {}, token=tokens["organiser"]), 403, None, "mobile"
    )
    assert_error(
        api.post(
            "/fairs/nope/registrations",
            {"name": "X", "mobile": "13600000000"},
            token=tokens["organiser"],
        ),
        404,
    )
    assert_error(
        api.post(
            registrations_path(venue),
            {"name": "X", "mobile": "13600000000", "vip": True},
            token=tokens["organiser"],
        ),
        422,
        "invalid",
        "vip",
    )
    assert count(db, Registration) == 2


def test_check_in_answers(api, db, venue, make_fair, make_user, token_for, tokens):
    path = f"/fairs/{venue.fair.id}/checkins"
    seeker = make_user("seeker", name="王小明", mobile="13912345678")
    ticket = api.post(registrations_path(venue), {}, token=token_for(seeker)).get_json()
    done = api.post(path, {"ticket_code": ticket["ticket_code"].lower()}, token=tokens["organiser"])
    assert done.status_code == 201, done.get_json()
    body = done.get_json()
    assert body["ok"] is True and body["person"] == {
        "id": seeker.seeker_id,
        "name": "王小明",
        "mobile": "139****5678",
        "verified_mobile": False,  # an account made by an operator, not yet proven
        "real_name_level": "none",
        "staff_registered": False,
    }
    second = assert_error(
        api.post(path, {"mobile": "13912345678"}, token=tokens["organiser"]),
        409,
        "already_checked_in",
        "mobile",
        "person",
        "checked_in_at",
    )
    assert second["fields"]["person"] == "王小明 139****5678"
    assert api.get(f"/registrations/{ticket['id']}", token=tokens["organiser"]).get_json()[
        "checked_in_at"
    ]
    listed = api.get(registrations_path(venue), token=tokens["organiser"]).get_json()
    assert [bool(r["checked_in_at"]) for r in listed] == [True]

    other_fair = make_fair(title="另一场", organiser=venue.organiser)
    elsewhere = api.post(
        f"/fairs/{other_fair.id}/registrations",
        {"name": "A", "mobile": "13700000001"},
        token=tokens["organiser"],
    ).get_json()
    wrong = assert_error(
        api.post(path, {"ticket_code": elsewhere["ticket_code"]}, token=tokens["organiser"]),
        409,
        "wrong_fair",
        "ticket_code",
    )
    assert wrong["fields"]["fair"] == "另一场"
    api.delete(f"/registrations/{elsewhere['id']}", token=tokens["organiser"])
    cancelled = api.post(
        registrations_path(venue), {"name": "B", "mobile": "13700000002"}, token=tokens["organiser"]
    ).get_json()
    api.delete(f"/registrations/{cancelled['id']}", token=tokens["organiser"])
    assert_error(
        api.post(path, {"ticket_code": cancelled["ticket_code"]}, token=tokens["organiser"]),
        409,
        "ticket_cancelled",
    )
    assert_error(
        api.post(path, {"ticket_code": "ZZZZ2222"}, token=tokens["organiser"]),
        404,
        "not_found",
        "ticket_code",
    )
    assert_error(
        api.post(path, {"ticket_code": "hello"}, token=tokens["organiser"]),
        422,
        "invalid",
        "ticket_code",
    )
    assert_error(
        api.post(path, {"mobile": "555"}, token=tokens["organiser"]), 422, "invalid", "mobile"
    )
    assert_error(
        api.post(path, {"mobile": "13000000000"}, token=tokens["organiser"]),
        404,
        "not_found",
        "mobile",
    )
    assert_error(api.post(path, {}, token=tokens["organiser"]), 422)
    assert_error(
        api.post(
            path,
            {"ticket_code": ticket["ticket_code"], "mobile": "13912345678"},
            token=tokens["organiser"],
        ),
        422,
    )
    assert_error(api.post(path, {"ticket_code": ticket["ticket_code"]}, token=tokens["host"]), 403)
    assert_error(
        api.post(path, {"ticket_code": ticket["ticket_code"]}, token=token_for(seeker)), 403
    )
    assert_error(api.post(path, {"ticket_code": ticket["ticket_code"]}), 401)
    assert_error(
        api.post("/fairs/nope/checkins", {"ticket_code": "ZZZZ2222"}, token=tokens["organiser"]),
        404,
    )
    assert count(db, CheckIn) == 1
    listed = api.get(path, token=tokens["organiser"]).get_json()
    assert [c["registration_id"] for c in listed] == [ticket["id"]]
    assert_error(api.get(path, token=tokens["host"]), 403)
    attendance = api.get(f"/fairs/{venue.fair.id}/attendance", token=tokens["organiser"]).get_json()
    assert attendance["checked_in"] == 1


def test_hosts_cannot_run_check_in_nor_read_registrations(api, venue, tokens):
    assert_error(api.get(registrations_path(venue), token=tokens["host"]), 403)
    assert api.get("/registrations", token=tokens["host"]).get_json() == []


def test_booth_sign_ups(api, db, venue, make_user, token_for, tokens):
    seeker = make_user("seeker")
    ticket = api.post(registrations_path(venue), {}, token=token_for(seeker)).get_json()
    path = f"/fairs/{venue.fair.id}/onsite-signups"
    signup = {"ticket_code": ticket["ticket_code"], "job_id": venue.job.id}
    assert_error(api.post(path, signup, token=tokens["host"]), 409, "not_checked_in")
    api.post(
        f"/fairs/{venue.fair.id}/checkins",
        {"ticket_code": ticket["ticket_code"]},
        token=tokens["organiser"],
    )
    first = api.post(path, signup, token=tokens["host"])
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["created"] is True and first.get_json()["count"] == 1
    assert first.get_json()["person"]["mobile"].count("*") == 4
    again = api.post(path, signup, token=tokens["host"]).get_json()
    assert again["created"] is False and again["count"] == 1
    assert_error(
        api.post(path, {**signup, "job_id": venue.other_job.id}, token=tokens["host"]), 403
    )
    assert_error(
        api.post(path, {**signup, "job_id": "nope"}, token=tokens["host"]), 422, None, "job_id"
    )
    assert_error(api.post(path, signup, token=token_for(seeker)), 403)
    assert (
        api.post(
            path, {**signup, "job_id": venue.other_job.id}, token=tokens["organiser"]
        ).status_code
        == 200
    )
    sources = db.session.scalars(
        select(SignUp.source).where(SignUp.seeker_id == seeker.seeker_id)
    ).all()
    assert [s.value for s in sources] == ["onsite", "onsite"]


def test_booth_numbers_through_the_api(api, venue, make_employer, tokens):
    path = f"/fairs/{venue.fair.id}/booths"
    employer = venue.host.employer_id
    response = api.client.put(
        f"/api/v1{path}/{employer}",
        json={"number": "a12"},
        headers={"Authorization": f"Bearer {tokens['organiser']}"},
    )
    assert response.status_code == 200 and response.get_json()["number"] == "A12"
    listed = api.get(path).get_json()
    assert {b["employer_id"]: b["number"] for b in listed} == {
        employer: "A12",
        venue.other_job.employer_id: None,
    }
    assert listed[0]["jobs_url"].startswith("http://127.0.0.1:5000/fairs/")

    def put_booth(employer_id, body, token):
        return api.client.put(
            f"/api/v1{path}/{employer_id}", json=body, headers={"Authorization": f"Bearer {token}"}
        )

    assert_error(
        put_booth(venue.other_job.employer_id, {"number": "A12"}, tokens["organiser"]),
        409,
        None,
        "number",
    )
    assert_error(put_booth(employer, {"number": "B1"}, tokens["host"]), 403)
    assert_error(put_booth(make_employer().id, {"number": "B1"}, tokens["organiser"]), 404)
    assert_error(
        put_booth(employer, {"number": "X" * 11}, tokens["organiser"]), 422, None, "number"
    )
    cleared = put_booth(employer, {"number": None}, tokens["organiser"])
    assert cleared.status_code == 200 and cleared.get_json()["number"] is None


def test_read_only_tokens_cannot_register_or_check_in(api, db, venue):
    token = create_token(venue.organiser, TokenScope.EXPORT)
    db.session.commit()
    assert_error(
        api.post(registrations_path(venue), {"name": "A", "mobile": "13700000001"}, token=token),
        403,
    )
    assert_error(
        api.post(f"/fairs/{venue.fair.id}/checkins", {"mobile": "13700000001"}, token=token), 403
    )


def test_signed_in_browsers_need_csrf(client, venue, make_user):
    seeker = make_user("seeker")
    login(client, seeker.username)
    path = f"/api/v1/fairs/{venue.fair.id}/registrations"
    assert_error(client.post(path, json={}), 400, "csrf")
    ok = client.post(path, json={}, headers={"X-CSRFToken": csrf_token(client)})
    assert ok.status_code == 201


def test_a_fresh_token_can_take_a_booth_sign_up_first_thing(api, db, venue, make_user, token_for):
    """The token's first use stamps it; that write is committed before the sign-up's own."""
    from app.accounts.models import Role
    from app.accounts.schemas import NewUser
    from app.accounts.services import create_user
    from app.onsite import services
    from app.onsite.schemas import PersonRef

    seeker = make_user("seeker")
    registration, _ = services.register_seeker(Actor.of(seeker), venue.fair, seeker.seeker)
    services.check_in(
        Actor.of(venue.organiser), venue.fair, PersonRef(ticket_code=registration.ticket_code)
    )
    booth_host = create_user(
        NewUser(role=Role.HOST, username="booth2", password="x" * 12, employer="恒达电子")
    )
    db.session.commit()
    fresh = create_token(booth_host)
    db.session.commit()
    response = api.post(
        f"/fairs/{venue.fair.id}/onsite-signups",
        {"mobile": seeker.seeker.mobile, "job_id": venue.job.id},
        token=fresh,
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["created"] is True
    db.session.expire_all()
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == booth_host.id))
    assert token.last_used_at is not None


def test_export_only_tokens_get_no_registrations_or_check_ins(api, db, make_fair, make_user):
    from app.accounts.models import TokenScope
    from app.accounts.services import create_token

    fair = make_fair()
    organiser = make_user("organiser")
    token = create_token(organiser, TokenScope.EXPORT)
    db.session.commit()
    for path in (f"/fairs/{fair.id}/registrations", f"/fairs/{fair.id}/checkins", "/registrations"):
        assert api.get(path, token=token).status_code == 403, path


def test_a_walk_in_who_shows_an_id_card_is_kept_hashed_and_masked(api, db, venue, tokens):
    from app.accounts.models import Seeker
    from app.validators import id_check_char

    body = "35058219900101123"
    number = body + id_check_char(body)
    made = api.post(
        registrations_path(venue),
        {"name": "赵六", "mobile": "13700000066", "id_number": number},
        token=tokens["organiser"],
    )
    assert made.status_code == 201, made.get_json()
    person = made.get_json()["person"]
    assert person["staff_registered"] is True and person["real_name_level"] == "none"
    stored = db.session.get(Seeker, person["id"])
    assert stored.id_number_masked == number[:4] + "*" * 10 + number[-4:]
    assert number not in stored.id_number_hash
    assert_error(
        api.post(
            registrations_path(venue),
            {
                "name": "赵六",
                "mobile": "13700000067",
                "id_number": body + "0" if number[-1] != "0" else body + "1",
            },
            token=tokens["organiser"],
        ),
        422,
        "invalid",
        "id_number",
    )
