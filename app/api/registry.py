"""Declaring an endpoint once: its Flask route and its OpenAPI operation come from one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint
from pydantic import BaseModel

API_PREFIX = "/api/v1"

bp = Blueprint("api", __name__, url_prefix=API_PREFIX)


@dataclass
class Endpoint:
    """What the OpenAPI document says about one operation."""

    path: str
    method: str
    summary: str
    tag: str
    body: type[BaseModel] | None = None
    returns: type[BaseModel] | None = None
    many: bool = False
    status: int = 200
    auth: bool = True
    errors: tuple[int, ...] = ()
    query: dict[str, dict] = field(default_factory=dict)
    content_type: str = "application/json"
    # A multipart upload: the file field's name and the other form fields' schemas.
    upload_field: str | None = None
    form_fields: dict[str, dict] = field(default_factory=dict)


ENDPOINTS: list[Endpoint] = []


def _flask_rule(path: str) -> str:
    return path.replace("{", "<").replace("}", ">")


def endpoint(path: str, method: str, summary: str, tag: str, **spec) -> Callable:
    """Register a view under /api/v1 and describe it for the OpenAPI document."""

    def decorate(view: Callable) -> Callable:
        ENDPOINTS.append(
            Endpoint(path=path, method=method.lower(), summary=summary, tag=tag, **spec)
        )
        bp.add_url_rule(
            _flask_rule(path),
            endpoint=f"{view.__name__}",
            view_func=view,
            methods=[method.upper()],
        )
        return view

    return decorate
