"""Who called: the client team's app client id and the token's scopes, from the event.

Behind the Cognito user pools authorizer, API Gateway hands the verified access token's
claims to the integration in `requestContext.authorizer.claims`, every value a string:
`client_id` names the app client (one per client team), `scope` lists the granted scopes
separated by spaces. The gateway has already checked the token, so handlers only read it;
this is the one place that does. Logs may name the client id, never the token or a key
(the event's `Authorization` and `x-api-key` headers are not read here).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

ANONYMOUS = "anonymous"


class Caller(NamedTuple):
    client_id: str
    scopes: tuple[str, ...]

    def allows(self, scope: str) -> bool:
        return scope in self.scopes


def caller(event: Mapping[str, Any]) -> Caller | None:
    """The authenticated caller, or None on a method without a Cognito authorizer (or a
    direct invocation that carries no claims)."""
    context = event.get("requestContext")
    authorizer = context.get("authorizer") if isinstance(context, Mapping) else None
    claims = authorizer.get("claims") if isinstance(authorizer, Mapping) else None
    if not isinstance(claims, Mapping):
        return None
    client_id = claims.get("client_id")
    if not isinstance(client_id, str) or not client_id:
        return None
    scope = claims.get("scope")
    return Caller(client_id, tuple(scope.split()) if isinstance(scope, str) else ())


def caller_id(event: Mapping[str, Any]) -> str:
    """The client id for a log line, `anonymous` when there is none."""
    found = caller(event)
    return found.client_id if found is not None else ANONYMOUS
