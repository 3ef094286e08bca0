"""A handler's return value -> HTTP response, as API Gateway's Lambda proxy integration does.

The integration accepts only a JSON object with `statusCode`, `headers`,
`multiValueHeaders`, `body` and `isBase64Encoded`
(https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-output-format).
Anything else (not an object, an unknown key, a status that is not an integer, a body
that is not a string, header values that are not strings) makes API Gateway answer
502 `{"message": "Internal server error"}` and log "Malformed Lambda proxy response";
`MalformedProxyResponse` says which rule was broken, for the local log.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ALLOWED_KEYS = frozenset({"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"})


class MalformedProxyResponse(Exception):
    """The handler's result is not a valid proxy response (API Gateway answers 502)."""


@dataclass(frozen=True, slots=True)
class ProxyResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        """The last value of a header (case-insensitive), or None."""
        found = [value for key, value in self.headers if key.lower() == name.lower()]
        return found[-1] if found else None


def _status(result: Mapping[str, Any]) -> int:
    status = result.get("statusCode")
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        raise MalformedProxyResponse(f"statusCode must be an integer 100-599, got {status!r}")
    return status


def _headers(result: Mapping[str, Any]) -> list[tuple[str, str]]:
    single = result.get("headers")
    multi = result.get("multiValueHeaders")
    single = {} if single is None else single
    multi = {} if multi is None else multi
    if not isinstance(single, Mapping) or not isinstance(multi, Mapping):
        raise MalformedProxyResponse("headers and multiValueHeaders must be objects")
    for name, value in single.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise MalformedProxyResponse(f"header {name!r} must be a string, got {value!r}")
    for name, values in multi.items():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise MalformedProxyResponse(f"multiValueHeaders[{name!r}] must be a list of strings")
    # "If you specify values for both headers and multiValueHeaders, API Gateway merges them
    # into a single list. If the same key-value pair is specified in both, only the values
    # from multiValueHeaders will appear in the merged list." (AWS docs, proxy output format)
    merged: list[tuple[str, str]] = [(str(n), v) for n, values in multi.items() for v in values]
    multi_names = {str(name).lower() for name in multi}
    merged += [(n, v) for n, v in single.items() if n.lower() not in multi_names]
    return merged


def _body(result: Mapping[str, Any]) -> bytes:
    body = result.get("body")
    is_base64 = result.get("isBase64Encoded", False)
    if not isinstance(is_base64, bool):
        raise MalformedProxyResponse(f"isBase64Encoded must be a boolean, got {is_base64!r}")
    if body is None:
        return b""
    if not isinstance(body, str):
        raise MalformedProxyResponse(f"body must be a string, got {type(body).__name__}")
    if not is_base64:
        return body.encode("utf-8")
    try:
        return base64.b64decode(body, validate=True)
    except binascii.Error as error:
        raise MalformedProxyResponse(f"body is not valid base64: {error}") from error


def to_proxy_response(result: object) -> ProxyResponse:
    """Validate and convert a handler's return value, or raise `MalformedProxyResponse`."""
    if not isinstance(result, Mapping):
        raise MalformedProxyResponse(f"expected an object, got {type(result).__name__}")
    unknown = sorted(str(key) for key in result if key not in ALLOWED_KEYS)
    if unknown:
        raise MalformedProxyResponse(f"unexpected keys {unknown}")
    status = _status(result)
    headers = _headers(result)
    body = _body(result)
    if not any(name.lower() == "content-type" for name, _ in headers):
        # API Gateway REST labels a proxy response without Content-Type as JSON.
        headers.append(("Content-Type", "application/json"))
    return ProxyResponse(status, tuple(headers), body)
