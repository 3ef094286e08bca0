"""Fixtures shared by the local server's tests."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _handlers_build_fresh_clients() -> Iterator[None]:
    """Each in-process local API starts its own DynamoDB on a new port, and the handlers'
    helper (utils.dynamodb) caches its client with the endpoint of the first one. The
    server no longer reaches into the app to forget it (codegen stays apart from the app):
    until the helper keys its cache by the endpoint, the tests forget it between tests."""
    yield
    helper = sys.modules.get("utils.dynamodb")
    clear = getattr(helper, "clear_cache", None)
    if callable(clear):
        clear()
