"""Declaring an endpoint once: its route and its OpenAPI operation come from the view itself.

`@endpoint` only describes a view (its summary is the first line of its docstring); the factory
builds the blueprint from the modules listed in app/api/__init__.py, so importing a module
registers nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from inspect import isfunction
from types import ModuleType

from flask import Blueprint
from pydantic import BaseModel

API_PREFIX = "/api/v1"
SPEC_ATTRIBUTE = "api_endpoint"


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
    # The largest request body accepted (None: the app's default).
    max_bytes: int | None = None
    # Where uploaded files' bytes are written while they arrive (see app.web.Request.spool).
    spool: Callable | None = None
    # False for an operation that works without a browser session (exchanging credentials for
    # a token): a client without FairCast's cookies may then write without a CSRF token.
    session: bool = True


def _summary(view: Callable) -> str:
    doc = (view.__doc__ or "").strip()
    if not doc:
        raise TypeError(f"API view {view.__name__} needs a docstring: it is its summary")
    return doc.splitlines()[0].rstrip(".")


def endpoint(path: str, method: str, tag: str, **spec) -> Callable:
    """Describe a view as the API operation METHOD /api/v1/PATH."""

    def decorate(view: Callable) -> Callable:
        setattr(
            view,
            SPEC_ATTRIBUTE,
            Endpoint(path=path, method=method.lower(), summary=_summary(view), tag=tag, **spec),
        )
        return view

    return decorate


def spec_of(view: Callable) -> Endpoint | None:
    """The endpoint a view was declared as, if it is an API view."""
    return getattr(view, SPEC_ATTRIBUTE, None)


def _flask_rule(path: str) -> str:
    """The Flask rule of an OpenAPI path: every {name} is an id (`<id:name>`)."""
    return path.replace("{", "<id:").replace("}", ">")


def build_blueprint(modules: Iterable[ModuleType]) -> Blueprint:
    """A blueprint with every endpoint declared in these modules, in their order."""
    bp = Blueprint("api", __name__, url_prefix=API_PREFIX)
    bp.endpoints = []
    for module in modules:
        for view in vars(module).values():
            spec = spec_of(view) if isfunction(view) else None
            if spec is None or view.__module__ != module.__name__:
                continue
            bp.add_url_rule(
                _flask_rule(spec.path),
                endpoint=view.__name__,
                view_func=view,
                methods=[spec.method.upper()],
            )
            bp.endpoints.append(spec)
    return bp
