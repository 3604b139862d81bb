"""Request set-up and error answers for the API: every failure is the contract's error JSON."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.api.auth import authenticate_request
from app.api.openapi import openapi_document
from app.api.registry import API_PREFIX, spec_of
from app.errors import N_, DomainError, translated
from app.extensions import csrf, db
from app.urls import settings


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    """The contract's error body with its status."""
    return jsonify({"error": {"code": code, "message": message, "fields": fields or {}}}), status


OPENAPI_KEY = "faircast_openapi"


def install_hooks(bp: Blueprint) -> None:
    """Authenticate every API request, and serve the OpenAPI document of bp's endpoints."""
    csrf.exempt(bp)  # the API checks CSRF itself, only for the browser session's writes

    @bp.before_request
    def _authenticate():
        spec = spec_of(current_app.view_functions.get(request.endpoint))
        if spec is not None and spec.max_bytes is not None:
            # Before anything reads the body (the CSRF check reads a form).
            request.max_content_length = spec.max_bytes
        if spec is not None and spec.spool is not None:
            request.spool = spec.spool
        authenticate_request(spec)

    @bp.route("/openapi.json")
    def openapi_json():
        """The OpenAPI document describing this API (built once: the endpoints do not change)."""
        document = current_app.extensions.get(OPENAPI_KEY)
        if document is None:
            document = openapi_document(settings().public_url, bp.endpoints)
            current_app.extensions[OPENAPI_KEY] = document
        return jsonify(document)


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX + "/") or request.path == API_PREFIX


# What a refusal by the web server itself (no route, a wrong method, a body too large) says.
HTTP_MESSAGES = {
    400: N_("The request could not be read."),
    401: N_("Sign in first."),
    403: N_("You may not do this."),
    404: N_("There is nothing at this address."),
    405: N_("This address does not take this method."),
    413: N_("The request is larger than allowed."),
    415: N_("This kind of content is not accepted here."),
    429: N_("Too many requests; wait a moment and try again."),
}
CSRF_MESSAGE = N_("The page's security token is missing or expired. Reload the page and try again.")
UNEXPECTED_MESSAGE = N_("Something went wrong on the server.")


def handle_domain_error(exc: DomainError):
    db.session.rollback()
    response, status = error_response(exc.status, exc.code, exc.text, exc.shown_fields())
    if "retry_after" in exc.fields:
        response.headers["Retry-After"] = exc.fields["retry_after"]
    return response, status


def handle_csrf_error(exc: CSRFError):
    return error_response(400, "csrf", translated(CSRF_MESSAGE), {"csrf": exc.description})


def http_message(exc: HTTPException) -> str:
    """What the web server's own refusal says, in the reader's language."""
    message = HTTP_MESSAGES.get(exc.code or 500)
    return translated(message) if message else translated(UNEXPECTED_MESSAGE)


def handle_http_error(exc: HTTPException):
    code = (exc.name or "error").lower().replace(" ", "_")
    return error_response(exc.code or 500, code, http_message(exc))


def handle_unexpected(exc: Exception):
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    return error_response(500, "internal", translated(UNEXPECTED_MESSAGE))
