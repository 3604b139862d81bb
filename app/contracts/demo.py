"""Demo contracts: the demo seeker, with a checked real name, signed up for a day-paid gig and
holds a contract offer from its employer, waiting for both signatures."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from sqlalchemy import select

from app.accounts.actor import Actor
from app.accounts.models import RealNameLevel, User
from app.announce import commit
from app.contracts import services
from app.contracts.models import Contract, ContractStatus
from app.contracts.schemas import ContractIn
from app.db import utcnow
from app.extensions import db
from app.fairs.models import Fair
from app.jobs.models import WorkType
from app.live import operations
from app.live.models import SignUp, SignUpSource
from app.urls import settings

DEMO_ID_NUMBER_MASKED = "350521********2316"


def seed_contracts(fair: Fair, seeker_user: User, host_user: User) -> dict[str, str]:
    """An offer from host_user's employer to the demo seeker (kept if one is open); its URLs."""
    seeker = seeker_user.seeker
    seeker.id_number_masked = seeker.id_number_masked or DEMO_ID_NUMBER_MASKED
    if seeker.real_name_level == RealNameLevel.NONE:
        seeker.real_name_level = RealNameLevel.ID_CHECKED
    seeker.mobile_verified_at = seeker.mobile_verified_at or utcnow()
    job = next(
        j
        for j in fair.jobs
        if j.employer_id == host_user.employer_id and j.work_type == WorkType.GIG
    )
    db.session.flush()
    signed_up = db.session.scalar(
        select(SignUp.id).where(SignUp.job_id == job.id, SignUp.seeker_id == seeker.id)
    )
    if signed_up is None:
        operations.sign_up(Actor.of(seeker_user), job.id, SignUpSource.PAGE, fair_id=fair.id)
    contract = db.session.scalar(
        select(Contract).where(
            Contract.job_id == job.id,
            Contract.seeker_id == seeker.id,
            Contract.status.in_((ContractStatus.DRAFT, ContractStatus.SENT)),
        )
    )
    if contract is None:
        today = services.today()
        host = Actor.of(host_user)
        data = ContractIn(
            job_id=job.id,
            seeker_id=seeker.id,
            starts_on=today + timedelta(days=1),
            ends_on=today + timedelta(days=3),
            pay_amount=job.pay_max,
            pay_unit=job.pay_unit,
            place=f"{job.district} {job.employer.name}",
            shift=job.shift or "白班",
        )
        contract = services.offer_contract(host, data, settings())
        services.send_contract(host, contract.id, settings())
    commit()  # the demo seeker is texted the offer, as a real one would be
    return {
        "Contract offer": url_for("contracts.show", contract_id=contract.id),
        "Contracts": url_for("contracts.index"),
        "Verify a contract": url_for("contracts.verify"),
        "Contracts CA (PEM)": url_for("api.get_contract_ca"),
    }
