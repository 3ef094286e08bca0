"""The API reference page in a real browser (headless Chromium), fully offline.

Two ways a person reads it, both checked the same way:
- `server`: `python -m codegen serve` answers `/docs` (assets under `/docs/`, the spec at
  `/openapi.json`);
- `dist`: the folder `python -m codegen publish` writes (index.html + assets/), served by a
  plain static file server.

For each: every operation's summary and operationId is in the rendered DOM, no request of
the page left loopback (every other host resolves to nothing, and Chromium's net log is
read back), the page broke no Content-Security-Policy rule and threw no error, and a
screenshot is saved in reports/ for a person to look at.
"""

from __future__ import annotations

import functools
import html
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from codegen.openapi.parser import parse_api
from codegen.publish import main as publish_main
from tests.support.tools import chromium, require_tool

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "reports"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
SERVER_START_TIMEOUT_S = 60.0
BROWSER_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Target:
    name: str
    url: str


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for(url: str, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            pytest.fail(f"the server exited with {process.returncode}:\n{output[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {SERVER_START_TIMEOUT_S} s")


@pytest.fixture(scope="module")
def server() -> Iterator[Target]:
    """`python -m codegen serve` on a free loopback port (embedded moto, no AWS)."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "codegen", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/docs", process)
        yield Target("server", f"http://127.0.0.1:{port}/docs")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """The `publish` output, served as static files on a free loopback port."""
    out = tmp_path_factory.mktemp("dist")
    assert (
        publish_main(["--spec", str(ROOT / "openapi.yaml"), "--out", str(out), "--no-clients"]) == 0
    )
    handler = functools.partial(_QuietHandler, directory=str(out))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/index.html"
        _wait_for(url)
        yield Target("dist", url)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@dataclass(frozen=True)
class BrowserRun:
    stdout: str
    log: str
    requests: list[dict[str, Any]]  # URL requests from Chromium's net log


def _run_chromium(url: str, *mode: str) -> BrowserRun:
    exe = require_tool(
        "chromium", chromium(), "Debian's chromium is not installed (make install adds it as root)"
    )
    with tempfile.TemporaryDirectory(prefix="docs-browser-") as tmp:
        net_log = Path(tmp) / "net-log.json"
        command = [
            str(exe),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-default-apps",
            # Chromium's own services that send page data out (autofill asks Google about
            # forms, e.g. the server-variable inputs): not the page's requests.
            "--disable-features=AutofillServerCommunication,Translate,OptimizationHints",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            # Any host but loopback resolves to nothing: the page cannot reach the network.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            f"--log-net-log={net_log}",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=10000",
            "--window-size=1280,1900",
            *mode,
            url,
        ]
        done = subprocess.run(
            command,
            capture_output=True,
            timeout=BROWSER_TIMEOUT_S,
            check=False,
            stdin=subprocess.DEVNULL,
            cwd=tmp,
        )
        log = done.stderr.decode(errors="replace")
        assert done.returncode == 0, f"chromium exited with {done.returncode}:\n{log[-3000:]}"
        return BrowserRun(done.stdout.decode(errors="replace"), log, _requests(net_log))


def _requests(net_log: Path) -> list[dict[str, Any]]:
    """Each URL request in the net log: url, network isolation key, net error (0 = ok)."""
    data = json.loads(net_log.read_text(encoding="utf-8"))
    names = {number: name for name, number in data["constants"]["logEventTypes"].items()}
    by_source: dict[int, dict[str, Any]] = {}
    for event in data["events"]:
        params = event.get("params") or {}
        source = event.get("source", {}).get("id")
        if names.get(event["type"]) == "URL_REQUEST_START_JOB" and "url" in params:
            by_source.setdefault(
                source, {"url": params["url"], "nik": params.get("network_isolation_key", "")}
            )
        elif source in by_source and "net_error" in params:
            by_source[source]["net_error"] = params["net_error"]
    return list(by_source.values())


def _is_loopback(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about", "chrome") or parts.hostname in LOOPBACK_HOSTS


def _check_network(run: BrowserRun, target: Target) -> None:
    site = f"http://{urlsplit(target.url).hostname}"
    page = [r for r in run.requests if site in r["nik"]]
    assert page, f"no request of the page in the net log: {run.requests}"
    escaped = [r["url"] for r in page if not _is_loopback(r["url"])]
    assert escaped == [], f"the page requested non-loopback URLs: {escaped}"
    # Chromium's own background services may try (sign-in, updates): none may succeed.
    succeeded = [
        r["url"] for r in run.requests if not _is_loopback(r["url"]) and r.get("net_error", 0) == 0
    ]
    assert succeeded == [], f"requests left loopback: {succeeded}"


def _check_console(run: BrowserRun) -> None:
    console = [line for line in run.log.splitlines() if ":CONSOLE" in line]
    problems = [
        line
        for line in console
        if "Content Security Policy" in line or "Uncaught" in line or "Failed to load" in line
    ]
    assert problems == [], "\n".join(problems)


@pytest.fixture(params=["server", "dist"])
def target(request: pytest.FixtureRequest) -> Target:
    found: Target = request.getfixturevalue(request.param)
    return found


def test_docs_page_renders_every_operation_offline(target: Target) -> None:
    run = _run_chromium(target.url, "--dump-dom")
    dom = html.unescape(run.stdout)
    assert 'id="swagger-ui"' in dom
    assert "Failed to load API definition" not in dom
    api = parse_api(ROOT / "openapi.yaml")
    missing = [
        text
        for operation in api.operations
        for text in (operation.summary, operation.operation_id)
        if text and text not in dom
    ]
    assert missing == [], f"not rendered on {target.url}: {missing}"
    assert api.title in dom
    _check_network(run, target)
    _check_console(run)


def test_docs_page_screenshot(target: Target, tmp_path: Path) -> None:
    shot = tmp_path / f"docs-{target.name}.png"
    run = _run_chromium(target.url, f"--screenshot={shot}")
    assert shot.is_file() and shot.stat().st_size > 10_000, f"no screenshot:\n{run.log[-2000:]}"
    _check_network(run, target)
    REPORTS.mkdir(exist_ok=True)
    shutil.copyfile(shot, REPORTS / shot.name)
