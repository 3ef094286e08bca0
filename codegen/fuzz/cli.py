"""`python -m codegen fuzz`: schemathesis against the local server, a running one or a stack.

    python -m codegen fuzz                       start the local server, fuzz it, stop it
    python -m codegen fuzz --url URL             a server already running (the checkout's
                                                 credentials, as `codegen credentials` gives)
    python -m codegen fuzz --stack NAME [--region R] [--client TEAM] [--yes]

Every check and every phase (stateful included) of the pinned schemathesis, with the
project's narrowings (codegen/fuzz/schemathesis.toml) and hooks (codegen/fuzz/hooks.py),
which record each user the run creates and keep its writes off every other user. At the end
each created user that still exists is deleted. JUnit report: reports/fuzz-junit.xml. Exit
0 only if schemathesis found nothing and the clean-up left nothing behind. The last line:

    fuzz: N cases, F failures, C users created, R removed (...)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from codegen.fuzz import runner
from codegen.fuzz.handoff import LEDGER_VARIABLE
from codegen.fuzz.ledger import Ledger, delete_created
from codegen.fuzz.local_server import ServerError, local_server
from codegen.fuzz.target import Target, TargetError, checkout_target

if TYPE_CHECKING:
    from codegen.fuzz.stack import AwsSession

EXIT_OK = 0
EXIT_FAILURES = 1
EXIT_USAGE = 2
REPORT = Path("reports") / "fuzz-junit.xml"
HOOKS_VARIABLE = "SCHEMATHESIS_HOOKS"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m codegen fuzz",
        description="Fuzz the API with schemathesis (every check and phase) and delete what "
        "the run created. Without --url or --stack: the local server, started and stopped here.",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--url", help="a running server (the checkout's credentials)")
    where.add_argument("--stack", metavar="NAME", help="a deployed CloudFormation stack")
    parser.add_argument("--region", help="with --stack: its region (default: the AWS config's)")
    parser.add_argument(
        "--client",
        help="the client team whose credentials and usage plan to use (default: "
        "one granted every scope)",
    )
    parser.add_argument(
        "--yes", action="store_true", help="with --stack: do not ask before writing"
    )
    parser.add_argument("--seed", type=int, help="schemathesis' random seed (repeatable runs)")
    parser.add_argument(
        "--max-examples", type=int, metavar="N", help="at most N test cases per operation"
    )
    parser.add_argument(
        "--rate-limit",
        metavar="N/s",
        help="requests per second or minute, e.g. 20/s (default: the team's usage plan)",
    )
    parser.add_argument(
        "--spec", type=Path, default=Path("openapi.yaml"), help="the spec; its folder is the root"
    )
    return parser


@contextmanager
def _target(
    args: argparse.Namespace, spec: Path, aws: AwsSession | None, ask: Callable[[str], bool] | None
) -> Iterator[Target]:
    if args.stack:
        from codegen.fuzz.stack import stack_target

        yield stack_target(
            spec, args.stack, args.region, args.client, args.yes, session=aws, ask=ask
        )
    elif args.url:
        yield checkout_target(spec, args.url.rstrip("/"), args.client)
    else:
        with local_server(spec.parent, spec) as url:
            print(f"fuzz: local server at {url} (embedded DynamoDB), stopped at the end")
            yield checkout_target(spec, url, args.client)


def main(
    argv: list[str],
    *,
    aws_session: AwsSession | None = None,
    ask: Callable[[str], bool] | None = None,
) -> int:
    """`aws_session` and `ask` stand in for boto3's session and the terminal (tests)."""
    args = build_parser().parse_args(argv)
    spec = args.spec.resolve()
    root = spec.parent
    report = root / REPORT
    report.parent.mkdir(exist_ok=True)
    try:
        with ExitStack() as stack:
            target = stack.enter_context(_target(args, spec, aws_session, ask))
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fuzz-")))
            ledger_path = work / "ledger.jsonl"
            options = runner.Options(
                seed=args.seed,
                max_examples=args.max_examples,
                rate_limit=args.rate_limit or target.rate_limit,
            )
            env = {
                **target.handoff().environment(),
                LEDGER_VARIABLE: str(ledger_path),
                HOOKS_VARIABLE: str(runner.HOOKS),
            }
            argv_ = runner.command(root, spec, target.url, report, options)
            outcome = runner.run(argv_, env, work, report)
            ledger = Ledger.read(ledger_path)
            cleanup = delete_created(target.url, ledger.created, target.headers())
    except (TargetError, ServerError) as error:
        print(f"fuzz: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    for location in cleanup.removed:
        print(f"fuzz: removed {location}")
    for problem in cleanup.failed:
        print(f"fuzz: NOT removed {problem}", file=sys.stderr)
    cases = "?" if outcome.cases is None else str(outcome.cases)
    print(
        f"fuzz: JUnit report {report}; {ledger.redirected} writes kept off ids the run did not "
        f"create; {ledger.waited} answers 429/503 waited out (Retry-After); idempotency records "
        "stay until their TTL expires"
    )
    print(
        f"fuzz: {cases} cases, {outcome.failures} failures, {len(ledger.created)} users created, "
        f"{len(cleanup.removed)} removed ({len(cleanup.gone)} deleted by the run itself, "
        f"{len(cleanup.failed)} left behind)"
    )
    failed = outcome.exit_code != 0 or outcome.failures or cleanup.failed
    return EXIT_FAILURES if failed else EXIT_OK
