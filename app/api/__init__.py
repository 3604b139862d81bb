"""The REST API under /api/v1: every module's endpoints on one blueprint, built by the factory."""

from __future__ import annotations

from flask import Blueprint

from app.api import contracts, export, live, matching, onsite, people, reports, views
from app.api.handlers import install_hooks
from app.api.registry import build_blueprint

ENDPOINT_MODULES = (views, live, onsite, people, reports, export, matching, contracts)


def create_blueprint() -> Blueprint:
    """The API's blueprint: the endpoints of ENDPOINT_MODULES, authentication and OpenAPI."""
    bp = build_blueprint(ENDPOINT_MODULES)
    install_hooks(bp)
    return bp
