"""The OpenAPI 3.1 document, assembled from the registered endpoints and their schemas."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from app.api.registry import API_PREFIX, Endpoint
from app.schemas import ID_PATTERN

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}
ERROR_TEXT = {
    400: "Malformed request",
    401: "No valid credentials",
    403: "Not allowed for this user",
    404: "No such object",
    409: "Conflicts with what is stored",
    413: "Too large",
    415: "Not a supported video",
    422: "Invalid fields",
    429: "Too many attempts",
    503: "A provider (SMS, identity check) is unavailable",
}
REF = "#/components/schemas/{model}"


class _Schemas:
    """Collects each model's JSON Schema once under components/schemas."""

    def __init__(self):
        self.components: dict[str, Any] = {"Error": ERROR_SCHEMA}

    def ref(self, model: type[BaseModel], mode: str) -> dict:
        name = model.__name__
        if name not in self.components:
            schema = model.model_json_schema(ref_template=REF, mode=mode)
            self.components.update(schema.pop("$defs", {}))
            self.components[name] = schema
        return {"$ref": REF.format(model=name)}


def _parameters(ep: Endpoint) -> list[dict]:
    params = [
        {
            "name": part[1:-1],
            "in": "path",
            "required": True,
            "schema": {"type": "string", "pattern": f"^{ID_PATTERN}$"},
        }
        for part in ep.path.split("/")
        if part.startswith("{")
    ]
    params += [
        {"name": name, "in": "query", "required": False, "schema": schema}
        for name, schema in ep.query.items()
    ]
    return params


def _operation(ep: Endpoint, schemas: _Schemas) -> dict:
    op: dict[str, Any] = {
        "summary": ep.summary,
        "tags": [ep.tag],
        "operationId": ep.method + re.sub(r"[^a-z0-9]+", "_", ep.path).rstrip("_"),
        "parameters": _parameters(ep),
        "responses": {},
    }
    if ep.upload_field is not None:
        properties = {ep.upload_field: {"type": "string", "format": "binary"}, **ep.form_fields}
        op["requestBody"] = {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": [ep.upload_field],
                        "properties": properties,
                    }
                }
            },
        }
    if ep.body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schemas.ref(ep.body, "validation")}},
        }
    if ep.returns is not None:
        schema = schemas.ref(ep.returns, "serialization")
        if ep.many:
            schema = {"type": "array", "items": schema}
        content = {ep.content_type: {"schema": schema}}
    else:
        content = {ep.content_type: {"schema": {"type": "string"}}}
    op["responses"][str(ep.status)] = {"description": "Success", "content": content}
    errors = (
        set(ep.errors)
        | ({401} if ep.auth else set())
        | ({400} if ep.body or ep.upload_field else set())
    )
    for status in sorted(errors):
        op["responses"][str(status)] = {
            "description": ERROR_TEXT[status],
            "content": {"application/json": {"schema": {"$ref": REF.format(model="Error")}}},
        }
    op["security"] = (
        [{"bearer": []}, {"session": []}] if ep.auth else [{}, {"bearer": []}, {"session": []}]
    )
    return op


def openapi_document(server_url: str, endpoints: list[Endpoint]) -> dict:
    """The OpenAPI document for these endpoints."""
    schemas = _Schemas()
    paths: dict[str, dict] = {}
    for ep in endpoints:
        paths.setdefault(API_PREFIX + ep.path, {})[ep.method] = _operation(ep, schemas)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "FairCast API",
            "version": "1",
            "description": "Fairs, jobs, live rooms, on-site check-in and reports. "
            "Errors are {error: {code, message, fields}} with a 4xx status.",
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": paths,
        "components": {
            "schemas": schemas.components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }
