"""Deals as the reports count them: contracts per job of a fair, by how far they got."""

from __future__ import annotations

from sqlalchemy import func, select

from app.contracts.models import COMPLETED_STATUSES, SIGNED_STATUSES, Contract, ContractStatus
from app.extensions import db

# The report's columns for deals, for a fair, a job and an employer.
DEAL_FIELDS = (
    "contracts_signed",
    "contracts_completed",
    "contracts_confirmed",
    "contracts_disputed",
)


def deal_counts(fair_id: str) -> dict[str, dict[str, float]]:
    """Per job of the fair: contracts signed, completed, confirmed, disputed, wages confirmed."""
    rows = db.session.execute(
        select(Contract.job_id, Contract.status, func.count(), func.sum(Contract.paid_amount))
        .where(Contract.fair_id == fair_id)
        .group_by(Contract.job_id, Contract.status)
    )
    counts: dict[str, dict[str, float]] = {}
    for job_id, status, n, paid in rows:
        figures = counts.setdefault(
            job_id,
            {"signed": 0, "completed": 0, "confirmed": 0, "disputed": 0, "wages_confirmed": 0.0},
        )
        if status in SIGNED_STATUSES:
            figures["signed"] += n
        if status in COMPLETED_STATUSES:
            figures["completed"] += n
        if status == ContractStatus.CONFIRMED:
            figures["confirmed"] += n
            figures["wages_confirmed"] += float(paid or 0)
        if status == ContractStatus.DISPUTED:
            figures["disputed"] += n
    return counts
