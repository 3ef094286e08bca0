"""The Lambda-like context."""

from __future__ import annotations

import time

from codegen.serve.context import LambdaContext


def test_attributes() -> None:
    context = LambdaContext(aws_request_id="abc-def", function_name="GetUserFunction")
    assert context.aws_request_id == "abc-def"
    assert context.function_version == "$LATEST"
    assert context.invoked_function_arn == (
        "arn:aws:lambda:us-east-1:123456789012:function:GetUserFunction"
    )
    assert context.log_group_name == "/aws/lambda/GetUserFunction"
    assert context.log_stream_name.endswith("[$LATEST]abcdef")


def test_remaining_time_counts_down() -> None:
    context = LambdaContext(aws_request_id="r", function_name="f", timeout_ms=200)
    first = context.get_remaining_time_in_millis()
    assert 0 < first <= 200
    time.sleep(0.25)
    assert context.get_remaining_time_in_millis() == 0
