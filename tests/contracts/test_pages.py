"""Contract pages through the test client: the host offers from a sign-up and sends, the
worker signs with a texted code, the host with the password, /verify says it is genuine."""

from __future__ import annotations

import io
import re

from app.accounts.actor import Actor
from app.contracts import services
from app.contracts.models import Contract, ContractStatus
from app.contracts.schemas import ContractIn, SignIn
from tests.fixtures.people import code_from_outbox
from tests.fixtures.values import PASSWORD, csrf_token, login

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def form_token(page: str) -> str:
    return CSRF_RE.search(page).group(1)


def test_offer_sign_and_verify_through_the_pages(app, deal, db):
    host, worker = app.test_client(), app.test_client()
    login(host, deal.host.username)
    followup = host.get(f"/contracts/new?signup_id={deal.signup_id}")
    assert followup.status_code == 200
    page = followup.get_data(as_text=True)
    assert "仓库分拣员" in page and "张三" in page
    values = {
        "csrf_token": form_token(page),
        "starts_on": deal.terms["starts_on"],
        "ends_on": deal.terms["ends_on"],
        "pay_amount": "150",  # below the job's range
        "place": "东园仓库",
        "shift": "白班",
    }
    refused = host.post(f"/contracts/new?signup_id={deal.signup_id}", data=values)
    assert refused.status_code == 422 and Contract.query.count() == 0
    created = host.post(
        f"/contracts/new?signup_id={deal.signup_id}", data={**values, "pay_amount": "200"}
    )
    assert created.status_code == 302
    contract = Contract.query.one()
    show = host.get(created.location).get_data(as_text=True)
    assert contract.sha256 in show
    host.post(f"/contracts/{contract.id}/send", data={"csrf_token": form_token(show)})
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).status == ContractStatus.SENT

    login(worker, deal.worker.username)
    page = worker.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "劳务协议" in page
    token = form_token(page)
    assert (
        worker.post(f"/contracts/{contract.id}/code", data={"csrf_token": token}).status_code == 302
    )
    code = code_from_outbox(deal.seeker.mobile)
    wrong = worker.post(
        f"/contracts/{contract.id}/sign",
        data={"csrf_token": token, "code": "12345x", "sha256": contract.content_sha256},
    )
    assert wrong.status_code == 422
    signed = worker.post(
        f"/contracts/{contract.id}/sign",
        data={"csrf_token": token, "code": code, "sha256": contract.content_sha256},
    )
    assert signed.status_code == 302
    bad_password = host.post(
        f"/contracts/{contract.id}/sign",
        data={"csrf_token": form_token(show), "password": "not it"},
    )
    assert bad_password.status_code == 401
    host.post(
        f"/contracts/{contract.id}/sign",
        data={"csrf_token": form_token(show), "password": PASSWORD},
    )
    db.session.expire_all()
    contract = db.session.get(Contract, contract.id)
    assert contract.status == ContractStatus.SIGNED

    visitor = app.test_client()
    check = visitor.post(
        "/verify",
        data={
            "csrf_token": csrf_token(visitor),
            "pdf": (io.BytesIO(contract.document), "c.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert check.status_code == 200
    assert 'data-valid="true"' in check.get_data(as_text=True)


def test_strangers_see_no_contract(app, deal, db, make_user):
    client = app.test_client()
    login(client, make_user("seeker").username)
    assert client.get("/contracts/0123456789abcdef").status_code == 404
    assert client.get(f"/contracts/new?signup_id={deal.signup_id}").status_code == 403


def test_organisers_see_open_disputes_with_the_evidence(app, deal, db, settings):
    data = ContractIn.model_validate(deal.terms)
    contract = services.offer_contract(Actor.of(deal.host), data, settings)
    services.send_contract(Actor.of(deal.host), contract.id, settings)
    for user in (deal.worker, deal.host):
        services.sign_contract(Actor.of(user), contract.id, SignIn(password=PASSWORD), settings)
    services.complete_contract(Actor.of(deal.host), contract.id, 300)
    services.confirm_contract(Actor.of(deal.worker), contract.id, False, "只付了一天的钱")
    db.session.commit()
    organiser = app.test_client()
    login(organiser, deal.organiser.username)
    listing = organiser.get("/contracts").get_data(as_text=True)
    assert 'id="disputes"' in listing and "只付了一天的钱" in listing
    page = organiser.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "证据链" in page and "链条完整" in page
    assert contract.content_sha256 in page  # what each step saw
