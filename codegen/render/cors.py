"""The CORS headers of the API: one definition for every place that emits them.

The handlers' responses (`generated.runtime.CORS_HEADERS`), API Gateway's own answers
(gateway responses, preflight and 404/405 mocks in the DefinitionBody) and therefore the
local server (which reads the DefinitionBody) must agree, or a browser sees different
rules depending on who answered.

- `cors_headers(api)`: what every actual response carries: Allow-Origin, Allow-Headers
  and Expose-Headers.
- `preflight_headers(api, methods, max_age)`: what an OPTIONS preflight answers:
  Allow-Origin, Allow-Headers, the path's Allow-Methods and Max-Age. Expose-Headers means
  nothing on a preflight (browsers read it from the actual response), so it is left out.
"""

from __future__ import annotations

from collections.abc import Iterable

from codegen.openapi.model import Api

# Headers browsers must be allowed to send whatever the spec declares: the JSON body's
# Content-Type, and the credentials of the authentication that comes next (API keys with
# usage plans send X-Api-Key; Cognito and IAM send Authorization / X-Amz-*).
_ALWAYS_ALLOWED = (
    "Authorization",
    "Content-Type",
    "X-Amz-Date",
    "X-Amz-Security-Token",
    "X-Api-Key",
)
# Response headers a browser script may read only when exposed (Fetch standard: anything
# but the CORS-safelisted response headers below is hidden from a cross-origin caller):
# Location of a 201, Retry-After of a 429/503, Allow of a 405, and API Gateway's request
# id (which it adds to every answer) for support requests.
_ALWAYS_EXPOSED = ("Allow", "Location", "Retry-After", "x-amzn-RequestId")
# Fetch standard, "CORS-safelisted response-header name": readable without exposing.
_SAFELISTED_RESPONSE_HEADERS = frozenset(
    {
        "cache-control",
        "content-language",
        "content-length",
        "content-type",
        "expires",
        "last-modified",
        "pragma",
    }
)


def _joined(names: Iterable[str]) -> str:
    """Case-insensitively unique names, first spelling kept, sorted, comma-separated."""
    unique: dict[str, str] = {}
    for name in names:
        unique.setdefault(name.lower(), name)
    return ",".join(unique[key] for key in sorted(unique))


def allow_headers(api: Api) -> str:
    """`Access-Control-Allow-Headers`: the fixed set plus every declared header parameter."""
    declared = (
        parameter.name
        for operation in api.operations
        for parameter in operation.parameters
        if parameter.location == "header"
    )
    return _joined((*_ALWAYS_ALLOWED, *declared))


def expose_headers(api: Api) -> str:
    """`Access-Control-Expose-Headers`: the fixed set plus every declared response header."""
    declared = (
        name
        for operation in api.operations
        for response in operation.responses
        for name in response.headers
        if name.lower() not in _SAFELISTED_RESPONSE_HEADERS
    )
    return _joined((*_ALWAYS_EXPOSED, *declared))


def cors_headers(api: Api) -> dict[str, str]:
    """The headers every actual response carries (handlers' and the gateway's own)."""
    return {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Headers": allow_headers(api),
        "Access-Control-Expose-Headers": expose_headers(api),
    }


def preflight_headers(api: Api, methods: Iterable[str], max_age: str) -> dict[str, str]:
    """The answer to an OPTIONS preflight on a path offering `methods`."""
    return {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Headers": allow_headers(api),
        "Access-Control-Allow-Methods": ",".join(sorted(set(methods))),
        "Access-Control-Max-Age": max_age,
    }
