"""The benchmark's stand-in for Lambda's log output."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from bench import lambda_logging
from tests.support.lambda_format import LambdaJsonFormatter


def test_extra_fields_land_at_the_top_level_as_lambda_renders_them() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s %d", ("op", 200), None)
    record.__dict__.update({"operationId": "op", "status": 200, "gone": None})
    line = json.loads(LambdaJsonFormatter().format(record))
    assert line["message"] == "op 200" and line["level"] == "INFO" and line["logger"] == "x"
    assert line["operationId"] == "op" and line["status"] == 200
    assert "gone" not in line and "lineno" not in line and "args" not in line


def test_install_renders_info_records_as_lambda_does_and_undo_restores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = logging.getLogger()
    monkeypatch.setattr(root, "level", logging.WARNING)
    stdout, handlers = sys.stdout, list(root.handlers)
    undo = lambda_logging.install()
    try:
        assert sys.stdout is not stdout  # what handlers print goes to /dev/null
        assert root.level == logging.INFO
        (added,) = [h for h in root.handlers if h not in handlers]
        assert isinstance(added.formatter, LambdaJsonFormatter)
    finally:
        undo()
    assert sys.stdout is stdout and root.handlers == handlers and root.level == logging.WARNING
