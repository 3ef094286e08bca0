"""How Lambda's Python runtime renders a log record with `LoggingConfig.LogFormat: JSON`.

`LambdaJsonFormatter` follows the runtime's formatter (aws-lambda-python-runtime-interface-
client, awslambdaric/lambda_runtime_log_utils.py, `JsonFormatter.format`): timestamp,
level, message, logger, requestId, the exception's type, message and stack when the
record carries one, then every other attribute of the record that is not one of
logging's own (the `extra=` fields) at the top level; keys whose value is None are
dropped. Reproduced because that package needs Lambda's native runtime client to install.

Standard library only, and only modules the runtime has loaded before it imports a
handler (json, logging, traceback): the benchmark's cold-start child imports it before
its timer (bench/lambda_logging.py), so it must hand the measured handlers nothing for
free. The tests read their functions' log lines through it (tests/support/lambda_logs.py).
"""

from __future__ import annotations

import json
import logging
import traceback

TYPE_CHECKING = False  # `typing` is not loaded by the runtime (see above)
if TYPE_CHECKING:
    from typing import Any

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
