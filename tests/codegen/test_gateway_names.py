"""codegen.openapi.aws_names: one rule for a function's logical id, shared by render/ and serve/."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen.openapi.aws_names import function_logical_id
from codegen.openapi.parser import parse_api

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("operation_id", "expected"),
    [
        ("getUser", "GetUserFunction"),
        ("list_pets", "ListPetsFunction"),
        ("HTTPGet", "HttpGetFunction"),
    ],
)
def test_logical_id_from_an_operation_id(operation_id: str, expected: str) -> None:
    assert function_logical_id(operation_id) == expected


def test_the_server_and_the_template_name_each_function_alike() -> None:
    api = parse_api(REPO / "openapi.yaml")
    assert api.operations
    for operation in api.operations:
        assert function_logical_id(operation.operation_id) == function_logical_id(operation)
