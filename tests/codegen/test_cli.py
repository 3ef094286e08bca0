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
