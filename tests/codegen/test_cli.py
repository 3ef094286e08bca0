"""The CLI's dispatch to the other tools, and its handling of the unexpected."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pytest

from codegen import cli


@pytest.mark.parametrize("tool", ["serve", "publish", "diff"])
def test_tools_are_dispatched_lazily_with_their_arguments(
    tool: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[list[str]] = []
    fake = ModuleType(f"codegen.{tool}")

    def main(argv: list[str], **handed_over: object) -> int:  # serve also gets its docs page
        seen.append(argv)
        return 7

    fake.main = main  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, f"codegen.{tool}", fake)
    assert cli.main([tool, "--port", "3000", "x"]) == 7
    assert seen == [["--port", "3000", "x"]]


def test_a_bug_is_one_line_and_exit_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def broken(spec: Path) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr("codegen.openapi.parser.parse_api", broken)
    monkeypatch.delenv("CODEGEN_DEBUG", raising=False)
    assert cli.main(["--spec", str(tmp_path / "openapi.yaml")]) == 3
    err = capsys.readouterr().err
    assert (
        err == "codegen: error: internal error (RuntimeError): boom; re-run with CODEGEN_DEBUG=1\n"
    )
    monkeypatch.setenv("CODEGEN_DEBUG", "1")
    with pytest.raises(RuntimeError):
        cli.main(["--spec", str(tmp_path / "openapi.yaml")])


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main(["--help"])
    assert done.value.code == 0
    listed = capsys.readouterr().out
    for command in ("generate", "check", *cli.TOOLS):
        assert f"\n    {command}" in listed, command


@pytest.mark.parametrize("command", ["generate", "check", *sorted(cli.TOOLS)])
def test_every_command_has_its_own_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main([command, "--help"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: python -m codegen {command}")


def test_spec_may_come_before_or_after_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Path] = []

    def check(spec: Path) -> int:
        seen.append(spec)
        return 0

    monkeypatch.setattr(cli, "_check", check)
    assert cli.main(["--spec", "a.yaml", "check"]) == 0
    assert cli.main(["check", "--spec", "b.yaml"]) == 0
    assert cli.main(["check"]) == 0
    assert seen == [Path("a.yaml"), Path("b.yaml"), cli.DEFAULT_SPEC]


def test_an_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main(["fuzzz"])
    assert done.value.code == 2
    assert "invalid choice: 'fuzzz'" in capsys.readouterr().err
