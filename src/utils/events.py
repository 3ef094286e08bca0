"""Reading the parts of an API Gateway REST proxy event (payload v1) that validation does not.

The generated validators type the parameters the spec declares; these helpers answer the
two questions that are about routing rather than about the request's content.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def path_parameter(event: Mapping[str, Any], name: str) -> str | None:
    """The raw path parameter, or None when absent or empty.

    API Gateway sends `"pathParameters": null` on routes without parameters; a direct
    invocation (console test, another service) may omit the key or the value entirely.
    """
    parameters = event.get("pathParameters")
    if not isinstance(parameters, Mapping):
        return None
    value = parameters.get(name)
    return value if isinstance(value, str) and value else None


def client_path(event: Mapping[str, Any]) -> str:
    """The path as the client called it, without a trailing slash.

    `event["path"]` is the resource path *inside* the API (`/users`), while
    `requestContext.path` is what the client actually requested: on the default
    execute-api domain it carries the stage (`/Prod/users`), on a custom domain the
    base-path mapping (`/v1/users`). A `Location` built from the latter is therefore
    valid for the caller whichever way it reached the API.
    """
    context = event.get("requestContext")
    candidates = (
        context.get("path") if isinstance(context, Mapping) else None,
        event.get("path"),
    )
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.startswith("/"):
            return candidate.rstrip("/")
    return ""


def caller_id(event: Mapping[str, Any], anonymous: str) -> str:
    """Who is calling, for scoping per-client state such as idempotency keys.

    With a Cognito user pools authorizer, API Gateway passes the token's claims as
    `requestContext.authorizer.claims`; an access token's `client_id` names the client
    application. Without authentication every caller is `anonymous`.
    """
    context = event.get("requestContext")
    authorizer = context.get("authorizer") if isinstance(context, Mapping) else None
    claims = authorizer.get("claims") if isinstance(authorizer, Mapping) else None
    client = claims.get("client_id") if isinstance(claims, Mapping) else None
    return client if isinstance(client, str) and client else anonymous
