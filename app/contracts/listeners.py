"""Who hears that a contract moved: the worker gets a text message at each step that needs
them or concerns their pay (connected by the factory)."""

from __future__ import annotations

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from app.accounts.models import Seeker
from app.announce import commit
from app.contracts import services
from app.contracts.models import Contract
from app.extensions import db
from app.sms import SmsUnavailable, send
from app.urls import absolute_url

# Text messages go out in Chinese, whatever language the person acting reads.
SMS_LOCALE = "zh"


def _message(action: str, contract: Contract, link: str) -> str | None:
    employer = contract.parties["employer"]["name"]
    texts = {
        "sent": _(
            "[FairCast] %(employer)s offers you a contract for %(job)s. Read and sign: %(link)s",
            employer=employer,
            job=contract.job.title,
            link=link,
        ),
        "signed": _(
            "[FairCast] Your contract with %(employer)s is signed by both. Download: %(link)s",
            employer=employer,
            link=link,
        ),
        "completed": _(
            "[FairCast] %(employer)s recorded the work done and %(amount)s yuan paid. "
            "Confirm or dispute: %(link)s",
            employer=employer,
            amount=f"{contract.paid_amount or 0:g}",
            link=link,
        ),
        "cancelled": _("[FairCast] %(employer)s withdrew its contract offer.", employer=employer),
        "expired": _(
            "[FairCast] The contract offer from %(employer)s expired unsigned.", employer=employer
        ),
    }
    return texts.get(action)


def _tell_worker(contract_id, status, action) -> None:
    contract = db.session.get(Contract, contract_id)
    seeker = db.session.get(Seeker, contract.seeker_id) if contract else None
    if seeker is None or not seeker.mobile or seeker.deleted_at is not None:
        return
    link = absolute_url(url_for("contracts.show", contract_id=contract.id))
    with force_locale(SMS_LOCALE):
        text = _message(action, contract, link)
    if text is None:
        return
    try:
        send(seeker.mobile, text)
    except SmsUnavailable:
        return  # the contract page still shows where it stands
    commit()


def connect() -> None:
    """Tell the worker about each step of their contract."""
    services.contract_changed.connect(_tell_worker)
