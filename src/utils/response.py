"""The one place handlers build API Gateway proxy responses.

A thin façade over `generated.runtime`, which owns the wire format: `Content-Type` and
CORS headers, DynamoDB `Decimal`s as JSON numbers, an empty body on 204, the
`{"message": ..., "errors": [...]}` error envelope. Handlers never build a response dict
by hand, so every response (including the 500/503 ones `guarded` makes) looks the same.
"""

from __future__ import annotations

from generated.runtime import Response, error_response, json_response

# `typing` is for mypy only: the hello function would pay 2.5 ms of cold start to import
# it (`python -X importtime`), and type checkers treat any `TYPE_CHECKING` name as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

__all__ = ["Response", "error", "success"]


def success(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """A JSON response; `body` may hold `Decimal`s. Status 204 (or `body=None`) has no body."""
    return json_response(status, body, headers)


def error(
    message: str,
    status: int = 400,
    headers: Mapping[str, str] | None = None,
    *,
    errors: list[dict[str, str]] | None = None,
) -> Response:
    """`{"message": message}`, plus `errors` (`[{"location", "detail"}]`) when given."""
    return error_response(status, message, errors, headers)
