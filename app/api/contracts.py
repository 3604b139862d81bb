"""REST endpoints for electronic contracts: offer, send, sign, complete, confirm, verify."""

from __future__ import annotations

from flask import Response, jsonify, request, url_for

from app.api.auth import actor, require_actor
from app.api.registry import endpoint
from app.api.views import body, committed, reply, reply_many
from app.contracts import authority
from app.contracts import services as contracts
from app.contracts.models import Contract, ContractStatus
from app.contracts.schemas import (
    CompleteIn,
    ConfirmIn,
    ContractIn,
    ContractOut,
    ContractPatch,
    SignIn,
    TrailOut,
    VerifyOut,
)
from app.errors import DomainError, ValidationError
from app.extensions import db
from app.urls import absolute_url, settings

TAG = "contracts"
# The upload's body: the PDF and the multipart framing around it.
MAX_VERIFY_BYTES = contracts.MAX_PDF_BYTES + 64 * 1024
PDF_MIMETYPE = "application/pdf"
CA_MIMETYPE = "application/x-pem-file"
STATUS_QUERY = {"status": {"type": "string", "enum": [s.value for s in ContractStatus]}}


def contract_out(contract: Contract) -> ContractOut:
    pdf_url = absolute_url(url_for("api.get_contract_pdf", contract_id=contract.id))
    return ContractOut.model_validate(contracts.contract_out(contract, pdf_url))


@endpoint(
    "/contracts",
    "POST",
    TAG,
    body=ContractIn,
    returns=ContractOut,
    status=201,
    errors=(401, 403, 404, 409, 422),
)
def post_contract():
    """Offer a candidate a contract for a job (a draft, from the job's work-type template)."""
    caller = require_actor(write=True)
    data = body(ContractIn)
    contract = committed(contracts.offer_contract(caller, data, settings()))
    return reply(contract_out(contract), 201)


@endpoint("/contracts", "GET", TAG, returns=ContractOut, many=True, query=STATUS_QUERY)
def get_contracts():
    """The contracts you are a party to (organisers: all)."""
    caller = require_actor()
    raw = request.args.get("status")
    try:
        status = ContractStatus(raw) if raw else None
    except ValueError:
        raise ValidationError("Unknown status.", {"status": "not a contract status"}) from None
    found = committed(contracts.list_contracts(caller, status))
    return reply_many([contract_out(c) for c in found])


@endpoint("/contracts/{contract_id}", "GET", TAG, returns=ContractOut, errors=(401, 404))
def get_contract(contract_id: str):
    """One contract: its terms, parties, signatures and the document's SHA-256."""
    contract = committed(contracts.get_contract(actor(), contract_id))
    return reply(contract_out(contract))


@endpoint(
    "/contracts/{contract_id}",
    "PATCH",
    TAG,
    body=ContractPatch,
    returns=ContractOut,
    errors=(401, 403, 404, 409, 422),
)
def patch_contract(contract_id: str):
    """Change a draft's terms within the job's limits (the PDF is made anew)."""
    caller = require_actor(write=True)
    changes = body(ContractPatch).model_dump(exclude_unset=True, exclude_none=True)
    contract = contracts.revise_contract(caller, contract_id, changes, settings())
    return reply(contract_out(committed(contract)))


