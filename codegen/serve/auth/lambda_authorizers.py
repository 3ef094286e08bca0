"""Lambda REQUEST authorizers, run in-process before the handler, as API Gateway runs them.

The same generated module the template deploys (`generated.authorizers.<name>.handler`,
with the project's verification functions) gets the REQUEST event and its answer is read
as API Gateway reads it ("Input to / Output from an API Gateway Lambda authorizer",
Amazon API Gateway Developer Guide):
- an identity source missing (or empty) -> 401 UNAUTHORIZED without invoking it;
- the function raising "Unauthorized" -> 401 UNAUTHORIZED; raising anything else -> 500
  (AUTHORIZER_FAILURE, through DEFAULT_5XX);
- a policy whose statements do not allow `execute-api:Invoke` on the method's ARN, or
  that denies it explicitly -> 403 ACCESS_DENIED;
- a context value that is an object or array -> 500 (AUTHORIZER_CONFIGURATION_ERROR);
- else the request goes on, with `requestContext.authorizer` = the context (values as
  strings, as the REST proxy integration hands them over) + `principalId`.
Answers are cached per authorizer by the values of its identity sources for its TTL
(none without identity sources), so a cached Deny or Allow applies as deployed.
"""

from __future__ import annotations

import fnmatch
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Response

from codegen.openapi.authorizers import LambdaAuthorizer
from codegen.serve.context import LOCAL_ACCOUNT_ID, LOCAL_REGION, LambdaContext
from codegen.serve.definition import GatewayDefinition
from codegen.serve.handlers import HandlerImportError, HandlerResolver

log = logging.getLogger("codegen.serve.auth")

UNAUTHORIZED = "Unauthorized"
_EVENT_KEYS = (
    "resource",
    "path",
    "httpMethod",
    "headers",
    "multiValueHeaders",
    "queryStringParameters",
    "multiValueQueryStringParameters",
    "pathParameters",
    "stageVariables",
    "requestContext",
)


class _Refused(Exception):
    def __init__(self, kind: str, status: int, message: str, why: str) -> None:
        super().__init__(why)
        self.kind, self.status, self.message = kind, status, message


@dataclass
class LambdaAuthorizers:
    """The authorizers of a spec by name, their cache, and how to refuse as deployed."""

    definition: GatewayDefinition
    authorizers: Mapping[str, LambdaAuthorizer]
    resolver: HandlerResolver = field(default_factory=HandlerResolver)
    clock: Callable[[], float] = time.monotonic
    _cache: dict[tuple[str, tuple[str, ...]], tuple[float, dict[str, Any]]] = field(
        default_factory=dict
    )
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def authorize(
        self, name: str, request_event: Mapping[str, Any], request_id: str = "-"
    ) -> dict[str, Any] | Response:
        """`requestContext.authorizer` for the handler, or the gateway's refusal."""
        authorizer = self.authorizers[name]
        event = self._event(request_event)
        try:
            answer = self._answer(authorizer, event, request_id)
            return _admitted(answer, str(event["methodArn"]))
        except _Refused as refused:
            log.info("%d %s (%s: %s) %s", refused.status, refused.kind, name, refused, request_id)
            return self.definition.respond(refused.kind, refused.status, refused.message)

    def _answer(
        self, authorizer: LambdaAuthorizer, event: dict[str, Any], request_id: str
    ) -> dict[str, Any]:
        identity = tuple(
            _identity_value(event, source) or "" for source in authorizer.identity_sources
        )
        if not all(identity):
            raise _Refused("UNAUTHORIZED", 401, UNAUTHORIZED, "an identity source is missing")
        key = (authorizer.name, identity)
        now = self.clock()
        if authorizer.ttl:
            with self._lock:
                cached = self._cache.get(key)
            if cached is not None and cached[0] > now:
                return cached[1]
        answer = self._invoke(authorizer, event, request_id)
        if authorizer.ttl:
            with self._lock:
                self._cache[key] = (now + authorizer.ttl, answer)
        return answer

    def _invoke(
        self, authorizer: LambdaAuthorizer, event: dict[str, Any], request_id: str
    ) -> dict[str, Any]:
        context = LambdaContext(aws_request_id=request_id, function_name=authorizer.logical_id)
        try:
            answer = self.resolver.resolve(authorizer.handler)(event, context)
        except HandlerImportError as error:
            raise _Refused("AUTHORIZER_FAILURE", 500, "Internal server error", str(error)) from None
        except Exception as error:
            if str(error) == UNAUTHORIZED:
                raise _Refused(
                    "UNAUTHORIZED", 401, UNAUTHORIZED, "the authorizer said so"
                ) from None
            log.exception("authorizer %s raised", authorizer.name)
            raise _Refused("AUTHORIZER_FAILURE", 500, "Internal server error", "raised") from None
        if not isinstance(answer, dict) or not isinstance(answer.get("policyDocument"), dict):
            raise _Refused(
                "AUTHORIZER_CONFIGURATION_ERROR", 500, "Internal server error", "no policy"
            )
        return answer

    def _event(self, request_event: Mapping[str, Any]) -> dict[str, Any]:
        context = request_event["requestContext"]
        method_arn = (
            f"arn:aws:execute-api:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}:{context['apiId']}/"
            f"{context['stage']}/{request_event['httpMethod']}{request_event['resource']}"
        )
        event = {key: request_event.get(key) for key in _EVENT_KEYS}
        return {"type": "REQUEST", "methodArn": method_arn, **event}


def _identity_value(event: Mapping[str, Any], source: str) -> str | None:
    kind, _, name = source.removeprefix("method.request.").partition(".")
    if kind == "querystring":
        value = (event.get("queryStringParameters") or {}).get(name)
        return str(value) if value is not None else None
    wanted = name.lower()
    for key, value in (event.get("headers") or {}).items():
        if str(key).lower() == wanted:
            return str(value)
    return None


def _allows(policy: Mapping[str, Any], method_arn: str) -> bool:
    """IAM evaluation for one action and resource: an explicit Deny wins, else an Allow."""
    statements = policy.get("Statement") or []
    if isinstance(statements, Mapping):
        statements = [statements]
    allowed = False
    for statement in statements:
        actions = statement.get("Action") or []
        resources = statement.get("Resource") or []
        actions = [actions] if isinstance(actions, str) else actions
        resources = [resources] if isinstance(resources, str) else resources
        if not any(fnmatch.fnmatchcase("execute-api:Invoke", a) for a in actions):
            continue
        if not any(fnmatch.fnmatchcase(method_arn, r) for r in resources):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


def _admitted(answer: Mapping[str, Any], method_arn: str) -> dict[str, Any]:
    if not _allows(answer["policyDocument"], method_arn):
        raise _Refused("ACCESS_DENIED", 403, "Forbidden", "the policy does not allow the method")
    context = answer.get("context") or {}
    authorizer: dict[str, Any] = {}
    for key, value in context.items():
        if isinstance(value, bool):
            authorizer[str(key)] = "true" if value else "false"
        elif isinstance(value, (str, int, float)):
            authorizer[str(key)] = str(value)
        else:
            raise _Refused(
                "AUTHORIZER_CONFIGURATION_ERROR",
                500,
                "Internal server error",
                f"context value of {key!r} is not a string, number or boolean",
            )
    authorizer["principalId"] = str(answer.get("principalId", ""))
    return authorizer
