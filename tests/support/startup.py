"""A child process that serves a test: wait until it answers, then stop it by its pid.

One rule for every server a test starts (`python -m codegen serve`, DynamoDB Local): a
process that exits or does not answer in time fails the test with its own output.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from tests.support.ports import wait_until
from tests.support.processes import ChildProcess


@contextmanager
def serving(process: ChildProcess, answers: Callable[[], bool], timeout: float) -> Iterator[None]:
    """Wait up to `timeout` seconds for `answers()`, run the block, then stop `process`."""
    try:
        wait_until(lambda: answers() or not process.running(), timeout)
        if not answers():
            why = f"did not answer in {timeout}s" if process.running() else "exited"
            pytest.fail(f"`{' '.join(process.argv)}` {why}:\n{process.output()}")
        yield
    finally:
        process.stop()
        process.cleanup()
