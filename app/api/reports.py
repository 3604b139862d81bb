"""Reports and follow-up over the API (private: never cached for anyone else)."""

from __future__ import annotations

from flask import Response, request

from app.api.auth import require_actor, require_personal_data
from app.api.registry import endpoint
from app.api.views import body, committed, reply, reply_many
from app.errors import NotFound
from app.extensions import db
from app.fairs import services as fairs
from app.jobs.models import Category, Job
from app.labels import export_wording
from app.reports import followup
from app.reports.dashboard import market_dashboard, resolve_filter
from app.reports.exports import report_csv, report_xlsx
from app.reports.schemas import (
    CandidateOut,
    Dashboard,
    DashboardIn,
    FairReport,
    FollowUpIn,
    FollowUpNoteOut,
)
from app.reports.services import fair_report
from app.schemas import parse
from app.validators import mask_mobile

PRIVATE = {"Cache-Control": "private, no-store", "Vary": "Cookie, Authorization"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report(fair_id: str) -> dict:
    user = require_actor()
    return fair_report(user, fairs.get_fair(user, fair_id))


def private(response):
    response.headers.update(PRIVATE)
    return response


@endpoint(
    "/fairs/{fair_id}/report",
    "GET",
    "reports",
    returns=FairReport,
    errors=(401, 403, 404),
)
def get_report(fair_id: str):
    """How the fair went (organisers; hosts: their employer)."""
    response, status = reply(FairReport.model_validate(_report(fair_id)))
    return private(response), status


@endpoint(
    "/fairs/{fair_id}/report.csv",
    "GET",
    "reports",
    errors=(401, 403, 404),
    content_type="text/csv",
)
def get_report_csv(fair_id: str):
    """The report's jobs table as CSV."""
    report = _report(fair_id)
    return private(
        Response(
            report_csv(report, export_wording(report["timezone"])),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="fair-{fair_id}-report.csv"'},
        )
    )


@endpoint(
    "/fairs/{fair_id}/report.xlsx",
    "GET",
    "reports",
    errors=(401, 403, 404),
    content_type=XLSX,
)
def get_report_xlsx(fair_id: str):
    """The report as an Excel workbook."""
    report = _report(fair_id)
    return private(
        Response(
            report_xlsx(report, export_wording(report["timezone"])),
            mimetype=XLSX,
            headers={"Content-Disposition": f'attachment; filename="fair-{fair_id}-report.xlsx"'},
        )
    )


def candidate_out(signup, masked: bool = False) -> CandidateOut:
    seeker = signup.seeker
    return CandidateOut(
        signup_id=signup.id,
        job_id=signup.job_id,
        name=seeker.name,
        mobile=mask_mobile(seeker.mobile) if masked else seeker.mobile,
        source=signup.source,
        signed_up_at=signup.created_at,
        withdrawn=signup.withdrawn_at is not None,
        status=signup.followup_status,
        notes=[FollowUpNoteOut.model_validate(n) for n in followup.notes_of(signup)],
    )


@endpoint(
    "/fairs/{fair_id}/jobs/{job_id}/candidates",
    "GET",
    "reports",
    returns=CandidateOut,
    many=True,
    errors=(401, 403, 404),
)
def get_candidates(fair_id: str, job_id: str):
    """Who signed up for a job, with contact details (the employer's hosts, organisers)."""
    user = require_personal_data()
    fair = fairs.get_fair(user, fair_id)
    job = db.session.get(Job, job_id)
    if job is None:
        raise NotFound("No such job.")
    response = reply_many([candidate_out(s) for s in followup.candidates(user, fair, job)])
    return private(response)


@endpoint(
    "/signups/{signup_id}",
    "PATCH",
    "reports",
    body=FollowUpIn,
    returns=CandidateOut,
    errors=(401, 403, 404, 422),
)
def patch_signup(signup_id: str):
    """Record a follow-up: the new status and a dated note."""
    user = require_actor(write=True)
    signup = followup.get_signup(user, signup_id)
    data = body(FollowUpIn)
    followup.record_followup(user, signup, data.status, data.note)
    committed(signup)
    response, status = reply(candidate_out(signup))
    return private(response), status


DASHBOARD_QUERY = {
    "from": {"type": "string", "format": "date", "description": "first day (default: 30 days ago)"},
    "to": {
        "type": "string",
        "format": "date",
        "description": "last day, inclusive (default: today)",
    },
    "category": {"type": "string", "enum": [c.value for c in Category]},
}


@endpoint(
    "/dashboard",
    "GET",
    "reports",
    returns=Dashboard,
    query=DASHBOARD_QUERY,
    errors=(401, 403, 422),
)
def get_dashboard():
    """Supply against demand across fairs, by day (organisers)."""
    user = fairs.require_organiser(require_actor())
    asked = {name: request.args[name] for name in DASHBOARD_QUERY if name in request.args}
    figures = market_dashboard(user, resolve_filter(parse(DashboardIn, asked)))
    response, status = reply(Dashboard.model_validate(figures))
    return private(response), status
