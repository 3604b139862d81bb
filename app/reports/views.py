"""Report pages: a fair's report (organisers, and hosts for their part), hosts' follow-up of the
people who signed up, and the organisers' dashboard across fairs. All private to the reader."""

from __future__ import annotations

from datetime import datetime
from functools import wraps

from flask import Blueprint, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required

from app.accounts.doors import current_actor
from app.announce import commit
from app.errors import DomainError, NotFound
from app.extensions import db
from app.fairs import services as fairs
from app.jobs.models import Category, Job
from app.labels import label
from app.live.models import SIGN_UP_SOURCES, FollowUpStatus, SignUpSource
from app.reports import followup
from app.reports.dashboard import (
    DashboardFilter,
    default_filter,
    market_dashboard,
    resolve_filter,
)
from app.reports.schemas import DashboardIn, FollowUpIn
from app.reports.services import fair_report, reportable_fairs
from app.schemas import parse

bp = Blueprint("reports", __name__)

# Pages with people's figures and contact details: never kept by a shared cache or the browser.
PRIVATE_HEADERS = {"Cache-Control": "private, no-store", "Vary": "Cookie"}


def private(view):
    """Send the page with headers that keep it out of shared caches and the browser's cache."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers.update(PRIVATE_HEADERS)
        return response

    return wrapper


@bp.app_template_filter("from_iso")
def from_iso(value: str | None) -> datetime | None:
    """An ISO 8601 time from a report back into a datetime (for local_time)."""
    return datetime.fromisoformat(value) if value else None


@bp.app_template_filter("duration")
def duration(seconds: float) -> str:
    """Watch time as people read it: 3 h 05 min, 12 min 30 s."""
    seconds = int(round(seconds or 0))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return _("%(h)d h %(m)02d min", h=hours, m=minutes)
    if minutes:
        return _("%(m)d min %(s)02d s", m=minutes, s=secs)
    return _("%(s)d s", s=secs)


def source_labels() -> dict[str, str]:
    """How each sign-up source is named on the pages."""
    return {
        SignUpSource.LIVE.value: _("Live stream"),
        SignUpSource.REPLAY.value: _("Replay"),
        SignUpSource.PAGE.value: _("Fair page"),
        SignUpSource.ONSITE.value: _("On site"),
        SignUpSource.NOTIFICATION.value: _("From a notification"),
    }


def status_labels() -> dict[str, str]:
    """How each follow-up status is named on the pages."""
    return {
        FollowUpStatus.NEW.value: _("New"),
        FollowUpStatus.CONTACTED.value: _("Contacted"),
        FollowUpStatus.INTERVIEWED.value: _("Interviewed"),
        FollowUpStatus.INTENT_REACHED.value: _("Intent reached"),
        FollowUpStatus.HIRED.value: _("Hired"),
        FollowUpStatus.DECLINED.value: _("Declined"),
    }


def _chart_strings() -> dict:
    return {
        "sources": source_labels(),
        "viewers": _("Watching"),
        "no_viewers": _("Nobody has watched this session yet."),
        "card": _("Card pushed"),
        "signups": _("Sign-ups"),
        "funnel": [
            _("Viewers"),
            _("Watched while a card was shown"),
            _("Of them, signed up"),
            _("Of them, reached an intent"),
            _("Of them, hired"),
        ],
        "positions": _("Positions"),
        "headcount": _("Openings"),
        "intents": _("Intents reached"),
        "pay_range": _("Pay range"),
        "average_range": _("Average range"),
        "units": {unit: label(unit) for unit in ("hour", "day", "month", "piece")},
        "categories": {c.value: label(c) for c in Category},
    }


@bp.route("/reports")
@login_required
@private
def index():
    """The fairs whose report (and follow-up) the signed-in organiser or host may open."""
    return render_template("reports/index.html", fairs=reportable_fairs(current_actor()))


def _report_page(fair_id: str, printable: bool):
    actor = current_actor()
    fair = fairs.get_fair(actor, fair_id)
    report = fair_report(actor, fair)
    return render_template(
        "reports/report.html",
        fair=fair,
        report=report,
        printable=printable,
        sources=SIGN_UP_SOURCES,
        source_labels=source_labels(),
        chart_data={
            "report": report,
            "locale": _chart_locale(),
            "timezone": fair.timezone,
            "printable": printable,
            "strings": _chart_strings(),
        },
    )


def _chart_locale() -> str:
    """The page's language as a BCP 47 tag, for dates and numbers drawn in the charts."""
    return "zh-CN" if str(get_locale()) == "zh" else "en"


