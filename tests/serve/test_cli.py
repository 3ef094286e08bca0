"""The command's own behaviour: options, the one-line error when the port is taken."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from codegen.serve import main
from codegen.serve.cli import build_parser, endpoint_from
from codegen.serve.storage import ENDPOINT_VARIABLE


def test_defaults() -> None:
    args = build_parser().parse_args([])
    assert (args.host, args.port, args.reload, args.validate_responses) == (
        "127.0.0.1",
        3000,
        False,
        True,
    )
    assert args.spec == Path("openapi.yaml")


def test_no_validate_responses() -> None:
    assert build_parser().parse_args(["--no-validate-responses"]).validate_responses is False


def test_endpoint_option_then_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENDPOINT_VARIABLE, raising=False)
    assert endpoint_from(None) is None
    monkeypatch.setenv(ENDPOINT_VARIABLE, "http://127.0.0.1:8000")
    assert endpoint_from(None) == "http://127.0.0.1:8000"
    assert endpoint_from("http://127.0.0.1:9000") == "http://127.0.0.1:9000"


@pytest.mark.parametrize("extra", [[], ["--reload"]])
def test_port_taken_is_one_line_and_exit_1(
    extra: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        status = main(["--port", str(port), *extra])
    captured = capsys.readouterr()
    assert status == 1
    assert captured.err == (
        f"error: port {port} on 127.0.0.1 is already in use (stop that program or use --port)\n"
    )
    assert "Traceback" not in captured.out + captured.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--port", "99999"], "argument --port: 99999 is not a port number (0-65535)"),
        (["--port", "-1"], "argument --port: -1 is not a port number (0-65535)"),
        (["--port", "http"], "argument --port: 'http' is not a port number"),
        (
            ["--dynamodb-endpoint", "notaurl"],
            "argument --dynamodb-endpoint: 'notaurl' is not an http:// or https:// URL with a host",
        ),
        (
            ["--dynamodb-endpoint", "http://127.0.0.1:70000"],
            "argument --dynamodb-endpoint: 'http://127.0.0.1:70000' is not a valid URL",
        ),
    ],
)
def test_bad_options_are_argparse_errors_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith(f"python -m codegen serve: error: {message}")
    assert "Traceback" not in err


def test_a_bad_endpoint_variable_is_one_line_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(ENDPOINT_VARIABLE, "notaurl")
    assert main(["--port", "0"]) == 1
    assert capsys.readouterr().err == (
        f"error: {ENDPOINT_VARIABLE}: 'notaurl' is not an http:// or https:// URL with a host\n"
    )


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000", "https://dynamodb.local", "http://[::1]:9"]
)
def test_good_endpoints_pass(url: str) -> None:
    assert build_parser().parse_args(["--dynamodb-endpoint", url]).dynamodb_endpoint == url
