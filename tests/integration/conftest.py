"""Fixtures for the HTTP-level tests: a moto server endpoint, and the local server on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.moto_server import moto_server
from tests.support.servers import ServerProcess, codegen_server

# The table name the server is told to use (TABLE_NAME), so tests can read the same table.
TABLE_NAME = "users-local-test"


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    """moto over HTTP on a free loopback port: an endpoint the test and the server share."""
    with moto_server() as url:
        yield url


@pytest.fixture(scope="module")
def server_on_moto(moto_endpoint: str) -> Iterator[ServerProcess]:
    """`python -m codegen serve --dynamodb-endpoint <moto>`, stopped by pid afterwards."""
    with codegen_server(
        ["--dynamodb-endpoint", moto_endpoint], env={"TABLE_NAME": TABLE_NAME}
    ) as server:
        yield server
