"""Proxy response rules: what API Gateway accepts, and what it calls malformed (502)."""

from __future__ import annotations

from typing import Any

import pytest

from codegen.serve.proxy import MalformedProxyResponse, to_proxy_response


def test_minimal_response() -> None:
    response = to_proxy_response({"statusCode": 204})
    assert (response.status, response.body) == (204, b"")
    assert response.header("content-type") == "application/json"


def test_handler_content_type_is_kept() -> None:
    response = to_proxy_response(
        {"statusCode": 200, "headers": {"content-type": "text/plain"}, "body": "hé"}
    )
    assert response.header("Content-Type") == "text/plain"
    assert response.body == "hé".encode()


@pytest.mark.parametrize(
    ("result", "reason"),
    [
        ("just a string", "expected an object"),
        (None, "expected an object"),
        ({"statusCode": 200, "extra": 1}, "unexpected keys ['extra']"),
        ({"body": "x"}, "statusCode must be an integer"),
        ({"statusCode": "200"}, "statusCode must be an integer"),
        ({"statusCode": True}, "statusCode must be an integer"),
        ({"statusCode": 600}, "statusCode must be an integer"),
        ({"statusCode": 200, "body": {"a": 1}}, "body must be a string"),
        ({"statusCode": 200, "headers": {"X-N": 1}}, "header 'X-N' must be a string"),
        ({"statusCode": 200, "headers": []}, "must be objects"),
        ({"statusCode": 200, "multiValueHeaders": {"X": "a"}}, "must be a list of strings"),
        ({"statusCode": 200, "isBase64Encoded": "yes"}, "isBase64Encoded must be a boolean"),
        ({"statusCode": 200, "body": "%%%", "isBase64Encoded": True}, "not valid base64"),
    ],
)
def test_malformed(result: Any, reason: str) -> None:
    with pytest.raises(MalformedProxyResponse, match=reason.replace("[", r"\[")):
        to_proxy_response(result)
