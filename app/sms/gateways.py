"""SMS gateways: the `log` backend (server log and outbox) and the real providers' HTTP APIs.

Aliyun (Dysmsapi `SendSms`, RPC style, signature HMAC-SHA1) and Tencent Cloud (`SendSms`
2021-01-11, signature TC3-HMAC-SHA256). Both send an approved template: a message's params fill
it (a code message: {"code": "123456"}); the text itself is what the log backend keeps.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime

from app.errors import DomainError
from app.extensions import db

log = logging.getLogger("faircast.sms")
# A provider that has not answered by then is treated as down (the person can ask again).
HTTP_TIMEOUT_SECONDS = 10


class SmsUnavailable(DomainError):
    """The text message could not be handed to the SMS provider."""

    status = 503
    code = "sms_unavailable"


class LogGateway:
    """Writes each message to the server log and to the outbox table (the demo's backend)."""

    def send(self, mobile: str, text: str, params: dict[str, str]) -> None:
        from app.sms.models import SmsMessage

        log.info("SMS to %s: %s", mobile, text)
        db.session.add(SmsMessage(mobile=mobile, text=text))
        db.session.flush()


def _post(url: str, data: bytes, headers: dict[str, str]) -> dict:
    """POST to a provider and its JSON answer; SmsUnavailable when it fails or talks nonsense."""
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = json.loads(response.read().decode("utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("SMS provider at %s failed: %s", url, exc)
        raise SmsUnavailable("The text message could not be sent; try again shortly.") from None
    if not isinstance(answer, dict):
        raise SmsUnavailable("The text message could not be sent; try again shortly.")
    return answer


# Aliyun ------------------------------------------------------------------------------------


def aliyun_percent_encode(value: str) -> str:
    """Aliyun's percent-encoding: RFC 3986 unreserved characters kept, space as %20."""
    return urllib.parse.quote(value, safe="-_.~")


def aliyun_string_to_sign(method: str, params: dict[str, str]) -> str:
    """HTTPMethod & percentEncode("/") & percentEncode(the sorted, encoded query)."""
    query = "&".join(
        f"{aliyun_percent_encode(k)}={aliyun_percent_encode(v)}" for k, v in sorted(params.items())
    )
    return f"{method}&{aliyun_percent_encode('/')}&{aliyun_percent_encode(query)}"


def aliyun_signature(secret: str, method: str, params: dict[str, str]) -> str:
    """The RPC signature: Base64(HMAC-SHA1(secret + "&", string to sign))."""
    digest = hmac.new(
        (secret + "&").encode(), aliyun_string_to_sign(method, params).encode(), hashlib.sha1
    ).digest()
    return base64.b64encode(digest).decode()


@dataclass
class AliyunGateway:
    """Aliyun SMS (dysmsapi.aliyuncs.com, action SendSms, version 2017-05-25)."""

    access_key_id: str
    access_key_secret: str
    sign_name: str
    template_code: str
    endpoint: str = "https://dysmsapi.aliyuncs.com/"

    def request_params(self, mobile: str, params: dict[str, str], now: datetime) -> dict:
        """The signed form of one SendSms request."""
        fields = {
            "AccessKeyId": self.access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": mobile,
            "RegionId": "cn-hangzhou",
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": secrets.token_hex(16),
            "SignatureVersion": "1.0",
            "TemplateCode": self.template_code,
            "TemplateParam": json.dumps(params, ensure_ascii=False),
            "Timestamp": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        fields["Signature"] = aliyun_signature(self.access_key_secret, "POST", fields)
        return fields

    def send(self, mobile: str, text: str, params: dict[str, str]) -> None:
        fields = self.request_params(mobile, params, datetime.now(UTC))
        answer = _post(
            self.endpoint,
            urllib.parse.urlencode(fields).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        if answer.get("Code") != "OK":
            log.warning("Aliyun SMS refused: %s %s", answer.get("Code"), answer.get("Message"))
            raise SmsUnavailable("The text message could not be sent; try again shortly.")


# Tencent Cloud -----------------------------------------------------------------------------

TC3_ALGORITHM = "TC3-HMAC-SHA256"
TC3_CONTENT_TYPE = "application/json; charset=utf-8"


def _sha256_hex(data: str) -> str:
    return hashlib.sha256(data.encode()).hexdigest()


def _hmac_sha256(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def tc3_authorization(
    secret_id: str, secret_key: str, service: str, host: str, payload: str, timestamp: int
) -> str:
    """The Authorization header of a POST / JSON request, signed with TC3-HMAC-SHA256."""
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    signed_headers = "content-type;host"
    canonical_request = "\n".join(
        [
            "POST",
            "/",
            "",
            f"content-type:{TC3_CONTENT_TYPE}\nhost:{host}\n",
            signed_headers,
            _sha256_hex(payload),
        ]
    )
    scope = f"{date}/{service}/tc3_request"
    string_to_sign = "\n".join(
        [TC3_ALGORITHM, str(timestamp), scope, _sha256_hex(canonical_request)]
    )
    key = _hmac_sha256(("TC3" + secret_key).encode(), date)
    key = _hmac_sha256(key, service)
    key = _hmac_sha256(key, "tc3_request")
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return (
        f"{TC3_ALGORITHM} Credential={secret_id}/{scope}, "
        f"SignedHeaders={signed_headers}, Signature={signature}"
    )


@dataclass
class TencentGateway:
    """Tencent Cloud SMS (sms.tencentcloudapi.com, action SendSms, version 2021-01-11)."""

    secret_id: str
    secret_key: str
    sdk_app_id: str
    sign_name: str
    template_id: str
    region: str = "ap-guangzhou"
    host: str = "sms.tencentcloudapi.com"
    # Where requests go (None: https://{host}/); the signature always names host.
    endpoint: str | None = None

    def request(self, mobile: str, params: dict[str, str], timestamp: int) -> tuple[str, dict]:
        """The JSON body and headers of one signed SendSms request."""
        payload = json.dumps(
            {
                "PhoneNumberSet": [f"+86{mobile}"],
                "SmsSdkAppId": self.sdk_app_id,
                "SignName": self.sign_name,
                "TemplateId": self.template_id,
                "TemplateParamSet": list(params.values()),
            },
            ensure_ascii=False,
        )
        headers = {
            "Authorization": tc3_authorization(
                self.secret_id, self.secret_key, "sms", self.host, payload, timestamp
            ),
            "Content-Type": TC3_CONTENT_TYPE,
            "Host": self.host,
            "X-TC-Action": "SendSms",
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Version": "2021-01-11",
            "X-TC-Region": self.region,
        }
        return payload, headers

    def send(self, mobile: str, text: str, params: dict[str, str]) -> None:
        payload, headers = self.request(mobile, params, int(datetime.now(UTC).timestamp()))
        url = self.endpoint or f"https://{self.host}/"
        answer = _post(url, payload.encode(), headers).get("Response", {})
        statuses = answer.get("SendStatusSet") if isinstance(answer, dict) else None
        if not statuses or statuses[0].get("Code") != "Ok":
            log.warning("Tencent SMS refused: %s", answer)
            raise SmsUnavailable("The text message could not be sent; try again shortly.")
