"""Text messages to mobile numbers through the gateway chosen by FAIRCAST_SMS_BACKEND:
`log` (default: the server log and an outbox that `faircast sms outbox` prints), `aliyun` or
`tencent` (their HTTP APIs, keys from settings)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.sms.gateways import AliyunGateway, LogGateway, SmsUnavailable, TencentGateway
from app.sms.models import SmsMessage

__all__ = ["BACKENDS", "SmsMessage", "SmsUnavailable", "gateway", "outbox", "send"]

BACKENDS = ("log", "aliyun", "tencent")
# The settings each real provider needs (FAIRCAST_SMS_ALIYUN_ACCESS_KEY_ID and so on).
ALIYUN_KEYS = ("access_key_id", "access_key_secret", "sign_name", "template_code")
TENCENT_KEYS = ("secret_id", "secret_key", "sdk_app_id", "sign_name", "template_id")
_GATEWAY_KEY = "faircast_sms_gateway"


def _options(settings, prefix: str, names: tuple[str, ...]) -> dict[str, str]:
    values = {name: settings.provider(f"{prefix}_{name}") for name in names}
    missing = [f"FAIRCAST_{prefix.upper()}_{n.upper()}" for n, v in values.items() if not v]
    if missing:
        raise RuntimeError(f"SMS backend needs {', '.join(missing)}")
    return values


def build_gateway(settings):
    """The gateway the settings name; a RuntimeError names what is missing."""
    backend = settings.sms_backend
    if backend == "log":
        return LogGateway()
    if backend == "aliyun":
        return AliyunGateway(**_options(settings, "sms_aliyun", ALIYUN_KEYS))
    if backend == "tencent":
        options = _options(settings, "sms_tencent", TENCENT_KEYS)
        region = settings.provider("sms_tencent_region")
        return TencentGateway(**options, **({"region": region} if region else {}))
    raise RuntimeError(f"FAIRCAST_SMS_BACKEND must be one of {', '.join(BACKENDS)}")


def gateway():
    """This app's gateway, built once."""
    found = current_app.extensions.get(_GATEWAY_KEY)
    if found is None:
        found = current_app.extensions[_GATEWAY_KEY] = build_gateway(current_app.config["FAIRCAST"])
    return found


def send(mobile: str, text: str, params: dict[str, str] | None = None) -> None:
    """Send text to an 11-digit mobile number (params fill a real provider's template);
    SmsUnavailable when the provider cannot take it."""
    gateway().send(mobile, text, params or {"text": text})


def outbox(mobile: str | None = None) -> list[SmsMessage]:
    """Messages the `log` backend kept, oldest first (newest last), for one number or all."""
    query = select(SmsMessage).order_by(SmsMessage.id)
    if mobile is not None:
        query = query.where(SmsMessage.mobile == mobile)
    return list(db.session.scalars(query))
