"""Contracts, their signatures and their hash-chained evidence trail."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import IdColumn, UTCDateTime, enum_type, new_id, utcnow
from app.errors import IllegalTransition
from app.extensions import db


class ContractStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    SIGNED = "signed"
    COMPLETED = "completed"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


CONTRACT_TRANSITIONS: dict[ContractStatus, set[ContractStatus]] = {
    ContractStatus.DRAFT: {ContractStatus.SENT, ContractStatus.CANCELLED},
    ContractStatus.SENT: {ContractStatus.SIGNED, ContractStatus.CANCELLED, ContractStatus.EXPIRED},
    ContractStatus.SIGNED: {ContractStatus.COMPLETED},
    ContractStatus.COMPLETED: {ContractStatus.CONFIRMED, ContractStatus.DISPUTED},
    ContractStatus.CONFIRMED: set(),
    ContractStatus.DISPUTED: set(),
    ContractStatus.CANCELLED: set(),
    ContractStatus.EXPIRED: set(),
}

# Statuses the report counts as a deal signed (both parties signed, whatever came after).
SIGNED_STATUSES = (
    ContractStatus.SIGNED,
    ContractStatus.COMPLETED,
    ContractStatus.CONFIRMED,
    ContractStatus.DISPUTED,
)
COMPLETED_STATUSES = (ContractStatus.COMPLETED, ContractStatus.CONFIRMED, ContractStatus.DISPUTED)


class Party(StrEnum):
    EMPLOYER = "employer"
    WORKER = "worker"


class Contract(db.Model):
    """An offer of work as a document both parties sign: its terms are frozen once sent."""

    __tablename__ = "contracts"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"), index=True)
    employer_id: Mapped[str] = mapped_column(ForeignKey("employers.id"), index=True)
    seeker_id: Mapped[str] = mapped_column(ForeignKey("seekers.id"), index=True)
    fair_id: Mapped[str | None] = mapped_column(
        ForeignKey("fairs.id", ondelete="SET NULL"), index=True
    )
    signup_id: Mapped[str | None] = mapped_column(ForeignKey("signups.id", ondelete="SET NULL"))
    created_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    status: Mapped[ContractStatus] = mapped_column(
        enum_type(ContractStatus), default=ContractStatus.DRAFT
    )
    # The template (by work type) and the exact version of its file the text came from.
    template: Mapped[str] = mapped_column(String(32))
    template_version: Mapped[str] = mapped_column(String(64))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    pay_amount: Mapped[float] = mapped_column(Numeric(10, 2, asdecimal=False))
    pay_unit: Mapped[str] = mapped_column(String(16))
    place: Mapped[str] = mapped_column(String(200))
    shift: Mapped[str] = mapped_column(String(100))
    # The rest of the terms (hours, payment day and method, extra terms).
    terms: Mapped[dict] = mapped_column(JSON, default=dict)
    # Who the parties were when the offer was made (names, codes, masked ID number).
    parties: Mapped[dict] = mapped_column(JSON, default=dict)
    # The contract's text as rendered from the template, and the PDF as it stands now.
    text: Mapped[str] = mapped_column(Text)
    document: Mapped[bytes] = mapped_column(LargeBinary)
    # The unsigned PDF both parties are shown, and the document as it is now.
    content_sha256: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_amount: Mapped[float | None] = mapped_column(Numeric(12, 2, asdecimal=False))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    worker_note: Mapped[str | None] = mapped_column(Text)

    job = relationship("Job")
    employer = relationship("Employer")
    seeker = relationship("Seeker")
    fair = relationship("Fair")
    signatures: Mapped[list[ContractSignature]] = relationship(
        back_populates="contract", order_by="ContractSignature.signed_at"
    )

    def move_to(self, target: ContractStatus) -> None:
        if target not in CONTRACT_TRANSITIONS[self.status]:
            raise IllegalTransition(
                _(
                    "A contract that is %(status)s cannot become %(target)s.",
                    status=self.status.value,
                    target=target.value,
                ),
                {"status": f"not allowed from {self.status.value}"},
            )
        self.status = target

    def send(self, now: datetime, expires_at: datetime) -> None:
        self.move_to(ContractStatus.SENT)
        self.sent_at, self.expires_at = now, expires_at

    def cancel(self, now: datetime) -> None:
        self.move_to(ContractStatus.CANCELLED)
        self.closed_at = now

    def expire(self, now: datetime) -> None:
        self.move_to(ContractStatus.EXPIRED)
        self.closed_at = now

    def all_signed(self, now: datetime) -> None:
        self.move_to(ContractStatus.SIGNED)
        self.signed_at = now

    def complete(self, now: datetime, paid_amount: float) -> None:
        self.move_to(ContractStatus.COMPLETED)
        self.completed_at, self.paid_amount = now, paid_amount

    def close(self, now: datetime, ok: bool, note: str | None) -> None:
        self.move_to(ContractStatus.CONFIRMED if ok else ContractStatus.DISPUTED)
        self.closed_at, self.worker_note = now, note

    def signature_of(self, party: Party) -> ContractSignature | None:
        return next((s for s in self.signatures if s.party == party), None)


class ContractSignature(db.Model):
    """One party's signature: who signed, when, with which certificate, over which bytes."""

    __tablename__ = "contract_signatures"
    __table_args__ = (UniqueConstraint("contract_id", "party", name="uq_contract_party"),)

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    contract_id: Mapped[str] = mapped_column(
        ForeignKey("contracts.id", ondelete="CASCADE"), index=True
    )
    party: Mapped[Party] = mapped_column(enum_type(Party))
    signer_name: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    seeker_id: Mapped[str | None] = mapped_column(ForeignKey("seekers.id"))
    # How the signer proved who they were just before signing: password or code.
    proof: Mapped[str] = mapped_column(String(16))
    certificate_serial: Mapped[str] = mapped_column(String(64))
    signed_sha256: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(45))
    timestamped: Mapped[bool] = mapped_column(default=False)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contract: Mapped[Contract] = relationship(back_populates="signatures")


class ContractEvent(db.Model):
    """One step of a contract's evidence trail; each entry's hash covers the one before, so
    removing or changing a step breaks the chain."""

    __tablename__ = "contract_events"
    __table_args__ = (UniqueConstraint("contract_id", "seq", name="uq_contract_event_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(120))
    ip: Mapped[str | None] = mapped_column(String(45))
    # The document's hash at this step: what the person saw or produced.
    document_sha256: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
