"""Lambda's log output as the Python runtime sets it up before it imports a handler, so the
benchmark measures every variant with its request log line and metrics line on, as
deployed.

With `LoggingConfig.LogFormat: JSON` and `ApplicationLogLevel: INFO`, the runtime puts
one handler on the root logger, at INFO, whose formatter renders each record as a JSON
object (tests/support/lambda_format.py), and sends what the function prints on stdout to
CloudWatch Logs line by line. `install()` sets up the same, with both streams going to
/dev/null: building and writing the lines is paid, and nothing reaches the benchmark's
own stdout protocol. Only modules the runtime has loaded already (logging, os, sys, and
the formatter's json and traceback): the cold-start child imports this before its timer.
"""

from __future__ import annotations

import logging
import os
import sys

from tests.support.lambda_format import LambdaJsonFormatter

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable


def install() -> Callable[[], None]:
    """Lambda's output: the root logger at INFO with its JSON rendering, stdout to
    /dev/null. Returns the function that undoes it."""
    sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - closed by the undo
    handler = logging.StreamHandler(sink)
    handler.setFormatter(LambdaJsonFormatter())
    root = logging.getLogger()
    level, stdout = root.level, sys.stdout
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    sys.stdout = sink

    def undo() -> None:
        sys.stdout = stdout
        root.removeHandler(handler)
        root.setLevel(level)
        sink.close()

    return undo
