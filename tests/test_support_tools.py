"""The tool locators and `require_tool` (skip normally, fail under CI, Java always a skip)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import tools


def test_locators_return_existing_paths_or_none() -> None:
    for locate in (
        tools.sam,
        tools.checkov,
        tools.dynamodb_local_jar,
        tools.dynamodb_local_dir,
        tools.java,
        tools.chromium,
    ):
        found = locate()
        assert found is None or Path(found).exists(), locate.__name__


def test_dynamodb_local_dir_holds_jar_and_native_libs() -> None:
    directory = tools.require_tool(
        "DynamoDB Local", tools.dynamodb_local_dir(), "run `make install` (npm ci)"
    )
    assert (directory / "DynamoDBLocal.jar").is_file()
    assert (directory / "DynamoDBLocal_lib").is_dir()


def test_require_tool_returns_the_path(tmp_path: Path) -> None:
    exe = tmp_path / "tool"
    exe.write_text("")
    assert tools.require_tool("tool", exe, "never") == exe
    assert tools.require_tool("tool", str(exe), "never") == exe


def test_missing_tool_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="checkov not available: because"):
        tools.require_tool("checkov", None, "because")


def test_missing_tool_fails_under_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="sam not available"):
        tools.require_tool("sam", None, "not installed")
    with pytest.raises(pytest.fail.Exception):
        tools.require_tool("sam", tmp_path / "missing", "not installed")


def test_missing_java_skips_even_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.skip.Exception, match="java not available"):
        tools.require_tool("java", None, "Java 17 is not on this machine")
