"""The SMS gateways: the providers' request signing against their published examples, the
`log` backend's outbox, and `faircast sms outbox`."""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qs

import pytest
from click.testing import CliRunner

from app.config import Settings
from app.sms import build_gateway, outbox, send
from app.sms.gateways import (
    AliyunGateway,
    LogGateway,
    SmsUnavailable,
    TencentGateway,
    aliyun_signature,
    aliyun_string_to_sign,
    tc3_authorization,
)
from tests.fixtures.provider import StandIn

# Aliyun's RPC signature example (DescribeRegions, AccessKey secret "testsecret").
ALIYUN_EXAMPLE = {
    "Timestamp": "2016-02-23T12:46:24Z",
    "Format": "XML",
    "AccessKeyId": "testid",
    "Action": "DescribeRegions",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
    "Version": "2014-05-26",
    "SignatureVersion": "1.0",
}
# Tencent Cloud's TC3-HMAC-SHA256 example (cvm DescribeInstances, 2019-02-25).
TENCENT_PAYLOAD = (
    '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
)


def test_aliyun_signature_matches_the_published_example():
    assert aliyun_string_to_sign("GET", ALIYUN_EXAMPLE) == (
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML"
        "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"
        "%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z"
        "%26Version%3D2014-05-26"
    )
    assert aliyun_signature("testsecret", "GET", ALIYUN_EXAMPLE) == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_tencent_signature_matches_the_published_example():
    header = tc3_authorization(
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******",
        "Gu5t9xGARNpq86cd98joQYCN3*******",
        "cvm",
        "cvm.tencentcloudapi.com",
        TENCENT_PAYLOAD,
        1551113065,
    )
    assert header == (
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/"
        "tc3_request, SignedHeaders=content-type;host, "
        "Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c"
    )


def test_aliyun_send_sms_request_is_signed_over_its_own_fields():
    from datetime import UTC, datetime

    gateway = AliyunGateway("id", "secret", "FairCast", "SMS_1")
    fields = gateway.request_params("13800138000", {"code": "123456"}, datetime.now(UTC))
    signature = fields.pop("Signature")
    assert fields["Action"] == "SendSms" and fields["PhoneNumbers"] == "13800138000"
    assert json.loads(fields["TemplateParam"]) == {"code": "123456"}
    assert signature == aliyun_signature("secret", "POST", fields)
    fields["PhoneNumbers"] = "13900139000"  # a tampered request no longer matches
    assert signature != aliyun_signature("secret", "POST", fields)


def test_tencent_send_sms_request_carries_the_template_and_signature():
    gateway = TencentGateway("sid", "skey", "1400000000", "FairCast", "100")
    payload, headers = gateway.request("13800138000", {"code": "654321"}, 1551113065)
    body = json.loads(payload)
    assert body["PhoneNumberSet"] == ["+8613800138000"]
    assert body["TemplateParamSet"] == ["654321"]
    assert headers["X-TC-Action"] == "SendSms"
    assert headers["Authorization"] == tc3_authorization(
        "sid", "skey", "sms", "sms.tencentcloudapi.com", payload, 1551113065
    )


def test_backend_is_chosen_by_setting_and_missing_keys_are_named():
    assert isinstance(build_gateway(Settings(sms_backend="log", providers={})), LogGateway)
    with pytest.raises(RuntimeError, match="FAIRCAST_SMS_ALIYUN_ACCESS_KEY_ID"):
        build_gateway(Settings(sms_backend="aliyun", providers={}))
    keys = {f"sms_tencent_{k}": "x" for k in ("secret_id", "secret_key", "sdk_app_id", "sign_name")}
    with pytest.raises(RuntimeError, match="FAIRCAST_SMS_TENCENT_TEMPLATE_ID"):
        build_gateway(Settings(sms_backend="tencent", providers=keys))
    with pytest.raises(RuntimeError, match="one of log, aliyun, tencent"):
        build_gateway(Settings(sms_backend="pigeon", providers={}))


