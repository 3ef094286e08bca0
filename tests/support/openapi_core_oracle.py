"""The tests' independent oracle: each proxy response checked against the spec with
openapi-core, naming the bad field. The local server checks responses with code compiled
from the spec (codegen/serve/response_checks.py); the tests hold its verdicts, and the
generated request validators', to this one. The
operation is known from routing, so openapi-core is given the path template directly
(`path_pattern`) and a fixed server URL: it never re-matches paths or ports.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.media_types.exceptions import MediaTypeNotFound
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.validation.response.exceptions import (
    HeaderValidationError,
    MissingData,
)
from werkzeug.datastructures import Headers

from codegen.serve.proxy import ProxyResponse

_SERVER = "http://gateway.local"


@dataclass
class _CalledOperation:
    """The openapi-core `Request` + `SupportsPathPattern` protocols, for response checks."""

    method: str
    path: str
    path_pattern: str
    host_url: str = _SERVER
    content_type: str = "application/json"
    body: bytes | None = None
    parameters: RequestParameters = field(default_factory=RequestParameters)


@dataclass(frozen=True)
class _Answer:
    """The openapi-core `Response` protocol."""

    status_code: int
    headers: Headers
    content_type: str
    data: bytes | None


def _json_path(parts: Iterable[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _schema_errors(error: BaseException) -> list[Any]:
    cause = error.__cause__
    return list(getattr(cause, "schema_errors", None) or [])


def describe(error: BaseException) -> list[str]:
    """One line per problem: where (`body.users[0].email`, `header Location`) and what."""
    if isinstance(error, ResponseNotFound):
        return [f"status {error.http_status} is not documented"]
    media_type_error = error if isinstance(error, MediaTypeNotFound) else error.__cause__
    if isinstance(media_type_error, MediaTypeNotFound):
        return [f"content type {media_type_error.mimetype!r} is not documented"]
    if isinstance(error, MissingData):
        return ["body: missing"]
    where = f"header {error.name}" if isinstance(error, HeaderValidationError) else "body"
    schema_errors = _schema_errors(error)
    if not schema_errors:
        return [f"{where}: {error.__cause__ or error}"]
    return [
        f"{where}{_json_path(getattr(e, 'absolute_path', ()))}: {getattr(e, 'message', e)}"
        for e in schema_errors
    ]


class ResponseValidator:
    """Validates responses of the spec's operations; returns the problems found."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        spec = copy.deepcopy(dict(document))
        spec["servers"] = [{"url": _SERVER}]
        self._openapi = OpenAPI.from_dict(spec)
        self._lock = threading.Lock()  # openapi-core does not promise thread safety

    def problems(self, method: str, path_template: str, response: ProxyResponse) -> list[str]:
        content_type = (response.header("Content-Type") or "").lower()
        headers = Headers(list(response.headers))
        called = _CalledOperation(method.lower(), path_template, path_template)
        answer = _Answer(response.status, headers, content_type, response.body or None)
        with self._lock:
            errors = list(self._openapi.iter_response_errors(called, answer))
        return [line for error in errors for line in describe(error)]
