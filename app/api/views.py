"""REST endpoints for tokens, employers, jobs, fairs and rooms."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Response, jsonify, request
from pydantic import BaseModel

from app.accounts.doors import request_ip
from app.accounts.schemas import TokenInfo, TokenOut, TokenRequest
from app.accounts.services import authenticate, issue_token, list_tokens, revoke_token
from app.announce import commit
from app.api.auth import actor, require_actor
from app.api.registry import endpoint
from app.api.serializers import fair_out, job_out, room_out
from app.errors import DomainError, ValidationError
from app.extensions import db
from app.fairs import services as fairs
from app.fairs.calendar import fair_calendar
from app.fairs.schemas import FairIn, FairJobIn, FairOut, FairPatch, RoomFields, RoomIn, RoomOut
from app.jobs import services as jobs
from app.jobs.schemas import EmployerIn, EmployerOut, JobFields, JobIn, JobOut
from app.schemas import parse_json, plausible_time

MAX_PAGE = 500
MAX_OFFSET = 10**9
PAGE_QUERY = {
    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 100},
    "offset": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
}
RANGE_QUERY = {
    "from": {"type": "string", "format": "date-time"},
    "to": {"type": "string", "format": "date-time"},
}


def body(model: type[BaseModel]) -> BaseModel:
    """The request's JSON body parsed strictly against model."""
    if request.mimetype != "application/json":
        raise ValidationError("Send a JSON body (Content-Type: application/json).")
    return parse_json(model, request.get_data())


def reply(model: BaseModel, status: int = 200) -> tuple[Response, int]:
    """One schema instance as a JSON response."""
    return jsonify(model.model_dump(mode="json")), status


def reply_many(models: list[BaseModel]) -> Response:
    """A list of schema instances as a JSON array."""
    return jsonify([m.model_dump(mode="json") for m in models])


def int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError("Not a number.", {name: "must be an integer"}) from None
    if not low <= value <= high:
        raise ValidationError(
            "Out of range.",
            {name: "must be between %(low)s and %(high)s"},
            {"low": low, "high": high},
        )
    return value


def time_arg(name: str) -> datetime | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise ValidationError("Not a time.", {name: "ISO 8601 with an offset"})
    try:
        return plausible_time(value)
    except ValueError as exc:
        raise ValidationError("Out of range.", {name: str(exc)}) from None


def page(items: list) -> list:
    limit = int_arg("limit", 100, 1, MAX_PAGE)
    offset = int_arg("offset", 0, 0, MAX_OFFSET)
    return items[offset : offset + limit]


def committed(value):
    """Commit the unit of work (announcing what it did) and pass value through."""
    commit()
    return value


@endpoint(
    "/tokens",
    "POST",
    "accounts",
    session=False,
    body=TokenRequest,
    returns=TokenOut,
    status=201,
    auth=False,
    errors=(401, 422, 429),
)
def post_token():
    """Exchange a username and password for an API token."""
    data = body(TokenRequest)
    try:
        user = authenticate(data.username, data.password, request_ip())
    except DomainError:
        db.session.commit()  # keep the failure record that rate limiting counts
        raise
    token, record = issue_token(user, label="api", lifetime=timedelta(days=data.lifetime_days))
    committed(record)
    out = TokenOut(token=token, role=user.role, id=record.id, expires_at=record.expires_at)
    return reply(out, 201)


@endpoint("/tokens", "GET", "accounts", returns=TokenInfo, many=True, errors=(401, 403))
def get_tokens():
    """Your API tokens with their last use (never the tokens themselves)."""
    caller = require_actor(write=True)
    return reply_many([TokenInfo.model_validate(t) for t in list_tokens(caller.user_id)])


@endpoint("/tokens/{token_id}", "DELETE", "accounts", returns=TokenInfo, errors=(401, 403, 404))
def delete_token(token_id: str):
    """Revoke one of your API tokens: it stops working at once."""
    caller = require_actor(write=True)
    return reply(TokenInfo.model_validate(committed(revoke_token(caller.user_id, token_id))))


@endpoint(
    "/employers",
    "GET",
    "jobs",
    returns=EmployerOut,
    many=True,
    auth=False,
    query=PAGE_QUERY,
    errors=(422,),
)
def get_employers():
    """List employers."""
    return reply_many([EmployerOut.model_validate(e) for e in page(jobs.list_employers())])


@endpoint(
    "/employers",
    "POST",
    "jobs",
    body=EmployerIn,
    returns=EmployerOut,
    status=201,
    errors=(401, 403, 409, 422),
)
def post_employer():
    """Register an employer."""
    employer = jobs.create_employer(require_actor(write=True), body(EmployerIn))
    return reply(EmployerOut.model_validate(committed(employer)), 201)


@endpoint(
    "/jobs",
    "GET",
    "jobs",
    returns=JobOut,
    many=True,
    auth=False,
    query=PAGE_QUERY,
    errors=(422,),
)
def get_jobs():
    """List the jobs the caller may see."""
    found = db.session.scalars(jobs.visible_jobs(actor())).unique().all()
    return reply_many([job_out(j) for j in page(list(found))])


@endpoint(
    "/jobs",
    "POST",
    "jobs",
    body=JobIn,
    returns=JobOut,
    status=201,
    errors=(401, 403, 422),
)
def post_job():
    """Add a job (hosts: to their employer)."""
    job = jobs.create_job(require_actor(write=True), body(JobIn))
    return reply(job_out(committed(job)), 201)


@endpoint("/jobs/{job_id}", "GET", "jobs", returns=JobOut, auth=False, errors=(404,))
def get_job(job_id: str):
    """One job."""
    return reply(job_out(jobs.get_job(actor(), job_id)))


@endpoint(
    "/jobs/{job_id}",
    "PATCH",
    "jobs",
    body=JobFields,
    returns=JobOut,
    errors=(401, 403, 404, 422),
)
def patch_job(job_id: str):
    """Change a job."""
    user = require_actor(write=True)
    job = jobs.get_job(user, job_id)
    return reply(job_out(committed(jobs.update_job(user, job, body(JobFields)))))


@endpoint(
    "/fairs",
    "GET",
    "fairs",
    returns=FairOut,
    many=True,
    auth=False,
    query={**PAGE_QUERY, **RANGE_QUERY},
    errors=(422,),
)
def get_fairs():
    """List fairs (published ones, or all for organisers)."""
    found = fairs.list_fairs(actor(), time_arg("from"), time_arg("to"))
    return reply_many([fair_out(f) for f in page(found)])


@endpoint(
    "/fairs",
    "POST",
    "fairs",
    body=FairIn,
    returns=FairOut,
    status=201,
    errors=(401, 403, 422),
)
def post_fair():
    """Schedule a fair (as a draft)."""
    fair = fairs.schedule_fair(require_actor(write=True), body(FairIn))
    return reply(fair_out(committed(fair)), 201)


@endpoint("/fairs/{fair_id}", "GET", "fairs", returns=FairOut, auth=False, errors=(404,))
def get_fair(fair_id: str):
    """One fair."""
    return reply(fair_out(fairs.get_fair(actor(), fair_id)))


@endpoint(
    "/fairs/{fair_id}",
    "PATCH",
    "fairs",
    body=FairPatch,
    returns=FairOut,
    errors=(401, 403, 404, 409, 422),
)
def patch_fair(fair_id: str):
    """Change a fair or move its status."""
    user = require_actor(write=True)
    fair = fairs.get_fair(user, fair_id)
    return reply(fair_out(committed(fairs.update_fair(user, fair, body(FairPatch)))))


@endpoint(
    "/fairs/{fair_id}/jobs",
    "POST",
    "fairs",
    body=FairJobIn,
    returns=FairOut,
    status=201,
    errors=(401, 403, 404, 409, 422),
)
def post_fair_job(fair_id: str):
    """Attach a job to a fair."""
    user = require_actor(write=True)
    fair = fairs.get_fair(user, fair_id)
    fairs.attach_job(user, fair, body(FairJobIn).job_id)
    return reply(fair_out(committed(fair)), 201)


@endpoint(
    "/fairs/{fair_id}/rooms",
    "GET",
    "fairs",
    returns=RoomOut,
    many=True,
    auth=False,
    errors=(404,),
)
def get_fair_rooms(fair_id: str):
    """A fair's live sessions."""
    viewer = actor()
    fair = fairs.get_fair(viewer, fair_id)
    return reply_many([room_out(r, viewer) for r in fair.rooms])


@endpoint(
    "/fairs/{fair_id}/rooms",
    "POST",
    "fairs",
    body=RoomIn,
    returns=RoomOut,
    status=201,
    errors=(401, 403, 404, 409, 422),
)
def post_fair_room(fair_id: str):
    """Schedule a live session."""
    user = require_actor(write=True)
    fair = fairs.get_fair(user, fair_id)
    room = committed(fairs.schedule_room(user, fair, body(RoomIn)))
    return reply(room_out(room, user), 201)


@endpoint(
    "/rooms/{room_id}",
    "GET",
    "fairs",
    returns=RoomOut,
    auth=False,
    errors=(404,),
)
def get_room(room_id: str):
    """One live session (with ingest for its host)."""
    viewer = actor()
    return reply(room_out(fairs.get_room(viewer, room_id), viewer))


@endpoint(
    "/rooms/{room_id}",
    "PATCH",
    "fairs",
    body=RoomFields,
    returns=RoomOut,
    errors=(401, 403, 404, 409, 422),
)
def patch_room(room_id: str):
    """Change a live session's title, host or slot."""
    user = require_actor(write=True)
    room = fairs.get_room(user, room_id)
    room = committed(fairs.update_room(user, room, body(RoomFields)))
    return reply(room_out(room, user))


@endpoint(
    "/rooms/{room_id}/key",
    "POST",
    "fairs",
    returns=RoomOut,
    errors=(401, 403, 404),
)
def post_room_key(room_id: str):
    """Rotate the room's ingest secret."""
    user = require_actor(write=True)
    room = fairs.get_room(user, room_id)
    fairs.rotate_stream_key(user, room)
    committed(room)
    return reply(room_out(room, user))


@endpoint(
    "/fairs/{fair_id}/calendar.ics",
    "GET",
    "fairs",
    auth=False,
    errors=(404,),
    content_type="text/calendar",
)
def get_fair_calendar(fair_id: str):
    """The fair's sessions as an iCalendar file."""
    fair = fairs.get_fair(actor(), fair_id)
    return Response(
        fair_calendar(fair),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="fair-{fair.id}.ics"'},
    )
