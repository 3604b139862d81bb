"""What the contract API takes and gives."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field, model_validator

from app.contracts.models import ContractStatus, Party
from app.jobs.models import PayUnit
from app.schemas import Input, Output


class TermsIn(Input):
    """Terms beyond the core fields; each has a default from the job or the template."""

    hours: str | None = Field(None, max_length=100)
    payment_day: str | None = Field(None, max_length=100)
    payment_method: str | None = Field(None, max_length=100)
    extra: str | None = Field(None, max_length=2000)


class ContractIn(Input):
    job_id: str = Field(max_length=32)
    seeker_id: str | None = Field(None, max_length=32)
    signup_id: str | None = Field(None, max_length=32)
    starts_on: date
    ends_on: date
    pay_amount: float = Field(gt=0, le=10_000_000)
    pay_unit: PayUnit
    place: str = Field(min_length=1, max_length=200)
    shift: str = Field(min_length=1, max_length=100)
    terms: TermsIn | None = None

    @model_validator(mode="after")
    def _one_person(self) -> ContractIn:
        if not (self.seeker_id or self.signup_id):
            raise ValueError("give seeker_id or signup_id")
        return self


class ContractPatch(Input):
    """A draft's terms to change; what is left out stays as it is."""

    starts_on: date | None = None
    ends_on: date | None = None
    pay_amount: float | None = Field(None, gt=0, le=10_000_000)
    place: str | None = Field(None, min_length=1, max_length=200)
    shift: str | None = Field(None, min_length=1, max_length=100)
    terms: TermsIn | None = None


class SignIn(Input):
    code: str | None = Field(None, min_length=4, max_length=8)
    password: str | None = Field(None, min_length=1, max_length=200)
    # The SHA-256 of the document the signer was shown: refused if it is not the contract's.
    sha256: str | None = Field(None, min_length=64, max_length=64)

    @model_validator(mode="after")
    def _one_proof(self) -> SignIn:
        if bool(self.code) == bool(self.password):
            raise ValueError("give either code or password")
        return self


class CompleteIn(Input):
    paid_amount: float = Field(ge=0, le=100_000_000)


class ConfirmIn(Input):
    ok: bool
    note: str | None = Field(None, max_length=2000)

    @model_validator(mode="after")
    def _note_for_dispute(self) -> ConfirmIn:
        if not self.ok and not (self.note and self.note.strip()):
            raise ValueError("say what is wrong in note")
        return self


class SignatureOut(Output):
    party: Party
    signer: str
    signed_at: datetime
    timestamped: bool


class EmployerParty(Output):
    name: str
    credit_code: str


class WorkerParty(Output):
    name: str
    id_number_masked: str


class PartiesOut(Output):
    employer: EmployerParty
    worker: WorkerParty


class ContractOut(Output):
    id: str
    status: ContractStatus
    job_id: str
    fair_id: str | None
    template: str
    template_version: str
    terms: dict
    parties: PartiesOut
    signatures: list[SignatureOut]
    sha256: str
    content_sha256: str
    pdf_url: str
    created_at: datetime
    sent_at: datetime | None
    expires_at: datetime | None
    signed_at: datetime | None
    completed_at: datetime | None
    paid_amount: float | None
    worker_note: str | None


class CheckOut(Output):
    party: str | None
    field: str
    signer: str
    signed_at: datetime | None
    intact: bool
    trusted: bool
    covers_whole_file: bool


class VerifyOut(Output):
    valid: bool
    unchanged: bool
    contract_id: str | None = None
    sha256: str
    signatures: list[CheckOut]
    message: str


class EventOut(Output):
    seq: int
    action: str
    actor: str
    ip: str | None
    document_sha256: str
    at: datetime
    hash: str


class TrailOut(Output):
    intact: bool
    events: list[EventOut]
