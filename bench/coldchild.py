"""One cold start: `python -S -m bench.coldchild MODULE ATTR EVENT_JSON`.

Run in a fresh process by `bench.coldstart`. Before the timer it imports only
what AWS Lambda's Python runtime (awslambdaric's bootstrap and marshaller) has
already imported when it imports a handler: decimal, importlib, json, logging,
math, os, time, traceback, and sets up its JSON log output (bench.lambda_logging).
Anything else a variant needs (typing, dataclasses, boto3, ...) it pays for. DynamoDB
is the parent's `bench.fake_dynamodb` server, reached through `AWS_ENDPOINT_URL_DYNAMODB`.
Then it times the import of MODULE and the first call of MODULE.ATTR(event, context).
Prints `ready` as soon as the first response exists (the parent timestamps that line:
its wall time from spawn is the cold start), then one JSON line with the details.
MODULE `-` measures the bare interpreter.
"""

# What the Lambda runtime has loaded before the handler module (see the docstring).
import decimal  # noqa: F401
import importlib  # noqa: F401
import json
import logging  # noqa: F401
import math  # noqa: F401
import os  # noqa: F401
import sys
import time
import traceback  # noqa: F401

# Lambda's JSON log output; imports only what is above (see its docstring).
from bench import lambda_logging


class _Context:
    # Deliberately a copy of bench.events.LambdaContext: importing bench.events here would
    # load modules (before the timer) that the measured handlers then get for free.
    function_name = "bench"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    memory_limit_in_mb = 128
    aws_request_id = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    log_group_name = "/aws/lambda/bench"
    log_stream_name = "2026/11/24/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def _peak_rss_kb() -> int:
    """VmHWM of this process image (getrusage's ru_maxrss keeps the parent's across exec)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main() -> None:
    module_name, attr, event_text = sys.argv[1], sys.argv[2], sys.argv[3]
    event = json.loads(event_text)
    context = _Context()
    # Lambda's log output, set up by the runtime before it imports the handler; what the
    # handler prints goes to /dev/null, and this protocol to the real stdout.
    protocol = sys.stdout
    lambda_logging.install()
    t0 = time.perf_counter()
    status = 0
    t1 = t0
    if module_name != "-":
        module = __import__(module_name, fromlist=[attr])
        handler = getattr(module, attr)
        t1 = time.perf_counter()
        response = handler(event, context)
        status = int(response["statusCode"])
    t2 = time.perf_counter()
    cpu_ms = time.process_time() * 1000  # this process's CPU, spawn to the first response
    protocol.write("ready\n")
    protocol.flush()
    out = {
        "status": status,
        "import_ms": (t1 - t0) * 1000,
        "first_call_ms": (t2 - t1) * 1000,
        "init_ms": (t2 - t0) * 1000,
        "cpu_ms": cpu_ms,
        "peak_rss_kb": _peak_rss_kb(),
        "boto3_imported": "boto3" in sys.modules,
        "botocore_imported": "botocore" in sys.modules,
        "modules": len(sys.modules),
    }
    protocol.write(json.dumps(out) + "\n")
    protocol.flush()


if __name__ == "__main__":
    main()
