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
(none without identity sources), so a cached Deny or Allow applies as deployed. The cache
is bounded: an expired answer is dropped (when looked up, and in a sweep at most every
SWEEP_SECONDS), and beyond CACHE_ENTRIES the least recently used answer goes, so a client
sending ever new credentials cannot grow the server's memory without end.

With `serve --mock`, an authorizer whose verification functions are all still the generated
stubs (which refuse everyone) is `presence_only`: like Stoplight Prism, the server checks
only that a credential is where the spec says (401 without one) and lets the caller in, so
that a client team can use a mock of a spec whose verification nobody has written yet.
Filled-in authorizers, and the Cognito and API key checks, stay verified for real.

A policy's actions and resources are matched with IAM's wildcards only: `*` (any run of
characters) and `?` (any one character); every other character, `[` and `]` included, is
itself (IAM User Guide, "IAM JSON policy elements: Resource").
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import time
from collections import OrderedDict
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
# Answers remembered at most, all authorizers together: a few thousand callers' worth, a
# few MB at most, far more than a local server sees while each answer lives (TTL <= 1 h).
CACHE_ENTRIES = 4096
# How often, at most, a new answer's insertion also drops every expired one (answers are
# also dropped when looked up expired, and evicted least recently used first when full).
SWEEP_SECONDS = 60.0
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
    max_entries: int = CACHE_ENTRIES
    # Authorizers that only check a credential is present (`serve --mock`, unfilled stubs).
    presence_only: frozenset[str] = frozenset()
    # (authorizer, identity values) -> (expiry on `clock`, answer); least recently used first.
    _cache: OrderedDict[tuple[str, tuple[str, ...]], tuple[float, dict[str, Any]]] = field(
        default_factory=OrderedDict
    )
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _next_sweep: float = float("-inf")

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
        if authorizer.name in self.presence_only:
            return _presence_answer(authorizer, event)
        key = (authorizer.name, identity)
        if not authorizer.ttl:
            return self._invoke(authorizer, event, request_id)
        now = self.clock()
        cached = self._cached(key, now)
        if cached is not None:
            return cached
        answer = self._invoke(authorizer, event, request_id)
        self._remember(key, answer, now + authorizer.ttl, now)
        return answer

    def _cached(self, key: tuple[str, tuple[str, ...]], now: float) -> dict[str, Any] | None:
        with self._lock:
            found = self._cache.get(key)
            if found is None:
                return None
            if found[0] <= now:
                del self._cache[key]
                return None
            self._cache.move_to_end(key)
            return found[1]

    def _remember(
        self, key: tuple[str, tuple[str, ...]], answer: dict[str, Any], expiry: float, now: float
    ) -> None:
        with self._lock:
            if now >= self._next_sweep or len(self._cache) >= self.max_entries:
                for stale in [k for k, (until, _) in self._cache.items() if until <= now]:
                    del self._cache[stale]
                self._next_sweep = now + SWEEP_SECONDS
            self._cache[key] = (expiry, answer)
            self._cache.move_to_end(key)
            while len(self._cache) > self.max_entries:
                self._cache.popitem(last=False)

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


PRESENCE_PRINCIPAL = "mock-caller"


def _presence_answer(authorizer: LambdaAuthorizer, event: Mapping[str, Any]) -> dict[str, Any]:
    """Allow when every credential of one alternative is present; else 401."""
    for alternative in authorizer.alternatives:
        if all(_identity_value(event, c.credential.identity_source) for c in alternative):
            return {
                "principalId": PRESENCE_PRINCIPAL,
                "policyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Action": "execute-api:Invoke",
                            "Effect": "Allow",
                            "Resource": str(event["methodArn"]),
                        }
                    ],
                },
            }
    raise _Refused("UNAUTHORIZED", 401, UNAUTHORIZED, "no credential where the spec says")


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
        if not any(iam_matches("execute-api:Invoke", str(a)) for a in actions):
            continue
        if not any(iam_matches(method_arn, str(r)) for r in resources):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


def iam_matches(value: str, pattern: str) -> bool:
    """Does `value` match the policy's `pattern`, where only `*` and `?` are wildcards?
    (Not `fnmatch`: it reads `[...]` as a character class, so a Resource holding brackets
    would match ARNs it does not name, and never the ARN it does.)"""
    return _iam_pattern(pattern).fullmatch(value) is not None


@functools.lru_cache(maxsize=256)
def _iam_pattern(pattern: str) -> re.Pattern[str]:
    wildcards = {"*": ".*", "?": "."}
    return re.compile("".join(wildcards.get(c) or re.escape(c) for c in pattern), re.DOTALL)


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
