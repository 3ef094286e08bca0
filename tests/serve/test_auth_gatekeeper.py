"""Methods behind a Lambda REQUEST authorizer: the gatekeeper never admits one it cannot
run, and the authorizers' answer cache (codegen.serve.auth.lambda_authorizers) is bounded
and matches policies with IAM's wildcards only.

The authorizer is a fake function handed in through the resolver, so each test decides
its answers and counts its calls; the refusals are the fake DefinitionBody's gateway
responses (tests/serve/fake_routes.py), with their CORS headers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from werkzeug.wrappers import Response

from codegen.openapi.authorizers import Check, Credential, LambdaAuthorizer
from codegen.serve.auth.gatekeeper import Admission, Gatekeeper
from codegen.serve.auth.lambda_authorizers import CACHE_ENTRIES, LambdaAuthorizers
from codegen.serve.context import LOCAL_ACCOUNT_ID, LOCAL_REGION
from codegen.serve.definition import MethodSecurity
from codegen.serve.handlers import Handler, HandlerResolver
from tests.serve.fake_routes import CORS, DEFINITION

HEADER = "X-Key"
AUTHORIZER = LambdaAuthorizer(
    ((Check(Credential("custom", "api_key", "header", HEADER, "/p", ttl=300)),),), "/p"
)
SECURED = MethodSecurity(lambda_authorizer=AUTHORIZER.name)
API, STAGE = "localapi", "local"
ARN_PREFIX = f"arn:aws:execute-api:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}:{API}/{STAGE}/GET"


def policy(resource: str, effect: str = "Allow") -> dict[str, Any]:
    statement = {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}
    return {
        "principalId": "me",
        "policyDocument": {"Version": "2012-10-17", "Statement": [statement]},
    }


class FakeAuthorizer(HandlerResolver):
    """Resolves every handler to one function answering `answer(event)`, and counts calls."""

    def __init__(self, answer: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        super().__init__()
        self.calls: list[str] = []
        self._answer = answer

    def resolve(self, dotted: str) -> Handler:
        def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
            self.calls.append(str(event["headers"].get(HEADER)))
            return self._answer(event)

        return handler


def allow_all() -> FakeAuthorizer:
    return FakeAuthorizer(lambda event: policy(f"{ARN_PREFIX}/*"))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def event(key: str = "k", resource: str = "/items") -> dict[str, Any]:
    return {
        "resource": resource,
        "path": resource,
        "httpMethod": "GET",
        "headers": {HEADER: key},
        "requestContext": {"apiId": API, "stage": STAGE},
    }


def authorizers(resolver: FakeAuthorizer, **options: Any) -> LambdaAuthorizers:
    return LambdaAuthorizers(DEFINITION, {AUTHORIZER.name: AUTHORIZER}, resolver, **options)


def assert_refused(found: object, status: int, message: str) -> None:
    assert isinstance(found, Response)
    assert found.status_code == status
    assert json.loads(found.get_data(as_text=True)) == {"message": message}
    for name, value in CORS.items():
        assert found.headers[name] == value


# -- deny by default ------------------------------------------------------------------------


def test_a_method_behind_a_lambda_authorizer_is_refused_without_authorizers() -> None:
    found = Gatekeeper(DEFINITION).admit({HEADER: "k"}, SECURED, "rid", lambda: event())
    assert_refused(found, 500, "Internal server error")


def test_a_method_behind_an_authorizer_the_gatekeeper_lacks_is_refused() -> None:
    resolver = allow_all()
    custom = LambdaAuthorizers(DEFINITION, {}, resolver)  # other authorizers only
    found = Gatekeeper(DEFINITION, lambda_authorizers=custom).admit(
        {HEADER: "k"}, SECURED, "rid", lambda: event()
    )
    assert_refused(found, 500, "Internal server error")
    # Without the request's event there is nothing to run it on either.
    gatekeeper = Gatekeeper(DEFINITION, lambda_authorizers=authorizers(resolver))
    assert_refused(gatekeeper.admit({HEADER: "k"}, SECURED, "rid"), 500, "Internal server error")
    assert resolver.calls == []


def test_a_configured_authorizer_decides() -> None:
    gatekeeper = Gatekeeper(DEFINITION, lambda_authorizers=authorizers(allow_all()))
    admitted = gatekeeper.admit({HEADER: "k"}, SECURED, "rid", lambda: event())
    assert admitted == Admission(authorizer={"principalId": "me"})
    assert_refused(gatekeeper.admit({}, SECURED, "rid", lambda: event(key="")), 401, "Unauthorized")


# -- the answer cache -----------------------------------------------------------------------


def test_an_expired_answer_is_dropped_and_asked_again() -> None:
    clock, resolver = Clock(), allow_all()
    custom = authorizers(resolver, clock=clock)
    assert isinstance(custom.authorize(AUTHORIZER.name, event("a")), dict)
    assert isinstance(custom.authorize(AUTHORIZER.name, event("a")), dict)
    assert resolver.calls == ["a"]  # the second answer came from the cache
    clock.now += AUTHORIZER.ttl
    assert isinstance(custom.authorize(AUTHORIZER.name, event("a")), dict)
    assert resolver.calls == ["a", "a"]  # expired at its TTL: asked again
    assert len(custom._cache) == 1


def test_expired_answers_nobody_asks_for_again_are_dropped() -> None:
    clock, resolver = Clock(), allow_all()
    custom = authorizers(resolver, clock=clock)
    for key in ("a", "b", "c"):
        custom.authorize(AUTHORIZER.name, event(key))
    assert len(custom._cache) == 3
    clock.now += AUTHORIZER.ttl + 1
    custom.authorize(AUTHORIZER.name, event("d"))  # a new answer sweeps the expired ones
    assert list(custom._cache) == [(AUTHORIZER.name, ("d",))]


def test_the_cache_is_capped_least_recently_used_first() -> None:
    resolver = allow_all()
    custom = authorizers(resolver, max_entries=3)
    for key in ("a", "b", "c"):
        custom.authorize(AUTHORIZER.name, event(key))
    custom.authorize(AUTHORIZER.name, event("a"))  # a is used again: b is the oldest now
    custom.authorize(AUTHORIZER.name, event("d"))
    assert [identity for _, (identity,) in custom._cache] == ["c", "a", "d"]
    del resolver.calls[:]
    custom.authorize(AUTHORIZER.name, event("a"))
    custom.authorize(AUTHORIZER.name, event("b"))
    assert resolver.calls == ["b"]  # a was still cached, b had been evicted


def test_ever_new_credentials_do_not_grow_the_cache_without_end() -> None:
    custom = authorizers(allow_all())
    for n in range(CACHE_ENTRIES + 50):
        custom.authorize(AUTHORIZER.name, event(f"key-{n}"))
    assert len(custom._cache) == CACHE_ENTRIES
    assert (AUTHORIZER.name, (f"key-{CACHE_ENTRIES + 49}",)) in custom._cache
    assert (AUTHORIZER.name, ("key-0",)) not in custom._cache


# -- IAM wildcards --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resource", "requested", "allowed"),
    [
        # `[` and `]` are themselves, not a character class as fnmatch reads them.
        ("/items/[ab]", "/items/a", False),
        ("/items/[ab]", "/items/[ab]", True),
        ("/items/[!x]", "/items/y", False),
        ("/items/[!x]", "/items/[!x]", True),
        # IAM's own wildcards still work: `?` one character, `*` any run (also of `/`).
        ("/items/?", "/items/a", True),
        ("/items/?", "/items/ab", False),
        ("/*", "/items/a/b", True),
        ("/items/a.b", "/items/aXb", False),  # nor is `.` a wildcard
    ],
)
def test_policies_match_with_iam_wildcards_only(
    resource: str, requested: str, allowed: bool
) -> None:
    resolver = FakeAuthorizer(lambda event: policy(ARN_PREFIX + resource))
    found = authorizers(resolver).authorize(AUTHORIZER.name, event(resource=requested))
    if allowed:
        assert found == {"principalId": "me"}
    else:
        assert_refused(found, 403, "Forbidden")


def test_an_explicit_deny_with_brackets_denies_only_what_it_names() -> None:
    def answer(event: dict[str, Any]) -> dict[str, Any]:
        allow = policy(f"{ARN_PREFIX}/*")
        deny = policy(f"{ARN_PREFIX}/items/[ab]", "Deny")["policyDocument"]["Statement"]
        allow["policyDocument"]["Statement"] += deny
        return allow

    custom = authorizers(FakeAuthorizer(answer))
    assert custom.authorize(AUTHORIZER.name, event(resource="/items/a")) == {"principalId": "me"}
    denied = custom.authorize(AUTHORIZER.name, event("other", resource="/items/[ab]"))
    assert_refused(denied, 403, "Forbidden")
