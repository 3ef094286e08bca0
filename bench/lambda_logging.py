"""Lambda's log output as the Python runtime sets it up before it imports a handler, so the
benchmark measures handlers with logging and metrics on, as deployed.

With `LoggingConfig.LogFormat: JSON` and `ApplicationLogLevel: INFO`, the runtime puts
one handler on the root logger, at INFO, whose formatter renders each record as a JSON
object (timestamp, level, message, logger, requestId, then the record's `extra` fields at
the top level: aws-lambda-python-runtime-interface-client,
awslambdaric/lambda_runtime_log_utils.py, `JsonFormatter`), and sends what the function
prints on stdout to CloudWatch Logs line by line. `LambdaJsonFormatter` reproduces that
rendering; `lambda_output()` installs it with both streams going to /dev/null, so the
cost of building and writing the lines is paid, and nothing reaches the benchmark's own
stdout protocol. Standard library only, and only modules the runtime has loaded already
(json, logging, os, sys, traceback): the cold-start child imports it before its timer, so
it must not hand the measured handlers anything for free (no typing, no contextlib).

`BENCH_OBSERVABILITY=off` leaves logging as Python starts it (root at WARNING, no
handler: the request records are dropped before a record is even made) for a run that
shows what the lines cost; `set_records` switches the same way inside one process, which
is how the warm section measures every variant with the lines on and off, alternating.
The EMF lines are written either way (to /dev/null): "off" drops the log records only.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import traceback

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

OBSERVABILITY_VARIABLE = "BENCH_OBSERVABILITY"

# awslambdaric's _RESERVED_FIELDS (+ what a formatter adds itself): a record's own
# attributes, never copied as extra fields.
RESERVED_FIELDS = frozenset(
    {
        "name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module",
        "exc_info", "exc_text", "stack_info", "lineno", "funcName", "created", "msecs",
        "relativeCreated", "thread", "threadName", "processName", "process",
        "aws_request_id", "tenant_id", "_frame_type", "taskName", "message", "asctime",
    }
)  # fmt: skip
_encode = json.JSONEncoder(ensure_ascii=False).encode


class LambdaJsonFormatter(logging.Formatter):
    """A record as Lambda's JSON log format renders it (keys with None values dropped)."""

    def format(self, record: logging.LogRecord) -> str:
        exc = record.exc_info
        result: dict[str, Any] = {
            "timestamp": record.created,
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "stackTrace": traceback.format_tb(exc[2]) if exc else None,
            "errorType": exc[0].__name__ if exc and exc[0] else None,
            "errorMessage": str(exc[1]) if exc else None,
            "requestId": getattr(record, "aws_request_id", None),
        }
        result.update(
            (key, value)
            for key, value in record.__dict__.items()
            if key not in RESERVED_FIELDS and key not in result
        )
        return _encode({k: v for k, v in result.items() if v is not None})


def enabled() -> bool:
    return os.environ.get(OBSERVABILITY_VARIABLE, "on") != "off"


# The JSON handler `install` made (one at a time), for `set_records`.
_installed: list[logging.Handler] = []


def set_records(on: bool) -> None:
    """On: the JSON handler on the root logger at INFO, as deployed. Off: Python's default
    (root at WARNING, no handler), so an INFO record is dropped by the logger's level check
    before a LogRecord is made. Needs `install()` first."""
    root = logging.getLogger()
    handler = _installed[0]
    if on:
        if handler not in root.handlers:
            root.addHandler(handler)
        root.setLevel(logging.INFO)
    else:
        root.removeHandler(handler)
        root.setLevel(logging.WARNING)


def install() -> Callable[[], None]:
    """Lambda's output: root logger at INFO with its JSON rendering (unless switched off),
    stdout to /dev/null. Returns the function that undoes it."""
    sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - closed by the undo
    handler = logging.StreamHandler(sink)
    handler.setFormatter(LambdaJsonFormatter())
    root = logging.getLogger()
    level, stdout = root.level, sys.stdout
    _installed[:] = [handler]
    if enabled():
        set_records(True)
    sys.stdout = sink

    def undo() -> None:
        sys.stdout = stdout
        root.removeHandler(handler)
        root.setLevel(level)
        _installed.clear()
        sink.close()

    return undo