@bp.route("/fairs/<id:fair_id>/report")
@login_required
@private
def fair_report_page(fair_id: str):
    """How the fair went: key figures, charts and tables, with the exports."""
    return _report_page(fair_id, printable=False)


@bp.route("/fairs/<id:fair_id>/report/print")
@login_required
@private
def fair_report_print(fair_id: str):
    """The report laid out for paper, its charts turned into images."""
    return _report_page(fair_id, printable=True)


@bp.route("/fairs/<id:fair_id>/followup")
@login_required
@private
def followup_jobs(fair_id: str):
    """The fair's jobs the reader follows up, with how many signed up for each."""
    actor = current_actor()
    fair = fairs.get_fair(actor, fair_id)
    report = fair_report(actor, fair)
    return render_template("reports/followup_jobs.html", fair=fair, report=report)


@bp.route("/fairs/<id:fair_id>/jobs/<id:job_id>/followup")
@login_required
@private
def followup_job(fair_id: str, job_id: str):
    """Who signed up for a job, with their contact details and the follow-up so far."""
    actor = current_actor()
    fair = fairs.get_fair(actor, fair_id)
    job = db.session.get(Job, job_id)
    if job is None:
        raise NotFound("No such job.")
    signups = followup.candidates(actor, fair, job)
    return render_template(
        "reports/followup.html",
        fair=fair,
        job=job,
        signups=signups,
        notes={s.id: followup.notes_of(s) for s in signups},
        statuses=list(FollowUpStatus),
        status_labels=status_labels(),
        source_labels=source_labels(),
        error=request.args.get("error"),
    )


@bp.route("/signups/<id:signup_id>/followup", methods=["POST"])
@login_required
def record_followup(signup_id: str):
    """Move a sign-up's follow-up on, with a dated note."""
    actor = current_actor()
    signup = followup.get_signup(actor, signup_id)
    back = url_for("reports.followup_job", fair_id=signup.fair_id, job_id=signup.job_id)
    try:
        data = parse(
            FollowUpIn,
            {"status": request.form.get("status", ""), "note": request.form.get("note", "")},
        )
        followup.record_followup(actor, signup, data.status, data.note)
    except DomainError:
        db.session.rollback()
        return redirect(f"{back}?error={signup_id}#signup-{signup_id}")
    commit()
    return redirect(f"{back}#signup-{signup_id}")


def _dashboard_filter() -> tuple[DashboardFilter, dict, str | None]:
    """The filter from the query string (blank fields left out), its form values, an error."""
    raw = {k: v for k in ("from", "to", "category") if (v := request.args.get(k, "").strip())}
    try:
        return resolve_filter(parse(DashboardIn, raw)), raw, None
    except DomainError as exc:
        return default_filter(), {}, exc.details()


@bp.route("/organiser/dashboard")
@login_required
@private
def dashboard():
    """Supply against demand across fairs: positions, openings and pay against sign-ups."""
    chosen, values, error = _dashboard_filter()
    figures = market_dashboard(current_actor(), chosen)
    return render_template(
        "reports/dashboard.html",
        figures=figures,
        json_url=url_for(
            "api.get_dashboard",
            **{"from": figures["start"], "to": figures["end"]},
            **({"category": figures["category"]} if figures["category"] else {}),
        ),
        values={"from": chosen.start.isoformat(), "to": chosen.end.isoformat(), **values},
        error=error,
        categories=[(c.value, label(c)) for c in Category],
        chart_data={
            "dashboard": figures,
            "locale": _chart_locale(),
            "strings": _chart_strings(),
        },
    )
