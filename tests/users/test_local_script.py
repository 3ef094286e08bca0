"""test_local.py: the walk through every endpoint passes, fails loudly, and imports quietly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    env.pop("TABLE_NAME", None)
    return env


def test_python_test_local_exits_0() -> None:
    result = subprocess.run(
        [sys.executable, "test_local.py"],
        cwd=ROOT,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAIL" not in result.stdout
    for path in ("/hello", "/users", "/users/00000000-0000-4000-8000-000000000000"):
        assert path in result.stdout
    for status in (200, 201, 204, 400, 401, 403, 404):
        assert f"-> {status}" in result.stdout
    assert "(via the gateway)" in result.stdout  # the authenticated walk (issue 11)


def test_importing_it_has_no_side_effects() -> None:
    code = (
        "import os, sys; before = dict(os.environ); import test_local; "
        "assert callable(test_local.main); "
        "assert not {'moto', 'boto3', 'users'} & set(sys.modules), sorted(sys.modules); "
        "assert dict(os.environ) == before"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


def test_an_unexpected_response_makes_it_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import test_local

    monkeypatch.delenv("TABLE_NAME", raising=False)

    def wrong(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"statusCode": 200, "headers": {"Access-Control-Allow-Origin": "*"}, "body": ""}

    monkeypatch.setattr("users.get_user.handler", wrong)
    assert test_local.main() == 1
    assert "FAIL" in capsys.readouterr().out
