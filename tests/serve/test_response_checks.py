"""The local server's compiled response checks (codegen/serve/response_checks.py): the
same verdicts as openapi-core (tests/support/openapi_core_oracle.py), naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from codegen.openapi.parser import parse_api
from codegen.serve.proxy import ProxyResponse
from codegen.serve.response_checks import CompiledResponseValidator
from tests.serve.test_validation import ROOT, USER, answer
from tests.support.openapi_core_oracle import ResponseValidator


@pytest.fixture(scope="module")
def checks() -> CompiledResponseValidator:
    return CompiledResponseValidator(parse_api(ROOT / "openapi.yaml"))


@pytest.fixture(scope="module")
def oracle() -> ResponseValidator:
    return ResponseValidator(parse_api(ROOT / "openapi.yaml").document)


PAGE = {"users": [USER], "count": 1, "next_token": None}
CASES: list[tuple[str, str, ProxyResponse, str | None]] = [
    ("GET", "/users/{id}", answer(200, USER), None),
    ("DELETE", "/users/{id}", answer(204, None), None),
    ("GET", "/users", answer(200, PAGE), None),
    ("POST", "/users", answer(201, USER, ("Location", "/users/x")), None),
    ("GET", "/users", answer(503, {"message": "busy"}, ("Retry-After", "1")), None),
    ("GET", "/users", answer(200, {**PAGE, "users": [{**USER, "email": "nope"}]}), "email"),
    ("GET", "/users/{id}", answer(200, {**USER, "id": "not-a-uuid"}), "id"),
    ("GET", "/users/{id}", answer(200, {**USER, "created_at": "yesterday"}), "created_at"),
    ("GET", "/users/{id}", answer(200, {**USER, "secret": 1}), "secret"),
    ("GET", "/users/{id}", answer(200, {k: v for k, v in USER.items() if k != "name"}), "name"),
    ("GET", "/users", answer(200, {**PAGE, "count": "1"}), "count"),
    ("GET", "/users/{id}", answer(418, {"message": "x"}), "418"),
    ("GET", "/users/{id}", ProxyResponse(200, (("Content-Type", "text/plain"),), b"hi"), "text"),
    ("GET", "/users", answer(503, {"message": "busy"}, ("Retry-After", "0")), "Retry-After"),
    ("GET", "/users/{id}", answer(404, {"nope": 1}), "message"),
]


@pytest.mark.parametrize(("method", "path", "response", "named"), CASES)
def test_the_same_verdict_as_openapi_core_naming_the_problem(
    checks: CompiledResponseValidator,
    oracle: ResponseValidator,
    method: str,
    path: str,
    response: ProxyResponse,
    named: str | None,
) -> None:
    problems = checks.problems(method, path, response)
    assert bool(problems) == bool(oracle.problems(method, path, response)), problems
    if named is None:
        assert problems == []
    else:
        assert any(named in problem for problem in problems), problems


def test_an_unknown_operation_is_not_checked(checks: CompiledResponseValidator) -> None:
    response: Any = answer(200, {"anything": True})
    assert checks.problems("GET", "/not-in-the-spec", response) == []
