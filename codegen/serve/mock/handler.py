"""The mock Lambda: the operation's generated validator, then a documented example.

`build_mock(api, root, mode)` returns the resolver the gateway calls handlers through: the
mocked operations' handlers are the mock, the others (with `--mock-stubs`) the real ones.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codegen.openapi.model import Api
from codegen.openapi.published import published_document
from codegen.serve import rendered
from codegen.serve.handlers import Handler, HandlerResolver
from codegen.serve.mock.dynamic import DynamicBodies
from codegen.serve.mock.examples import Choice, Example, OperationAnswers, operation_answers
from codegen.serve.mock.prefer import preferences
from codegen.serve.mock.stubs import stub_operations

MOCK_MODES = ("all", "stubs")
JSON_SUFFIX = "json"


class MockHandler:
    """One callable for every mocked operation; the event names which one was called."""

    def __init__(
        self,
        answers: Mapping[tuple[str, str], OperationAnswers],
        validators: Mapping[str, str],
        dynamic: DynamicBodies | None = None,
    ) -> None:
        self._answers = dict(answers)
        self._validators = dict(validators)  # (METHOD path) -> generated.operations.<op>
        self._dynamic = dynamic  # `Prefer: dynamic=true` bodies

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        runtime = rendered.load(rendered.RUNTIME)
        key = (str(event["httpMethod"]), str(event["resource"]))
        # The real handler's first step: the same 400/415 answers, before any example.
        validator = rendered.load(self._validators[f"{key[0]} {key[1]}"])
        request = validator.validate(event)
        if isinstance(request, dict):
            return request
        prefer = preferences(_prefer_values(event))
        choice = self._answers[key].choose(prefer)
        if isinstance(choice, str):
            response: dict[str, Any] = runtime.error_response(400, choice)
            return response
        if prefer.get("dynamic") == "true" and "example" not in prefer:
            choice = self._dynamic_choice(choice)
        return _proxy_response(runtime, choice)

    def _dynamic_choice(self, choice: Choice) -> Choice:
        """`choice` with a random schema-valid body, when one can be drawn."""
        pointer = choice.answer.schema_pointer
        if self._dynamic is None or pointer is None:
            return choice
        value = self._dynamic.body(pointer)
        if value is None:
            return choice
        return dataclasses.replace(choice, example=Example("dynamic", value))


def _prefer_values(event: Mapping[str, Any]) -> list[str]:
    multi = event.get("multiValueHeaders") or {}
    return [
        str(value)
        for name, values in multi.items()
        if name.lower() == "prefer"
        for value in values or ()
    ]


def _proxy_response(runtime: Any, choice: Choice) -> dict[str, Any]:
    headers = dict(choice.answer.headers)
    body = choice.example.value if choice.example is not None else None
    media_type = choice.answer.media_type
    if media_type is None or "*" in media_type:
        # None: no content documented; a range (`*/*`, `application/*`) is no Content-Type
        # a response can carry, and JSON is within it.
        response: dict[str, Any] = runtime.json_response(choice.status, body, headers)
        return response
    if media_type.split(";")[0].strip().endswith(JSON_SUFFIX):
        # `application/scim+json`, `application/problem+json`: JSON under the declared
        # type, which is what the client reads the body by.
        answer: dict[str, Any] = runtime.json_response(
            choice.status, body, {"Content-Type": media_type, **headers}
        )
        return answer
    return {
        "statusCode": choice.status,
        "headers": {**runtime.CORS_HEADERS, "Content-Type": media_type, **headers},
        # A structured value under a media type that is not JSON (`application/jwt` with an
        # object schema, say) has no other text form than JSON.
        "body": "" if body is None else body if isinstance(body, str) else json.dumps(body),
    }


class MockResolver(HandlerResolver):
    """The mock for the mocked handlers' names, the real handler for every other."""

    def __init__(self, mocked: frozenset[str], mock: Handler) -> None:
        super().__init__()
        self._mocked = mocked
        self._mock = mock

    def resolve(self, dotted: str) -> Handler:
        return self._mock if dotted in self._mocked else super().resolve(dotted)


@dataclass(frozen=True)
class MockSetup:
    resolver: HandlerResolver
    banner: tuple[str, ...]


def build_mock(
    api: Api, root: Path, mode: str, *, strict: bool = False, seed: int | None = None
) -> MockSetup:
    """The resolver for `mode` ("all" or "stubs"). `SpecError` for an operation with
    nothing to answer, and with `strict` for an invalid example; otherwise each invalid
    example is a line of the banner and a body built from the schema answers instead.
    `seed` seeds the `Prefer: dynamic=true` bodies (None: one chosen now, and printed)."""
    operations = list(api.operations) if mode == "all" else stub_operations(api, root)
    # The document client teams get; its examples checked against their schemas here.
    warnings: list[str] = []
    document = published_document(api.document, api.spec_path, check=strict)
    answers = operation_answers(document, strict=strict, warnings=warnings)
    dynamic = DynamicBodies(document, secrets.randbelow(2**32) if seed is None else seed)
    mock = MockHandler(
        answers,
        {f"{op.method} {op.path}": rendered.operation_module(op) for op in api.operations},
        dynamic,
    )
    names = ", ".join(op.operation_id for op in operations) or "none"
    scope = "every operation" if mode == "all" else f"stub handlers only ({names})"
    banner = (
        f"Mock: {scope} answered from the spec's examples, else from their schemas; "
        "`Prefer: code=NNN` / `Prefer: example=NAME` pick the answer",
        "Mock: `Prefer: dynamic=true` answers a random body valid against its schema "
        f"(seed {dynamic.seed}: `--seed {dynamic.seed}` draws the same bodies again)",
        *(f"Mock: {line}" for line in warnings),
    )
    mocked = frozenset(op.handler.dotted for op in operations)
    return MockSetup(MockResolver(mocked, mock), banner)


ALLOW_HEADERS_SUFFIX = ".header.Access-Control-Allow-Headers"


def allow_prefer(body: Any) -> Any:
    """The DefinitionBody with `Prefer` added to every `Access-Control-Allow-Headers`.

    A browser sends a preflight before a request with a `Prefer` header, and drops the
    request unless the preflight allows it: without this, a web client could not pick
    answers from the mock. The deployed API has no mock, so its body is left as it is.
    """
    if isinstance(body, dict):
        return {
            key: _with_prefer(value)
            if key.endswith(ALLOW_HEADERS_SUFFIX) and isinstance(value, str)
            else allow_prefer(value)
            for key, value in body.items()
        }
    if isinstance(body, list):
        return [allow_prefer(item) for item in body]
    return body


def _with_prefer(quoted: str) -> str:
    """`'A,B'` -> `'A,B,Prefer'` (API Gateway quotes static header values)."""
    inner = quoted.strip("'")
    return f"'{inner},Prefer'" if inner else "'Prefer'"
