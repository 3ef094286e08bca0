"""`python -m codegen smoke`: the pre-traffic check, run here.

    python -m codegen smoke [--spec PATH]                 the handlers in this process
    python -m codegen smoke --url URL [--client NAME]     a running API, over HTTP

The same cases and the same checks CodeDeploy's pre-traffic hook runs before it shifts
traffic to a new version (`src/generated/pre_traffic.py`, rendered from the spec): each
operation that changes nothing, called with the spec's examples; each answer must have a
documented status below 500, the CORS headers, and a body valid against its schema.

Without `--url` the handlers run in this process on the embedded DynamoDB (empty tables),
as the hook invokes the new versions. With `--url` the requests go to that API with this
checkout's credentials (`python -m codegen credentials`): the local server's. Exit 0 when
every case passes, 1 with one line per problem otherwise, 2 for a bad spec or a spec with
no read-only operation.
"""

from __future__ import annotations

import argparse
import importlib
import io
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Any

from codegen.openapi.errors import SpecError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
TIMEOUT_SECONDS = 10

Case = Mapping[str, Any]
Answer = Mapping[str, Any]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m codegen smoke",
        description="The pre-traffic check (the spec's read-only requests, answers checked "
        "against the spec), against the local handlers or a running API.",
    )
    parser.add_argument("--spec", type=Path, default=Path("openapi.yaml"))
    parser.add_argument("--url", help="a running API's base URL (e.g. http://127.0.0.1:3000)")
    parser.add_argument(
        "--client", help="with --url: the client team whose credentials to send (default: any)"
    )
    return parser


def main(argv: list[str]) -> int:
    options = build_parser().parse_args(argv)
    root = options.spec.resolve().parent
    try:
        with _generated_modules(root) as (check, cases):
            if not cases:
                print("smoke: the spec has no read-only operation to call", file=sys.stderr)
                return EXIT_USAGE
            if options.url:
                headers = _credentials(options.spec, options.client)
                problems = check.run(cases, http_invoke(options.url, headers))
            else:
                # The functions' own log and metrics lines go to CloudWatch when deployed;
                # here they would bury the report.
                with _local_storage(root), redirect_stdout(io.StringIO()):
                    problems = check.run(cases, local_invoke)
    except SpecError as error:
        print(f"smoke: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    for problem in problems:
        print(f"smoke: {problem}")
    where = options.url or "the local handlers"
    print(f"smoke: {len(cases)} cases against {where}: {len(problems)} problems")
    return EXIT_FAILED if problems else EXIT_OK


@contextmanager
def _generated_modules(root: Path) -> Iterator[tuple[Any, Sequence[Case]]]:
    """`generated.pre_traffic` and its CASES, from the spec's own src/ (rendered files)."""
    src = str(root / "src")
    sys.path.insert(0, src)
    try:
        check = importlib.import_module("generated.pre_traffic")
        cases = importlib.import_module("generated.pre_traffic_cases").CASES
        yield check, cases
    finally:
        sys.path.remove(src)


@contextmanager
def _local_storage(root: Path) -> Iterator[None]:
    from codegen.serve.storage import Storage

    storage = Storage(root / "template.yaml")
    storage.start()
    try:
        yield
    finally:
        storage.stop()


class _Context:
    """What the handlers read of a Lambda context."""

    function_name = "smoke"
    memory_limit_in_mb = 256
    aws_request_id = "smoke"

    def get_remaining_time_in_millis(self) -> int:
        return TIMEOUT_SECONDS * 1000


def local_invoke(case: Case) -> Answer:
    """The case's handler, called in this process with the case's event."""
    module_name, _, function = str(case["handler"]).rpartition(".")
    handler: Callable[[Any, Any], Answer] = getattr(importlib.import_module(module_name), function)
    return handler(dict(case["event"]), _Context())


def http_invoke(base_url: str, credentials: Mapping[str, str]) -> Callable[[Case], Answer]:
    """Sends the case's request to `base_url`, as API Gateway would receive it."""
    import requests

    def invoke(case: Case) -> Answer:
        event = case["event"]
        headers = {**event.get("headers", {}), **credentials}
        answer = requests.request(
            str(case["method"]),
            base_url.rstrip("/") + str(event["path"]),
            params=event.get("queryStringParameters") or None,
            headers=headers,
            timeout=TIMEOUT_SECONDS,
        )
        return {
            "statusCode": answer.status_code,
            "headers": dict(answer.headers),
            "body": answer.text,
        }

    return invoke


def _credentials(spec: Path, client: str | None) -> dict[str, str]:
    from codegen.serve.auth.credentials_cli import headers

    return dict(headers(spec, client, []))
