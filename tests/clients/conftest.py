"""The typed clients as `python -m codegen publish` writes them, once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen.publish import main as publish_main
from tests.support.tools import ROOT, node_tool, openapi_python_client, require_tool


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder publish wrote: openapi.yaml, clients/python, clients/typescript."""
    require_tool("openapi-python-client", openapi_python_client(), "run `make install`")
    require_tool("openapi-typescript", node_tool("openapi-typescript"), "run `make install`")
    out = tmp_path_factory.mktemp("published")
    assert publish_main(["--spec", str(ROOT / "openapi.yaml"), "--out", str(out)]) == 0
    return out
