"""The export API for a provincial data centre: fairs, jobs, statistics and (with the
export_personal scope) sign-ups, paged by cursor and incremental by `since`."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import request

from app.api.auth import require_actor
from app.api.registry import endpoint
from app.api.reports import private
from app.api.serializers import fair_out
from app.api.views import MAX_PAGE, int_arg, reply
from app.errors import ValidationError
from app.jobs.schemas import JobOut
from app.reports import feed
from app.reports.schemas import (
    ExportFair,
    ExportFairPage,
    ExportJob,
    ExportJobPage,
    ExportSignUp,
    ExportSignUpPage,
    ExportStatistics,
    ExportStatisticsPage,
)

TAG = "export"
DEFAULT_LIMIT = 100
MAX_CURSOR = 200
FEED_QUERY = {
    "since": {
        "type": "string",
        "format": "date-time",
        "description": "only what changed after this time (ISO 8601 with offset); "
        "pass the previous listing's next_since",
    },
    "cursor": {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_CURSOR,
        "description": "the previous page's next_cursor",
    },
    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": DEFAULT_LIMIT},
}
ERRORS = (401, 403, 422)


def _since() -> datetime | None:
    raw = request.args.get("since")
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw)
        value = value.astimezone(UTC) if value.tzinfo else None
    except (ValueError, OverflowError):
        value = None
    if value is None:
        raise ValidationError("Not a time.", {"since": "ISO 8601 with an offset"})
    return value


def _cursor() -> str | None:
    raw = request.args.get("cursor")
    if raw is not None and not 1 <= len(raw) <= MAX_CURSOR:
        raise ValidationError("Not a cursor.", {"cursor": "pass next_cursor back unchanged"})
    return raw


def _feed_args() -> tuple:
    """Who asks with what scope, then since, cursor and limit (checked in that order)."""
    return require_actor(), _since(), _cursor(), int_arg("limit", DEFAULT_LIMIT, 1, MAX_PAGE)


def _page_reply(page_model, page: feed.FeedPage, items: list):
    response, status = reply(
        page_model(items=items, next_cursor=page.next_cursor, next_since=page.next_since)
    )
    return private(response), status


@endpoint(
    "/export/fairs",
    "GET",
    TAG,
    returns=ExportFairPage,
    query=FEED_QUERY,
    errors=ERRORS,
)
def get_export_fairs():
    """Fairs changed since a time, oldest change first (organisers' and export tokens)."""
    page = feed.changed_fairs(*_feed_args())
    items = [ExportFair(**fair_out(f).model_dump(), updated_at=f.updated_at) for f in page.items]
    return _page_reply(ExportFairPage, page, items)


@endpoint(
    "/export/jobs",
    "GET",
    TAG,
    returns=ExportJobPage,
    query=FEED_QUERY,
    errors=ERRORS,
)
def get_export_jobs():
    """Jobs changed since a time, oldest change first (organisers' and export tokens)."""
    page = feed.changed_jobs(*_feed_args())
    items = [
        ExportJob(
            **JobOut.model_validate(j).model_dump(),
            employer_credit_code=j.employer.credit_code,
            created_at=j.created_at,
        )
        for j in page.items
    ]
    return _page_reply(ExportJobPage, page, items)


@endpoint(
    "/export/signups",
    "GET",
    TAG,
    returns=ExportSignUpPage,
    query={**FEED_QUERY, "fair_id": {"type": "string", "minLength": 1, "maxLength": 32}},
    errors=ERRORS,
)
def get_export_signups():
    """Sign-ups with name and mobile changed since a time (personal-data scope only)."""
    page = feed.changed_signups(*_feed_args(), fair_id=request.args.get("fair_id"))
    items = [
        ExportSignUp(
            id=s.id,
            fair_id=s.fair_id,
            job_id=s.job_id,
            employer_id=s.job.employer_id,
            person_id=s.seeker_id,
            name=s.seeker.name,
            mobile=s.seeker.mobile,
            source=s.source,
            signed_up_at=s.created_at,
            withdrawn_at=s.withdrawn_at,
            status=s.followup_status,
            followup_at=s.followup_at,
            updated_at=s.updated_at,
        )
        for s in page.items
    ]
    return _page_reply(ExportSignUpPage, page, items)


@endpoint(
    "/export/statistics",
    "GET",
    TAG,
    returns=ExportStatisticsPage,
    query=FEED_QUERY,
    errors=ERRORS,
)
def get_export_statistics():
    """Each fair's figures, for fairs whose figures may have changed since a time."""
    page = feed.statistics_feed(*_feed_args())
    items = [ExportStatistics.model_validate(item) for item in page.items]
    return _page_reply(ExportStatisticsPage, page, items)