@endpoint(
    "/contracts/{contract_id}/pdf",
    "GET",
    TAG,
    errors=(401, 404),
    content_type=PDF_MIMETYPE,
)
def get_contract_pdf(contract_id: str):
    """The contract's PDF as it stands (signed by whoever has signed so far)."""
    contract = committed(contracts.get_contract(actor(), contract_id))
    response = Response(contract.document, mimetype=PDF_MIMETYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="contract-{contract.id}.pdf"'
    response.headers["X-Content-SHA256"] = contract.sha256
    response.headers["Cache-Control"] = "private, no-store"
    return response


@endpoint("/contracts/{contract_id}/evidence", "GET", TAG, returns=TrailOut, errors=(401, 404))
def get_contract_evidence(contract_id: str):
    """The contract's evidence trail, and whether its hash chain is intact."""
    caller = require_actor()
    contract = contracts.get_contract(caller, contract_id)
    events, intact = contracts.evidence(contract)
    trail = TrailOut.model_validate({"intact": intact, "events": events})
    if not caller.is_organiser:
        # Where each party signed from is for organisers handling a dispute, not the other side.
        for event in trail.events:
            event.ip = None
    return reply(trail)


@endpoint(
    "/contracts/{contract_id}/send", "POST", TAG, returns=ContractOut, errors=(401, 403, 404, 409)
)
def post_contract_send(contract_id: str):
    """Send the draft to the worker to sign (its terms can no longer change)."""
    caller = require_actor(write=True)
    return reply(contract_out(committed(contracts.send_contract(caller, contract_id, settings()))))


@endpoint(
    "/contracts/{contract_id}/cancel",
    "POST",
    TAG,
    returns=ContractOut,
    errors=(401, 403, 404, 409),
)
def post_contract_cancel(contract_id: str):
    """Withdraw a draft or an offer not yet signed by both."""
    caller = require_actor(write=True)
    return reply(contract_out(committed(contracts.cancel_contract(caller, contract_id))))


@endpoint(
    "/contracts/{contract_id}/code",
    "POST",
    TAG,
    status=202,
    errors=(401, 403, 404, 409, 422, 429),
)
def post_contract_code(contract_id: str):
    """Text the caller a one-time code to sign this contract with."""
    caller = require_actor(write=True)
    try:
        contracts.send_sign_code(caller, contract_id)
    except DomainError:
        db.session.commit()  # keep what the rate limits count
        raise
    committed(None)
    return jsonify({"sent": True}), 202


@endpoint(
    "/contracts/{contract_id}/sign",
    "POST",
    TAG,
    body=SignIn,
    returns=ContractOut,
    errors=(401, 403, 404, 409, 422, 429, 503),
)
def post_contract_sign(contract_id: str):
    """Sign after a fresh proof of who you are ({code} from SMS, or {password})."""
    caller = require_actor(write=True)
    data = body(SignIn)
    try:
        contract = contracts.sign_contract(caller, contract_id, data, settings())
    except DomainError:
        db.session.commit()  # keep the failed proof that slows further guesses
        raise
    return reply(contract_out(committed(contract)))


@endpoint(
    "/contracts/{contract_id}/complete",
    "POST",
    TAG,
    body=CompleteIn,
    returns=ContractOut,
    errors=(401, 403, 404, 409, 422),
)
def post_contract_complete(contract_id: str):
    """Record that the work is done and the amount paid (the employer's host)."""
    caller = require_actor(write=True)
    data = body(CompleteIn)
    return reply(
        contract_out(committed(contracts.complete_contract(caller, contract_id, data.paid_amount)))
    )


@endpoint(
    "/contracts/{contract_id}/confirm",
    "POST",
    TAG,
    body=ConfirmIn,
    returns=ContractOut,
    errors=(401, 403, 404, 409, 422),
)
def post_contract_confirm(contract_id: str):
    """Confirm the work and pay ({ok: true}) or dispute them with a note (the worker)."""
    caller = require_actor(write=True)
    data = body(ConfirmIn)
    contract = contracts.confirm_contract(caller, contract_id, data.ok, data.note)
    return reply(contract_out(committed(contract)))


@endpoint(
    "/contracts/verify",
    "POST",
    TAG,
    returns=VerifyOut,
    auth=False,
    session=False,
    errors=(400, 413, 422),
    upload_field="pdf",
    max_bytes=MAX_VERIFY_BYTES,
)
def post_contract_verify():
    """Check a PDF: did FairCast sign it, who signed it and when, has any byte changed."""
    upload = request.files.get("pdf")
    if upload is None:
        raise ValidationError("Choose the PDF file to check.", {"pdf": "required"})
    data = upload.read(contracts.MAX_PDF_BYTES + 1)
    if not data:
        raise ValidationError("The file is empty.", {"pdf": "empty"})
    return reply(VerifyOut.model_validate(contracts.verify_document(data, settings())))


@endpoint("/contracts/ca.pem", "GET", TAG, auth=False, content_type=CA_MIMETYPE)
def get_contract_ca():
    """FairCast's contract-signing CA certificate: the trust root to validate signatures."""
    pem = authority.authority(settings()).pem
    response = Response(pem, mimetype=CA_MIMETYPE)
    response.headers["Content-Disposition"] = 'inline; filename="faircast-contracts-ca.pem"'
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
