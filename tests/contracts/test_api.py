"""The contract API end to end: offer → send → both sign → complete → confirm, who may do
what, the terms' limits, and verifying the signed PDF."""

from __future__ import annotations

import io

import pytest

from app.contracts.models import Contract
from app.sms import outbox
from tests.fixtures.people import code_from_outbox
from tests.fixtures.values import PASSWORD


@pytest.fixture
def tokens(deal, token_for):
    return {
        "host": token_for(deal.host),
        "worker": token_for(deal.worker),
        "organiser": token_for(deal.organiser),
    }


def offer(api, deal, tokens, **changes) -> dict:
    response = api.post("/contracts", {**deal.terms, **changes}, token=tokens["host"])
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def signed_contract(api, deal, tokens) -> dict:
    contract = offer(api, deal, tokens)
    assert api.post(f"/contracts/{contract['id']}/send", token=tokens["host"]).status_code == 200
    for who in ("worker", "host"):
        response = api.post(
            f"/contracts/{contract['id']}/sign",
            {"password": PASSWORD, "sha256": contract["content_sha256"]},
            token=tokens[who],
        )
        assert response.status_code == 200, response.get_json()
    return response.get_json()


def verify(client, data: bytes, name="contract.pdf"):
    return client.post(
        "/api/v1/contracts/verify",
        data={"pdf": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_an_offer_is_a_draft_prefilled_from_the_job_with_both_parties(api, deal, tokens):
    contract = offer(api, deal, tokens)
    assert contract["status"] == "draft"
    assert contract["template"] == "gig" and contract["template_version"].startswith("2026.1+")
    assert contract["parties"]["employer"] == {
        "name": "恒达物流",
        "credit_code": deal.host.employer.credit_code,
    }
    assert contract["parties"]["worker"] == {
        "name": "张三",
        "id_number_masked": "350***********1234",
    }
    assert (
        contract["terms"]["pay_amount"] == "200"
        and contract["terms"]["hours"] == "白班 08:00-17:00"
    )
    assert contract["fair_id"] == deal.fair.id and contract["signatures"] == []
    pdf = api.get(f"/contracts/{contract['id']}/pdf", token=tokens["host"])
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")
    assert pdf.headers["X-Content-SHA256"] == contract["sha256"]


def test_offer_by_signup_id(api, deal, tokens):
    terms = {k: v for k, v in deal.terms.items() if k != "seeker_id"}
    contract = offer(api, deal, tokens, **terms, signup_id=deal.signup_id)
    assert contract["parties"]["worker"]["name"] == "张三"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pay_amount": 250}, "pay_amount"),  # above what the job offers
        ({"pay_unit": "hour"}, "pay_unit"),
        ({"starts_on": "2020-01-01"}, "starts_on"),
        ({"ends_on": "2000-01-01"}, "ends_on"),
        ({"place": ""}, "place"),
        ({"terms": {"extra": "x" * 3000}}, "terms"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_terms_outside_the_limits_are_refused(api, deal, tokens, changes, field):
    response = api.post("/contracts", {**deal.terms, **changes}, token=tokens["host"])
    assert response.status_code == 422, response.get_json()
    assert any(field in key for key in response.get_json()["error"]["fields"])
    assert Contract.query.count() == 0


def test_pay_below_the_minimum_wage_is_refused(api, deal, tokens, db):
    deal.job.pay_min = 100
    db.session.commit()
    response = api.post("/contracts", {**deal.terms, "pay_amount": 150}, token=tokens["host"])
    assert response.status_code == 422
    assert "minimum wage" in response.get_json()["error"]["fields"]["pay_amount"]


def test_only_the_employers_host_offers_to_a_candidate(api, deal, tokens, make_user, token_for):
    stranger = token_for(make_user("host"))
    assert api.post("/contracts", deal.terms, token=stranger).status_code == 403
    assert api.post("/contracts", deal.terms, token=tokens["worker"]).status_code == 403
    someone_else = make_user("seeker")
    response = api.post(
        "/contracts", {**deal.terms, "seeker_id": someone_else.seeker_id}, token=tokens["host"]
    )
    assert response.status_code == 404


def test_only_parties_and_organisers_read_it(api, deal, tokens, make_user, token_for):
    contract = offer(api, deal, tokens)
    path = f"/contracts/{contract['id']}"
    assert api.get(path, token=tokens["organiser"]).status_code == 200
    assert api.get(path, token=token_for(make_user("host"))).status_code == 404
    assert api.get(path, token=token_for(make_user("seeker"))).status_code == 404
    assert api.get(path).status_code == 404
    assert api.get(path + "/pdf", token=token_for(make_user("seeker"))).status_code == 404


def test_the_whole_deal_and_a_verifiable_pdf(api, client, deal, tokens):
    contract = signed_contract(api, deal, tokens)
    assert contract["status"] == "signed"
    assert sorted(s["party"] for s in contract["signatures"]) == ["employer", "worker"]
    assert contract["sha256"] != contract["content_sha256"]
    worker_pdf = api.get(f"/contracts/{contract['id']}/pdf", token=tokens["worker"]).data
    host_pdf = api.get(f"/contracts/{contract['id']}/pdf", token=tokens["host"]).data
    assert worker_pdf == host_pdf

    result = verify(client, worker_pdf).get_json()
    assert result["valid"] and result["unchanged"] and result["contract_id"] == contract["id"]
    assert [s["party"] for s in result["signatures"]] == ["worker", "employer"]
    assert "张三" in result["signatures"][0]["signer"]

    tampered = bytearray(worker_pdf)
    tampered[len(worker_pdf) // 3] ^= 0x01
    result = verify(client, bytes(tampered)).get_json()
    assert result["valid"] is False and result["unchanged"] is False

    appended = worker_pdf + b"\n% a note added later\n"
    assert verify(client, appended).get_json()["valid"] is False

    done = api.post(
        f"/contracts/{contract['id']}/complete", {"paid_amount": 600}, token=tokens["host"]
    )
    assert done.status_code == 200 and done.get_json()["status"] == "completed"
    assert (
        api.post(f"/contracts/{contract['id']}/confirm", {"ok": True}, token=tokens["host"])
    ).status_code == 403
    closed = api.post(f"/contracts/{contract['id']}/confirm", {"ok": True}, token=tokens["worker"])
    assert closed.get_json()["status"] == "confirmed"

    report = api.get(f"/fairs/{deal.fair.id}/report", token=tokens["organiser"]).get_json()
    assert (report["signups"], report["contracts_signed"], report["contracts_completed"]) == (
        1,
        1,
        1,
    )
    assert report["contracts_confirmed"] == 1 and report["contracts_disputed"] == 0
    assert report["wages_confirmed"] == 600
    job_row = next(j for j in report["jobs"] if j["job_id"] == deal.job.id)
    assert job_row["contracts_signed"] == 1 and job_row["wages_confirmed"] == 600
    assert report["employers"][0]["contracts_confirmed"] == 1

    trail = api.get(f"/contracts/{contract['id']}/evidence", token=tokens["organiser"]).get_json()
    assert trail["intact"]
    assert [e["action"] for e in trail["events"]] == [
        "offered",
        "sent",
        "signed_worker",
        "signed_employer",
        "signed",
        "completed",
        "confirmed",
    ]


def test_signing_needs_a_sent_contract_a_right_password_and_happens_once(api, deal, tokens):
    contract = offer(api, deal, tokens)
    path = f"/contracts/{contract['id']}/sign"
    assert api.post(path, {"password": PASSWORD}, token=tokens["host"]).status_code == 409
    assert api.post(path, {"password": PASSWORD}, token=tokens["worker"]).status_code == 404
    api.post(f"/contracts/{contract['id']}/send", token=tokens["host"])
    wrong = api.post(path, {"password": "wrong password"}, token=tokens["worker"])
    assert wrong.status_code == 401
    changed = api.post(path, {"password": PASSWORD, "sha256": "0" * 64}, token=tokens["worker"])
    assert changed.status_code == 409
    assert (
        api.get(f"/contracts/{contract['id']}", token=tokens["worker"]).get_json()["signatures"]
        == []
    )
    assert api.post(path, {"password": PASSWORD}, token=tokens["worker"]).status_code == 200
    twice = api.post(path, {"password": PASSWORD}, token=tokens["worker"])
    assert twice.status_code == 409 and twice.get_json()["error"]["fields"] == {"party": "worker"}
    assert api.post(path, {}, token=tokens["host"]).status_code == 422


def test_a_dispute_needs_a_note_and_organisers_see_it(api, deal, tokens):
    contract = signed_contract(api, deal, tokens)
    api.post(f"/contracts/{contract['id']}/complete", {"paid_amount": 400}, token=tokens["host"])
    path = f"/contracts/{contract['id']}/confirm"
    assert api.post(path, {"ok": False}, token=tokens["worker"]).status_code == 422
    disputed = api.post(path, {"ok": False, "note": "少付了一天"}, token=tokens["worker"])
    assert disputed.get_json()["status"] == "disputed"
    listed = api.get("/contracts?status=disputed", token=tokens["organiser"]).get_json()
    assert [c["worker_note"] for c in listed] == ["少付了一天"]
    report = api.get(f"/fairs/{deal.fair.id}/report", token=tokens["organiser"]).get_json()
    assert report["contracts_disputed"] == 1 and report["wages_confirmed"] == 0


def test_cancel_only_before_signing(api, deal, tokens):
    contract = signed_contract(api, deal, tokens)
    response = api.post(f"/contracts/{contract['id']}/cancel", token=tokens["host"])
    assert response.status_code == 409
    assert response.get_json()["error"]["code"]


def test_verify_refuses_what_is_not_a_pdf_and_huge_uploads(client):
    assert verify(client, b"hello, world").status_code == 422
    assert verify(client, b"").status_code == 422
    assert client.post("/api/v1/contracts/verify").status_code == 422
    huge = verify(client, b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024))
    assert huge.status_code == 413


def test_ca_certificate_is_public(client):
    response = client.get("/api/v1/contracts/ca.pem")
    assert response.status_code == 200
    assert response.data.startswith(b"-----BEGIN CERTIFICATE-----")


def test_the_worker_signs_with_a_code_texted_to_their_verified_mobile(api, deal, tokens):
    contract = offer(api, deal, tokens)
    api.post(f"/contracts/{contract['id']}/send", token=tokens["host"])
    path = f"/contracts/{contract['id']}"
    assert api.post(path + "/code", token=tokens["host"]).status_code == 422  # hosts: password
    assert api.post(path + "/code", token=tokens["worker"]).status_code == 202
    code = code_from_outbox(deal.seeker.mobile)
    wrong = "000000" if code != "000000" else "111111"
    refused = api.post(path + "/sign", {"code": wrong}, token=tokens["worker"])
    assert refused.status_code == 401
    signed = api.post(path + "/sign", {"code": code}, token=tokens["worker"])
    assert signed.status_code == 200, signed.get_json()
    assert [s["party"] for s in signed.get_json()["signatures"]] == ["worker"]
    again = api.post(path + "/sign", {"code": code}, token=tokens["worker"])
    assert again.status_code == 409


def test_the_worker_sees_an_offer_once_sent_and_is_texted_at_each_step(api, deal, tokens):
    contract = offer(api, deal, tokens)
    path = f"/contracts/{contract['id']}"
    assert api.get(path, token=tokens["worker"]).status_code == 404  # still a draft
    assert api.get("/contracts", token=tokens["worker"]).get_json() == []
    api.post(path + "/send", token=tokens["host"])
    assert api.get(path, token=tokens["worker"]).status_code == 200
    texts = [m.text for m in outbox(deal.seeker.mobile)]
    assert "恒达物流" in texts[-1] and "仓库分拣员" in texts[-1]
    assert f"/contracts/{contract['id']}" in texts[-1]
    api.post(path + "/cancel", token=tokens["host"])
    assert "撤回" in outbox(deal.seeker.mobile)[-1].text
    assert api.get(path, token=tokens["worker"]).get_json()["status"] == "cancelled"


def test_only_organisers_see_where_each_party_signed_from(api, deal, tokens):
    contract = signed_contract(api, deal, tokens)
    path = f"/contracts/{contract['id']}/evidence"
    for who, sees in (("organiser", True), ("worker", False), ("host", False)):
        events = api.get(path, token=tokens[who]).get_json()["events"]
        assert any(e["ip"] for e in events) is sees, who


def test_a_draft_can_be_revised_within_the_limits_and_a_sent_one_cannot(api, deal, tokens):
    contract = offer(api, deal, tokens)
    path = f"/contracts/{contract['id']}"
    too_low = api.patch(path, {"pay_amount": 100}, token=tokens["host"])
    assert too_low.status_code == 422
    assert api.patch(path, {"pay_amount": 210}, token=tokens["worker"]).status_code == 404
    revised = api.patch(
        path, {"pay_amount": 210, "terms": {"extra": "提供午餐"}}, token=tokens["host"]
    ).get_json()
    assert revised["terms"]["pay_amount"] == "210" and revised["terms"]["extra"] == "提供午餐"
    assert revised["terms"]["place"] == deal.terms["place"]
    assert revised["content_sha256"] != contract["content_sha256"]
    api.post(path + "/send", token=tokens["host"])
    stale = api.post(
        path + "/sign",
        {"password": PASSWORD, "sha256": contract["content_sha256"]},
        token=tokens["worker"],
    )
    assert stale.status_code == 409  # the worker had the first draft in front of them
    assert api.patch(path, {"pay_amount": 220}, token=tokens["host"]).status_code == 409
    trail = api.get(path + "/evidence", token=tokens["organiser"]).get_json()
    assert [e["action"] for e in trail["events"]][:3] == ["offered", "revised", "sent"]


def test_a_change_outside_the_signed_bytes_is_caught_by_the_stored_hash(api, client, deal, tokens):
    contract = signed_contract(api, deal, tokens)
    pdf = api.get(f"/contracts/{contract['id']}/pdf", token=tokens["worker"]).data
    # The signature value's hex padding is the one part of the file no signature covers.
    end = pdf.rindex(b">", 0, pdf.rindex(b"/ByteRange"))
    assert pdf[end - 1 : end] == b"0"
    changed = pdf[: end - 1] + b"1" + pdf[end:]
    result = verify(client, changed).get_json()
    assert result["valid"] is False and result["unchanged"] is False
