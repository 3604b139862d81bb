"""Organisers manage accounts, employers and see people's verification levels on a page."""

from __future__ import annotations

from app.accounts.models import User
from app.accounts.services import find_user
from tests.fixtures.people import sign_in_by_code
from tests.fixtures.values import Api, csrf_token, login, valid_credit_code

EN = {"Accept-Language": "en"}


def test_only_organisers_open_the_people_page(client, make_user):
    assert client.get("/organiser/people").status_code == 302
    login(client, make_user("host").username)
    assert client.get("/organiser/people").status_code == 403


def test_organisers_create_hosts_register_employers_and_disable_accounts(client, db, make_user):
    organiser = make_user("organiser")
    seeker_client = client.application.test_client()
    sign_in_by_code(seeker_client, "13800138000")
    login(client, organiser.username)
    page = client.get("/organiser/people", headers=EN).get_data(as_text=True)
    assert "13800138000" in page and "mobile verified" in page
    token = csrf_token(client)
    made = client.post(
        "/organiser/people/accounts",
        data={
            "csrf_token": token,
            "role": "host",
            "username": "host-new",
            "password": "a-long-password",
            "name": "陈经理",
            "employer": "新工厂",
        },
        headers=EN,
    )
    assert made.status_code == 200 and "The account was created." in made.get_data(as_text=True)
    host = find_user("host-new")
    assert host.employer.name == "新工厂"
    short = client.post(
        "/organiser/people/accounts",
        data={"csrf_token": token, "role": "host", "username": "x", "password": "short"},
    )
    assert short.status_code == 422
    code = valid_credit_code(77)
    employer = client.post(
        "/organiser/people/employers",
        data={"csrf_token": token, "name": "闽南纸业", "credit_code": code},
        headers=EN,
    )
    assert employer.status_code == 200 and code in employer.get_data(as_text=True)
    bad_code = client.post(
        "/organiser/people/employers",
        data={"csrf_token": token, "name": "坏代码", "credit_code": "123"},
    )
    assert bad_code.status_code == 422
    host_token = (
        Api(client.application.test_client())
        .post("/tokens", {"username": "host-new", "password": "a-long-password"})
        .get_json()["token"]
    )
    disabled = client.post(
        f"/organiser/people/accounts/{host.id}/active", data={"csrf_token": token, "active": "0"}
    )
    assert disabled.status_code == 200
    db.session.expire_all()
    assert db.session.get(User, host.id).active is False
    assert Api(client).get("/jobs", token=host_token).status_code == 401
    own = client.post(
        f"/organiser/people/accounts/{organiser.id}/active",
        data={"csrf_token": token, "active": "0"},
    )
    assert own.status_code == 409
    assert (
        client.post(
            f"/organiser/people/accounts/{host.id}/active", data={"active": "1"}
        ).status_code
        == 400
    )  # CSRF
