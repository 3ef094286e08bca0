"""A Lambda-like `context` object for handlers invoked in-process.

It carries the attributes the Python runtime's `LambdaContext` has (aws_request_id,
function_name, function_version, invoked_function_arn, memory_limit_in_mb,
log_group_name, log_stream_name, get_remaining_time_in_millis()).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

LOCAL_REGION = "us-east-1"
LOCAL_ACCOUNT_ID = "123456789012"  # the placeholder account AWS documentation uses
DEFAULT_TIMEOUT_MS = 29_000  # API Gateway REST's default integration timeout
DEFAULT_MEMORY_MB = 128


class LambdaContext:
    """One invocation's context; the remaining time counts down from construction."""

    def __init__(
        self,
        *,
        aws_request_id: str,
        function_name: str,
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
        memory_limit_in_mb: int = DEFAULT_MEMORY_MB,
    ) -> None:
        self.aws_request_id = aws_request_id
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = (
            f"arn:aws:lambda:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}:function:{function_name}"
        )
        self.memory_limit_in_mb = memory_limit_in_mb
        self.log_group_name = f"/aws/lambda/{function_name}"
        day = datetime.now(UTC).strftime("%Y/%m/%d")
        self.log_stream_name = f"{day}/[$LATEST]{aws_request_id.replace('-', '')}"
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + timeout_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))