def test_log_backend_keeps_messages_in_the_outbox(app, db, caplog):
    caplog.set_level(logging.INFO, logger="faircast.sms")
    send("13800138000", "first")
    send("13900139000", "other")
    send("13800138000", "second")
    db.session.commit()
    assert [m.text for m in outbox("13800138000")] == ["first", "second"]
    assert len(outbox()) == 3
    assert "SMS to 13800138000: second" in caplog.text


def test_cli_prints_the_outbox_newest_last(app, db, settings, monkeypatch):
    from app.commands import cli

    send("13800138000", "code 111111")
    send("13800138000", "code 222222")
    send("13700137000", "not this one")
    db.session.commit()
    monkeypatch.setenv("FAIRCAST_DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(cli, ["sms", "outbox", "--mobile", "138 0013 8000"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("code 111111") and lines[1].endswith("code 222222")
    bad = CliRunner().invoke(cli, ["sms", "outbox", "--mobile", "12345"])
    assert bad.exit_code != 0 and "Not a mobile number" in bad.output


# The adapters against a local HTTP server standing in for the provider ------------------------


@pytest.fixture
def provider():
    stand_in = StandIn()
    yield stand_in
    stand_in.close()


def test_aliyun_sends_a_signed_form_and_reads_the_answer(provider):
    gateway = AliyunGateway("id", "secret", "FairCast", "SMS_1", endpoint=provider.url)
    provider.answer = b'{"Code": "OK", "Message": "OK"}'
    gateway.send("13800138000", "code 123456", {"code": "123456"})
    _headers, body = provider.requests[-1]
    form = {k: v[0] for k, v in parse_qs(body).items()}
    signature = form.pop("Signature")
    assert signature == aliyun_signature("secret", "POST", form)
    assert form["PhoneNumbers"] == "13800138000"
    for answer in (b'{"Code": "isv.BUSINESS_LIMIT_CONTROL"}', b"<html>502</html>", b"[]"):
        provider.answer = answer
        with pytest.raises(SmsUnavailable):
            gateway.send("13800138000", "code 123456", {"code": "123456"})
    with pytest.raises(SmsUnavailable):
        AliyunGateway("i", "s", "n", "t", endpoint="http://127.0.0.1:9/").send(
            "13800138000", "x", {}
        )


def test_tencent_sends_a_signed_json_body_and_reads_the_answer(provider):
    gateway = TencentGateway("sid", "skey", "1400000000", "FairCast", "100", endpoint=provider.url)
    provider.answer = b'{"Response": {"SendStatusSet": [{"Code": "Ok"}], "RequestId": "x"}}'
    gateway.send("13800138000", "code 654321", {"code": "654321"})
    headers, body = provider.requests[-1]
    timestamp = int(headers["x-tc-timestamp"])
    assert headers["x-tc-action"] == "SendSms"
    assert headers["authorization"] == tc3_authorization(
        "sid", "skey", "sms", "sms.tencentcloudapi.com", body, timestamp
    )
    provider.answer = (
        b'{"Response": {"SendStatusSet": [{"Code": "LimitExceeded.PhoneNumberDailyLimit"}]}}'
    )
    with pytest.raises(SmsUnavailable):
        gateway.send("13800138000", "code 654321", {"code": "654321"})


def test_a_provider_failure_stores_no_code_and_says_so(app, client, db, provider):
    from app.accounts.models import OneTimeCode

    provider.answer = b'{"Code": "isv.MOBILE_NUMBER_ILLEGAL"}'
    app.extensions["faircast_sms_gateway"] = AliyunGateway(
        "id", "secret", "FairCast", "SMS_1", endpoint=provider.url
    )
    reply = client.post("/api/v1/auth/sms", json={"mobile": "13800138000"})
    assert reply.status_code == 503 and reply.get_json()["error"]["code"] == "sms_unavailable"
    assert db.session.query(OneTimeCode).count() == 0
