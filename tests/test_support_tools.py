"""The tool locators and `require_tool` (skip normally, fail under CI)."""

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


def test_missing_java_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """`make install` installs Java 17 when it is missing, so CI without it is a broken build."""
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="java not available"):
        tools.require_tool("java", None, "Java 17 is not on this machine")


def test_project_tools_are_never_taken_from_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A `sam`, `checkov` or `chromium` on PATH is not the project's: it must not be found."""
    for name in ("sam", "checkov", "chromium"):
        fake = tmp_path / name
        fake.write_text("#!/bin/sh\nexit 0\n")
        fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(tools, "TOOLS_DIR", tmp_path / "no-tools-here")
    assert tools.sam() is None
    assert tools.checkov() is None
    assert tools.chromium() in (None, Path("/usr/bin/chromium"))
