"""Contract pages: the host's offer form, the contract both parties read and sign on a phone,
the list of one's contracts (organisers: open disputes), and /verify for anyone."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from pydantic import ValidationError as PydanticError

from app.accounts.doors import current_actor
from app.announce import commit
from app.contracts import services
from app.contracts.models import Contract, ContractStatus, Party
from app.contracts.schemas import ContractIn, SignIn
from app.errors import DomainError, ValidationError
from app.extensions import db
from app.live.models import SignUp
from app.urls import settings

bp = Blueprint("contracts", __name__)


@bp.app_template_global("contracts_waiting")
def contracts_waiting() -> int:
    """The navigation's count of contracts waiting for the signed-in person."""
    return services.waiting_for(current_actor())


OFFER_FIELDS = ("starts_on", "ends_on", "pay_amount", "place", "shift")
TERM_FIELDS = ("hours", "payment_day", "payment_method", "extra")


def _fields(exc: PydanticError) -> dict[str, str]:
    return {".".join(str(p) for p in e["loc"]) or "form": e["msg"] for e in exc.errors()}


@bp.route("/contracts")
def index():
    """Your contracts (organisers: every contract, disputes first)."""
    actor = current_actor()
    if not actor.is_authenticated:
        return redirect(url_for("accounts.login_page", next=request.path))
    found = services.list_contracts(actor)
    commit()
    disputes = [c for c in found if c.status == ContractStatus.DISPUTED]
    return render_template(
        "contracts/index.html",
        contracts=found,
        disputes=disputes if actor.is_organiser else [],
        actor=actor,
    )


@bp.route("/contracts/new", methods=["GET", "POST"])
def new():
    """The host's offer: a contract for someone who signed up, prefilled from the job."""
    actor = current_actor()
    if not (actor.is_authenticated and actor.is_host):
        abort(403)
    signup = db.session.get(SignUp, request.args.get("signup_id", ""))
    if signup is None:
        abort(404)
    job = signup.job
    if job.employer_id != actor.employer_id:
        abort(404)
    today = services.today()
    values = {
        "starts_on": (today + timedelta(days=1)).isoformat(),
        "ends_on": (today + timedelta(days=1)).isoformat(),
        "pay_amount": f"{job.pay_min:g}",
        "place": job.district,
        "shift": job.shift or "",
    }
    errors, message = {}, None
    if request.method == "POST":
        values = {k: request.form.get(k, "").strip() for k in OFFER_FIELDS + TERM_FIELDS}
        try:
            data = ContractIn.model_validate(
                {
                    "job_id": job.id,
                    "signup_id": signup.id,
                    "pay_unit": job.pay_unit.value,
                    **{k: values[k] for k in OFFER_FIELDS},
                    "terms": {k: values[k] for k in TERM_FIELDS if values[k]},
                }
            )
            contract = services.offer_contract(actor, data, settings())
        except PydanticError as exc:
            errors, message = _fields(exc), _("Check the highlighted terms.")
        except DomainError as exc:
            db.session.rollback()
            errors, message = exc.fields, exc.message
        else:
            commit()
            return redirect(url_for("contracts.show", contract_id=contract.id))
    return render_template(
        "contracts/new.html",
        job=job,
        signup=signup,
        seeker=signup.seeker,
        values=values,
        errors=errors,
        message=message,
        min_wage=settings().min_wages().get(job.pay_unit.value),
    ), (422 if message else 200)


def _show(contract: Contract, message: str | None = None, status: int = 200):
    actor = current_actor()
    party = services.party_of(actor, contract)
    events, intact = services.evidence(contract)
    return render_template(
        "contracts/show.html",
        contract=contract,
        party=party,
        Party=Party,
        Status=ContractStatus,
        mine=contract.signature_of(party) if party else None,
        events=events if (actor.is_organiser or party) else [],
        show_ip=actor.is_organiser,
        trail_intact=intact,
        can_code=party == Party.WORKER,
        message=message,
        sent_code=request.args.get("code") == "sent",
    ), status


@bp.route("/contracts/<id:contract_id>")
def show(contract_id: str):
    """The contract as both parties read it: terms, parties, signatures, the PDF and its hash."""
    contract = services.get_contract(current_actor(), contract_id)
    commit()
    return _show(contract)


def _act(contract_id: str, action, after: str | None = None):
    """Run an action from a form on the contract page; errors show on the page."""
    actor = current_actor()
    try:
        action(actor)
    except PydanticError as exc:
        db.session.rollback()
        contract = services.get_contract(actor, contract_id)
        return _show(contract, "; ".join(_fields(exc).values()), 422)
    except DomainError as exc:
        db.session.commit()  # keep failed proofs, which slow further guesses
        contract = services.get_contract(actor, contract_id)
        return _show(contract, exc.message, exc.status)
    commit()
    target = url_for("contracts.show", contract_id=contract_id)
    return redirect(target + (after or ""))


@bp.route("/contracts/<id:contract_id>/send", methods=["POST"])
def send(contract_id: str):
    """Send the draft to the worker."""
    return _act(contract_id, lambda a: services.send_contract(a, contract_id, settings()))


@bp.route("/contracts/<id:contract_id>/cancel", methods=["POST"])
def cancel(contract_id: str):
    """Withdraw the offer."""
    return _act(contract_id, lambda a: services.cancel_contract(a, contract_id))


@bp.route("/contracts/<id:contract_id>/code", methods=["POST"])
def code(contract_id: str):
    """Text the worker a signing code."""
    return _act(contract_id, lambda a: services.send_sign_code(a, contract_id), "?code=sent#sign")


@bp.route("/contracts/<id:contract_id>/sign", methods=["POST"])
def sign(contract_id: str):
    """Sign after a fresh proof: the code just texted, or the password."""
    form = {k: request.form.get(k, "").strip() or None for k in ("code", "password", "sha256")}

    def run(actor):
        services.sign_contract(actor, contract_id, SignIn.model_validate(form), settings())

    return _act(contract_id, run)


@bp.route("/contracts/<id:contract_id>/complete", methods=["POST"])
def complete(contract_id: str):
    """Record the work done and the pay."""

    def run(actor):
        try:
            paid = float(request.form.get("paid_amount", ""))
        except ValueError:
            paid = -1.0
        if not 0 <= paid <= 100_000_000:
            raise ValidationError(_("Enter the amount paid in yuan."))
        services.complete_contract(actor, contract_id, paid)

    return _act(contract_id, run)


@bp.route("/contracts/<id:contract_id>/confirm", methods=["POST"])
def confirm(contract_id: str):
    """The worker confirms, or disputes with a note."""
    ok = request.form.get("ok") == "1"
    note = request.form.get("note", "").strip()[:2000] or None

    def run(actor):
        if not ok and not note:
            raise ValidationError(_("Say what is wrong before disputing."))
        services.confirm_contract(actor, contract_id, ok, note)

    return _act(contract_id, run)


@bp.route("/verify", methods=["GET", "POST"])
def verify():
    """Anyone checks a contract PDF: FairCast's signatures, who signed, and any change."""
    result, message, status = None, None, 200
    if request.method == "POST":
        upload = request.files.get("pdf")
        data = upload.read(services.MAX_PDF_BYTES + 1) if upload else b""
        if not data:
            message, status = _("Choose the PDF file to check."), 422
        else:
            try:
                result = services.verify_document(data, settings())
            except DomainError as exc:
                message, status = exc.message, exc.status
    return render_template(
        "contracts/verify.html",
        result=result,
        message=message,
        max_mb=services.MAX_PDF_BYTES // 2**20,
    ), status
