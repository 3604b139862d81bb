"""Every contract rule: offering, sending, signing, completing, confirming, verifying.

Services take the acting person, flush rather than commit, and raise domain errors; the REST
views and the pages only parse, call and answer.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from app.accounts.actor import Actor
from app.accounts.codes import send_code, verify_code
from app.accounts.models import Seeker, User
from app.accounts.services import authenticate
from app.announce import Announcement, later
from app.config import DEFAULT_TIMEZONE, Settings
from app.contracts import authority, documents, signing
from app.contracts.models import (
    Contract,
    ContractEvent,
    ContractSignature,
    ContractStatus,
    Party,
)
from app.contracts.schemas import ContractIn, SignIn
from app.db import new_id, utcnow
from app.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
    ValidationError,
)
from app.extensions import db
from app.fairs.models import Fair
from app.jobs.models import Job, PayUnit, WorkType
from app.live.models import SignUp

# After the commit: a contract moved (notifications, pages).
contract_changed = Announcement("contract_changed")

# The longest a contract of each work type may run for, in days.
MAX_DAYS = {WorkType.GIG: 31, WorkType.PART_TIME: 366, WorkType.FULL_TIME: 366 * 5}
# How far ahead an offer may start.
MAX_START_DAYS = 180
PAY_UNIT_LABELS = {"hour": "小时", "day": "天", "month": "月", "piece": "件"}
DEFAULT_TERMS = {
    WorkType.GIG: {"payment_day": "每日收工后当日结清", "payment_method": "银行转账或电子支付"},
    WorkType.PART_TIME: {"payment_day": "每周五结算", "payment_method": "银行转账"},
    WorkType.FULL_TIME: {"payment_day": "每月15日发放上月工资", "payment_method": "银行转账"},
}
GENESIS = "0" * 64
# The largest PDF /verify reads: a signed contract is some tens of kilobytes.
MAX_PDF_BYTES = 1024 * 1024
# What a signing code proves (one-time codes are per purpose).
SIGN_PURPOSE = "contract_sign"


def today() -> date:
    return utcnow().astimezone(ZoneInfo(DEFAULT_TIMEZONE)).date()


# Who may do what ---------------------------------------------------------------------------


def _is_employer_host(actor: Actor, employer_id: str) -> bool:
    return actor.full_access and actor.is_host and actor.employer_id == employer_id


def party_of(actor: Actor, contract: Contract) -> Party | None:
    if _is_employer_host(actor, contract.employer_id):
        return Party.EMPLOYER
    if actor.seeker_id is not None and actor.seeker_id == contract.seeker_id:
        return Party.WORKER
    return None


def can_read(actor: Actor, contract: Contract) -> bool:
    """The parties and organisers read a contract (the worker once it is sent to them);
    nobody else learns it exists."""
    if actor.is_authenticated and actor.is_organiser:
        return True
    party = party_of(actor, contract)
    if party == Party.WORKER:
        return contract.status != ContractStatus.DRAFT
    return party is not None


def get_contract(actor: Actor, contract_id: str) -> Contract:
    """The contract if actor is a party or an organiser, else NotFound."""
    contract = db.session.get(Contract, contract_id)
    if contract is None or not can_read(actor, contract):
        raise NotFound(_("No such contract."))
    _expire_if_due(contract, utcnow())
    return contract


def list_contracts(actor: Actor, status: ContractStatus | None = None) -> list[Contract]:
    """The contracts actor may read: their own (a seeker, a host's employer) or all."""
    query = select(Contract).order_by(Contract.created_at.desc())
    if actor.is_authenticated and actor.is_organiser:
        pass
    elif actor.is_host and actor.employer_id:
        query = query.where(Contract.employer_id == actor.employer_id)
    elif actor.seeker_id:
        query = query.where(
            Contract.seeker_id == actor.seeker_id, Contract.status != ContractStatus.DRAFT
        )
    else:
        raise Unauthorized(_("Sign in to see your contracts."))
    if status is not None:
        query = query.where(Contract.status == status)
    contracts = list(db.session.scalars(query.limit(500)))
    now = utcnow()
    for contract in contracts:
        _expire_if_due(contract, now)
    return contracts


def _require_employer_host(actor: Actor, contract: Contract) -> None:
    if not _is_employer_host(actor, contract.employer_id):
        raise Forbidden(_("Only a host of the employer may do this."))


# The evidence trail ------------------------------------------------------------------------


def _event_hash(prev_hash: str, event: ContractEvent) -> str:
    body = json.dumps(
        {
            "contract": event.contract_id,
            "seq": event.seq,
            "action": event.action,
            "actor": event.actor,
            "ip": event.ip,
            "document_sha256": event.document_sha256,
            "detail": event.detail,
            "at": event.at.isoformat(),
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return documents.sha256(prev_hash + body)


def record_event(
    contract: Contract, action: str, who: str, ip: str | None, detail: dict | None = None
) -> ContractEvent:
    """One more link of the contract's evidence trail (what, who, from where, which bytes)."""
    last = db.session.scalars(
        select(ContractEvent)
        .where(ContractEvent.contract_id == contract.id)
        .order_by(ContractEvent.seq.desc())
        .limit(1)
    ).first()
    event = ContractEvent(
        contract_id=contract.id,
        seq=(last.seq + 1) if last else 1,
        action=action,
        actor=who[:120],
        ip=(ip or None) and ip[:45],
        document_sha256=contract.sha256,
        detail=detail or {},
        at=utcnow().replace(microsecond=0),
        prev_hash=last.hash if last else GENESIS,
    )
    event.hash = _event_hash(event.prev_hash, event)
    db.session.add(event)
    db.session.flush()
    return event


def waiting_for(actor: Actor) -> int:
    """How many contracts wait for this person to act: sign, send, record pay or confirm."""
    if not actor.is_authenticated:
        return 0
    if actor.is_host and actor.employer_id:
        mine = Contract.employer_id == actor.employer_id
        statuses = (ContractStatus.DRAFT, ContractStatus.SENT, ContractStatus.SIGNED)
    elif actor.seeker_id:
        mine = Contract.seeker_id == actor.seeker_id
        statuses = (ContractStatus.SENT, ContractStatus.COMPLETED)
    else:
        return 0
    party = Party.EMPLOYER if actor.is_host else Party.WORKER
    signed_by_me = select(ContractSignature.contract_id).where(ContractSignature.party == party)
    return db.session.scalar(
        select(func.count()).where(
            mine,
            Contract.status.in_(statuses),
            or_(Contract.status != ContractStatus.SENT, Contract.id.not_in(signed_by_me)),
        )
    )


def evidence(contract: Contract) -> tuple[list[ContractEvent], bool]:
    """The contract's trail and whether every link still matches the one before it."""
    events = list(
        db.session.scalars(
            select(ContractEvent)
            .where(ContractEvent.contract_id == contract.id)
            .order_by(ContractEvent.seq)
        )
    )
    previous, intact = GENESIS, True
    for n, event in enumerate(events, 1):
        if event.seq != n or event.prev_hash != previous:
            intact = False
        if _event_hash(event.prev_hash, event) != event.hash:
            intact = False
        previous = event.hash
    return events, intact


def _who(actor: Actor) -> str:
    if actor.user_id:
        return f"user:{actor.user_id} {actor.name or ''}".strip()
    return f"seeker:{actor.seeker_id}"


def _announce(contract: Contract, action: str) -> None:
    later(contract_changed, contract_id=contract.id, status=contract.status.value, action=action)


# Offering ----------------------------------------------------------------------------------


def _seeker_and_signup(actor: Actor, job: Job, data: ContractIn) -> tuple[Seeker, SignUp]:
    """The worker: someone who signed up for this job (a candidate of the employer)."""
    query = select(SignUp).where(SignUp.job_id == job.id, SignUp.withdrawn_at.is_(None))
    if data.signup_id:
        query = query.where(SignUp.id == data.signup_id)
    if data.seeker_id:
        query = query.where(SignUp.seeker_id == data.seeker_id)
    signup = db.session.scalars(query.order_by(SignUp.created_at.desc()).limit(1)).first()
    if signup is None:
        raise NotFound(
            _("No sign-up for this job by that person: offer contracts to candidates."),
            {"signup_id" if data.signup_id else "seeker_id": "not a candidate for this job"},
        )
    seeker = db.session.get(Seeker, signup.seeker_id)
    if seeker is None or seeker.deleted_at is not None:
        raise NotFound(_("No such person."))
    return seeker, signup


def _check_terms(settings: Settings, job: Job, data: ContractIn) -> None:
    """Terms stay within the job's limits and the law's (the district's minimum wage)."""
    errors = {}
    if data.pay_unit != job.pay_unit:
        errors["pay_unit"] = f"the job pays by {job.pay_unit.value}"
    elif not job.pay_min <= data.pay_amount <= job.pay_max:
        errors["pay_amount"] = f"between {job.pay_min:g} and {job.pay_max:g} as the job offers"
    minimum = settings.min_wages().get(data.pay_unit.value)
    if minimum is not None and data.pay_amount < minimum:
        errors["pay_amount"] = f"below the minimum wage of {minimum:g} per {data.pay_unit.value}"
    now = today()
    if data.starts_on < now:
        errors["starts_on"] = "in the past"
    elif data.starts_on > now + timedelta(days=MAX_START_DAYS):
        errors["starts_on"] = f"more than {MAX_START_DAYS} days ahead"
    if data.ends_on < data.starts_on:
        errors["ends_on"] = "before starts_on"
    elif (data.ends_on - data.starts_on).days + 1 > MAX_DAYS[job.work_type]:
        errors["ends_on"] = (
            f"a {job.work_type.value} contract runs at most {MAX_DAYS[job.work_type]} days"
        )
    if errors:
        raise ValidationError(_("These terms are outside what the job and the law allow."), errors)


def offer_contract(actor: Actor, data: ContractIn, settings: Settings) -> Contract:
    """A draft contract for a candidate of the job, from the template of its work type."""
    actor.require_full_access()
    job = db.session.get(Job, data.job_id)
    if job is None:
        raise NotFound(_("No such job."), {"job_id": "unknown"})
    if not _is_employer_host(actor, job.employer_id):
        raise Forbidden(_("Only a host of the job's employer offers its contracts."))
    seeker, signup = _seeker_and_signup(actor, job, data)
    _check_terms(settings, job, data)
    employer = job.employer
    if not employer.credit_code:
        raise Conflict(
            _("Add the employer's unified social credit code before offering contracts."),
            {"credit_code": "required"},
        )
    if not seeker.id_number_masked:
        raise Conflict(
            _("This person has not confirmed their real name and ID number yet."),
            {"seeker": "real name not checked"},
        )
    open_one = db.session.scalar(
        select(Contract.id).where(
            Contract.job_id == job.id,
            Contract.seeker_id == seeker.id,
            Contract.status.in_((ContractStatus.DRAFT, ContractStatus.SENT)),
        )
    )
    if open_one is not None:
        raise Conflict(
            _("An open offer to this person for this job exists already."), {"id": open_one}
        )
    parties = {
        "employer": {"name": employer.name, "credit_code": employer.credit_code},
        "worker": {"name": seeker.name, "id_number_masked": seeker.id_number_masked},
    }
    contract = Contract(
        id=new_id(),
        job_id=job.id,
        employer_id=employer.id,
        seeker_id=seeker.id,
        fair_id=signup.fair_id,
        signup_id=signup.id,
        created_by_id=actor.user_id,
        parties=parties,
        created_at=utcnow(),
    )
    _write_terms(contract, job, data, settings)
    _write_document(contract, job, settings)
    db.session.add(contract)
    db.session.flush()
    record_event(
        contract,
        "offered",
        _who(actor),
        actor.ip,
        {"template": contract.template, "template_version": contract.template_version},
    )
    _announce(contract, "offered")
    return contract


def _write_terms(contract: Contract, job: Job, data: ContractIn, settings: Settings) -> None:
    """The contract's terms from the offer, with the template's defaults for what is left out."""
    extra = data.terms or None
    contract.starts_on, contract.ends_on = data.starts_on, data.ends_on
    contract.pay_amount, contract.pay_unit = data.pay_amount, data.pay_unit.value
    contract.place, contract.shift = data.place, data.shift
    contract.terms = {
        "place": data.place,
        "shift": data.shift,
        "starts_on": data.starts_on.isoformat(),
        "ends_on": data.ends_on.isoformat(),
        "pay_amount": f"{data.pay_amount:g}",
        "pay_unit": data.pay_unit.value,
        "pay_unit_label": PAY_UNIT_LABELS[data.pay_unit.value],
        "hours": (extra and extra.hours) or data.shift,
        "payment_day": (extra and extra.payment_day) or DEFAULT_TERMS[job.work_type]["payment_day"],
        "payment_method": (extra and extra.payment_method)
        or DEFAULT_TERMS[job.work_type]["payment_method"],
        "extra": (extra and extra.extra) or "",
        "district": job.district,
        "benefits": "、".join(job.benefits or []),
        "headcount": job.headcount,
    }


def _write_document(contract: Contract, job: Job, settings: Settings) -> None:
    """The contract's text from the current template of its work type, and its unsigned PDF."""
    template = documents.load_template(settings, job.work_type.value)
    fair = db.session.get(Fair, contract.fair_id) if contract.fair_id else None
    contract.template, contract.template_version = template.name, template.version
    contract.text = documents.render_text(
        template,
        {
            "contract_id": contract.id,
            "employer": contract.parties["employer"],
            "worker": contract.parties["worker"],
            "job": {"title": job.title, "category": job.category.value},
            "fair_title": fair.title if fair else "",
            "terms": contract.terms,
        },
    )
    contract.document = documents.render_pdf(
        settings,
        contract.text,
        contract_id=contract.id,
        source_line=f"{fair.title if fair else ''} · {job.title}",
        content_sha256=documents.sha256(contract.text),
        created_at=contract.created_at or utcnow(),
    )
    contract.content_sha256 = contract.sha256 = documents.sha256(contract.document)


def revise_contract(actor: Actor, contract_id: str, changes: dict, settings: Settings) -> Contract:
    """Change a draft's terms (within the same limits as an offer); the PDF is made anew."""
    contract = get_contract(actor, contract_id)
    _require_employer_host(actor, contract)
    if contract.status != ContractStatus.DRAFT:
        raise Conflict(
            _("Only a draft can be changed; withdraw the offer and make a new one."),
            {"status": contract.status},
        )
    job = db.session.get(Job, contract.job_id)
    current = {
        "job_id": job.id,
        "signup_id": contract.signup_id,
        "starts_on": contract.starts_on,
        "ends_on": contract.ends_on,
        "pay_amount": contract.pay_amount,
        "pay_unit": contract.pay_unit,
        "place": contract.place,
        "shift": contract.shift,
        "terms": {
            k: contract.terms.get(k)
            for k in ("hours", "payment_day", "payment_method", "extra")
            if contract.terms.get(k)
        },
    }
    data = ContractIn.model_validate({**current, **changes})
    _check_terms(settings, job, data)
    before = contract.sha256
    _write_terms(contract, job, data, settings)
    _write_document(contract, job, settings)
    record_event(contract, "revised", _who(actor), actor.ip, {"previous_sha256": before})
    return contract


def send_contract(actor: Actor, contract_id: str, settings: Settings) -> Contract:
    """Send the draft to the worker: its terms are frozen and it waits for signatures."""
    contract = get_contract(actor, contract_id)
    _require_employer_host(actor, contract)
    now = utcnow()
    contract.send(now, now + timedelta(days=settings.offer_days))
    record_event(contract, "sent", _who(actor), actor.ip)
    _announce(contract, "sent")
    return contract


def cancel_contract(actor: Actor, contract_id: str) -> Contract:
    """Withdraw an offer nobody has finished signing (a draft or a sent contract)."""
    contract = get_contract(actor, contract_id)
    _require_employer_host(actor, contract)
    contract.cancel(utcnow())
    record_event(contract, "cancelled", _who(actor), actor.ip)
    _announce(contract, "cancelled")
    return contract


def _expire_if_due(contract: Contract, now: datetime) -> bool:
    if (
        contract.status == ContractStatus.SENT
        and contract.expires_at is not None
        and contract.expires_at <= now
    ):
        contract.expire(now)
        record_event(contract, "expired", "faircast", None)
        _announce(contract, "expired")
        return True
    return False


def expire_offers(now: datetime | None = None) -> int:
    """Expire every sent offer whose time to sign has run out; how many."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Contract).where(Contract.status == ContractStatus.SENT, Contract.expires_at <= now)
    )
    return sum(_expire_if_due(contract, now) for contract in due)


# Signing -----------------------------------------------------------------------------------


def _prove(actor: Actor, party: Party, proof: SignIn, contract: Contract) -> str:
    """Check the signer's fresh proof of identity; the name of the proof used."""
    if proof.password is not None:
        user = db.session.get(User, actor.user_id) if actor.user_id else None
        if user is None:
            raise Unauthorized(
                _("Sign with a code sent to your mobile."), {"password": "no password account"}
            )
        authenticate(user.username, proof.password, actor.ip or "")
        return "password"
    mobile = _mobile_of(party, contract)
    if mobile is None:
        raise ValidationError(
            _("There is no mobile number to check a code against; sign with your password."),
            {"code": "no mobile number"},
        )
    verify_code(mobile, SIGN_PURPOSE, proof.code)
    return "code"


def _mobile_of(party: Party, contract: Contract) -> str | None:
    """The verified number a signing code goes to: the worker's (hosts sign with a password)."""
    if party != Party.WORKER:
        return None
    seeker = db.session.get(Seeker, contract.seeker_id)
    return seeker.mobile if seeker is not None and seeker.mobile_verified_at else None


def send_sign_code(actor: Actor, contract_id: str) -> None:
    """Text the caller a one-time code that proves it is them signing this contract."""
    actor.require_full_access()
    contract = get_contract(actor, contract_id)
    party = party_of(actor, contract)
    if party is None:
        raise Forbidden(_("Only the parties sign a contract."))
    if contract.status != ContractStatus.SENT or contract.signature_of(party) is not None:
        raise Conflict(_("There is nothing for you to sign here."), {"status": contract.status})
    mobile = _mobile_of(party, contract)
    if mobile is None:
        raise ValidationError(
            _("There is no verified mobile number to text; sign with your password."),
            {"code": "no mobile number"},
        )
    send_code(mobile, SIGN_PURPOSE, ip=actor.ip or "", browser=actor.visitor_id)
    record_event(contract, "code_sent", _who(actor), actor.ip)


def sign_contract(actor: Actor, contract_id: str, proof: SignIn, settings: Settings) -> Contract:
    """The caller's PAdES signature on the document they were shown, after a fresh proof."""
    actor.require_full_access()
    contract = get_contract(actor, contract_id)
    party = party_of(actor, contract)
    if party is None:
        raise Forbidden(_("Only the parties sign a contract."))
    if contract.status != ContractStatus.SENT:
        raise Conflict(
            _("A contract that is %(status)s cannot be signed.", status=contract.status.value),
            {"status": contract.status},
        )
    if contract.signature_of(party) is not None:
        raise Conflict(_("You have signed this contract already."), {"party": party.value})
    if proof.sha256 is not None and proof.sha256 != contract.content_sha256:
        raise Conflict(
            _("The contract changed since you opened it; read it again before signing."),
            {"sha256": "not the contract's document"},
        )
    method = _prove(actor, party, proof, contract)
    now = utcnow()
    ca = authority.authority(settings)
    if party == Party.EMPLOYER:
        signer_name = f"{contract.parties['employer']['name']} {actor.name or ''}".strip()
        organisation = contract.parties["employer"]["name"]
    else:
        signer_name, organisation = contract.parties["worker"]["name"], None
    issued = authority.issue(ca, signer_name, organisation, now)
    before = contract.sha256
    contract.document = signing.sign_document(
        contract.document,
        ca,
        issued,
        party.value,
        reason="甲方签署" if party == Party.EMPLOYER else "乙方签署",
        location=settings.public_url,
        tsa_url=settings.tsa_url,
    )
    contract.sha256 = documents.sha256(contract.document)
    signature = ContractSignature(
        contract=contract,
        party=party,
        signer_name=signer_name,
        user_id=actor.user_id,
        seeker_id=actor.seeker_id if party == Party.WORKER else None,
        proof=method,
        certificate_serial=issued.serial,
        signed_sha256=contract.sha256,
        ip=actor.ip,
        timestamped=bool(settings.tsa_url),
        signed_at=now,
    )
    db.session.add(signature)
    db.session.flush()
    record_event(
        contract,
        f"signed_{party.value}",
        _who(actor),
        actor.ip,
        {"proof": method, "seen_sha256": before, "certificate": issued.serial},
    )
    if all(contract.signature_of(p) for p in Party):
        contract.all_signed(now)
        record_event(contract, "signed", "faircast", None)
    _announce(contract, "signed" if contract.status == ContractStatus.SIGNED else "signed_one")
    return contract


# After the work ----------------------------------------------------------------------------


def complete_contract(actor: Actor, contract_id: str, paid_amount: float) -> Contract:
    """The employer records the work done and the amount paid."""
    contract = get_contract(actor, contract_id)
    _require_employer_host(actor, contract)
    contract.complete(utcnow(), paid_amount)
    record_event(contract, "completed", _who(actor), actor.ip, {"paid_amount": paid_amount})
    _announce(contract, "completed")
    return contract


def confirm_contract(actor: Actor, contract_id: str, ok: bool, note: str | None) -> Contract:
    """The worker confirms the work and pay, or disputes them with a note."""
    actor.require_full_access()
    contract = get_contract(actor, contract_id)
    if party_of(actor, contract) != Party.WORKER:
        raise Forbidden(_("Only the worker confirms or disputes a contract."))
    contract.close(utcnow(), ok, (note or "").strip() or None)
    record_event(contract, "confirmed" if ok else "disputed", _who(actor), actor.ip, {"note": note})
    _announce(contract, "confirmed" if ok else "disputed")
    return contract


# Verifying ---------------------------------------------------------------------------------


def verify_document(data: bytes, settings: Settings) -> dict:
    """Whether these bytes are a contract FairCast signed, by whom and when, and unchanged."""
    digest = documents.sha256(data)
    if len(data) > MAX_PDF_BYTES:
        raise PayloadTooLarge(
            _("That file is too large to be a FairCast contract."), {"pdf": "too large"}
        )
    if not data.startswith(b"%PDF-"):
        raise ValidationError(_("That is not a PDF file."), {"pdf": "not a PDF"})
    try:
        checks = signing.check_signatures(data, authority.authority(settings))
    except ValueError:
        raise ValidationError(_("The PDF could not be read."), {"pdf": "unreadable"}) from None
    contract = db.session.scalars(
        select(Contract)
        .outerjoin(ContractSignature)
        .where(or_(Contract.sha256 == digest, ContractSignature.signed_sha256 == digest))
        .limit(1)
    ).first()
    parties = {signing.field_name(p.value): p.value for p in Party}
    valid = (
        bool(checks)
        and all(c.valid for c in checks)
        and checks[-1].covers_whole_file
        and contract is not None
    )
    if valid:
        message = _("FairCast signed this contract and not a byte has changed since.")
    elif checks and all(c.valid for c in checks) and checks[-1].covers_whole_file:
        message = _(
            "FairCast's signatures are intact, but these bytes are not the document FairCast "
            "stored: something outside the signed bytes was changed."
        )
    elif checks and not all(c.intact for c in checks):
        message = _("This document was changed after it was signed.")
    elif checks and not checks[-1].covers_whole_file:
        message = _("Something was added to this document after its last signature.")
    elif checks:
        message = _("The signatures are not FairCast's.")
    else:
        message = _("This PDF carries no signature.")
    return {
        "valid": valid,
        "unchanged": contract is not None,
        "contract_id": contract.id if contract is not None else None,
        "sha256": digest,
        "message": message,
        "signatures": [
            {
                "party": parties.get(c.field),
                "field": c.field,
                "signer": c.signer,
                "signed_at": c.signed_at,
                "intact": c.intact,
                "trusted": c.trusted,
                "covers_whole_file": c.covers_whole_file,
            }
            for c in checks
        ],
    }


def contract_out(contract: Contract, pdf_url: str) -> dict:
    """The API's view of a contract."""
    return {
        "id": contract.id,
        "status": contract.status,
        "job_id": contract.job_id,
        "fair_id": contract.fair_id,
        "template": contract.template,
        "template_version": contract.template_version,
        "terms": contract.terms,
        "parties": contract.parties,
        "signatures": [
            {
                "party": s.party,
                "signer": s.signer_name,
                "signed_at": s.signed_at,
                "timestamped": s.timestamped,
            }
            for s in contract.signatures
        ],
        "sha256": contract.sha256,
        "content_sha256": contract.content_sha256,
        "pdf_url": pdf_url,
        "created_at": contract.created_at,
        "sent_at": contract.sent_at,
        "expires_at": contract.expires_at,
        "signed_at": contract.signed_at,
        "completed_at": contract.completed_at,
        "paid_amount": contract.paid_amount,
        "worker_note": contract.worker_note,
    }


def pay_units() -> list[str]:
    return [unit.value for unit in PayUnit]
