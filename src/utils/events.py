"""Reading the parts of an API Gateway REST proxy event (payload v1) that validation does not.

The generated validators type the parameters the spec declares; this answers the question
that is about routing rather than about the request's content: where the client called.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


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
