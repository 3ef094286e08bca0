"""`python -m codegen serve`: argument parsing, the threaded HTTP server, its lifecycle."""

from __future__ import annotations

import argparse
import errno
import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from werkzeug.serving import WSGIRequestHandler, is_running_from_reloader, run_simple

from codegen.serve import chaos, faults, local_secrets
from codegen.serve.app import LocalApi, StartupError, create_app
from codegen.serve.auth.setup import AuthOptions
from codegen.serve.docs_hook import DocsPage
from codegen.serve.http_server import EMBEDDED_THREADS, THREADS, HttpServer
from codegen.serve.storage import ENDPOINT_VARIABLE
from codegen.serve.terminal_log import HumanFormatter

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger("codegen.serve")


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler (`--reload` only) without its access log: the gateway logs one
    richer line itself."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


MAX_PORT = 65535


def port_number(text: str) -> int:
    """`--port`: an integer 0-65535 (0 = any free port); else argparse's one-line error."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= MAX_PORT:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0-{MAX_PORT})")
    return port


def endpoint_url(text: str) -> str:
    """`--dynamodb-endpoint`: an http(s) URL with a host, as botocore requires.

    botocore raises a bare ValueError ("Invalid endpoint") on anything else, deep inside
    start-up; checking here makes it argparse's one-line usage error (exit 2).
    """
    problem = url_problem(text)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return text


def url_problem(text: str) -> str | None:
    """Why `text` is not a usable endpoint URL, or None."""
    try:
        parts = urlsplit(text)
        port = parts.port  # ValueError when out of range or not a number
    except ValueError as error:
        return f"{text!r} is not a valid URL ({error})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{text!r} is not an http:// or https:// URL with a host"
    if port == 0:
        return f"{text!r} has port 0"
    return None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m codegen serve",
        description="Serve the API locally as the deployed API Gateway REST API would.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=port_number, default=3000, help="port (default 3000; 0 = any)"
    )
    parser.add_argument(
        "--spec", type=Path, default=Path("openapi.yaml"), help="the spec; its folder is the root"
    )
    parser.add_argument(
        "--dynamodb-endpoint",
        type=endpoint_url,
        default=None,
        help=f"a DynamoDB endpoint URL (default ${ENDPOINT_VARIABLE}, else embedded moto)",
    )
    parser.add_argument(
        "--reload", action="store_true", help="restart when src/ or the spec changes"
    )
    parser.add_argument(
        "--no-validate-responses",
        dest="validate_responses",
        action="store_false",
        help="do not check responses against the spec",
    )
    parser.add_argument(
        "--jwks",
        metavar="URL|FILE",
        help="verify tokens against this JWKS (a real Cognito pool's) instead of the "
        "checkout's local key; needs --issuer",
    )
    parser.add_argument(
        "--chaos",
        default=None,
        metavar="SPEC",
        help="inject DynamoDB faults at random, e.g. throttle=0.05,timeout=0.01 (faults: "
        + ", ".join(faults.NAMES)
        + "); off by default",
    )
    parser.add_argument("--issuer", help="with --jwks: the pool's issuer (iss)")
    parser.add_argument(
        "--client-id",
        dest="client_ids",
        action="append",
        default=[],
        metavar="ID",
        help="with --jwks: accept tokens of this app client only (repeatable; default any)",
    )
    mock = parser.add_mutually_exclusive_group()
    mock.add_argument(
        "--mock",
        dest="mock",
        action="store_const",
        const="all",
        help="answer every operation from the spec's examples instead of its handler "
        "(Prefer: code=NNN / example=NAME pick the answer); validation and auth still apply",
    )
    mock.add_argument(
        "--mock-stubs",
        dest="mock",
        action="store_const",
        const="stubs",
        help="mock only the operations whose handler is still the generated 501 stub",
    )
    parser.add_argument(
        "--strict-examples",
        action="store_true",
        help="with --mock/--mock-stubs: refuse to start on an example that breaks its schema "
        "(as publish does) instead of naming it and mocking from the schema",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        metavar="N",
        help="with --mock/--mock-stubs: seed the random bodies of `Prefer: dynamic=true` "
        "(default: one chosen at start and printed), so that a run can be replayed",
    )
    # `codegen.publish.docs_page` for /docs, handed over by `main` (serve imports no publish).
    parser.set_defaults(docs_page=None)
    return parser


def auth_options(args: argparse.Namespace) -> AuthOptions:
    return AuthOptions(args.jwks, args.issuer, tuple(args.client_ids))


def configure_logging() -> None:
    # The logging module's own switches (logThreads, ..., and the private `_srcfile`) once
    # skipped collecting what the format does not show, about 10 us a record: they are
    # the logging module's globals, and a request costs milliseconds, so they are left as
    # they are.
    handler = logging.StreamHandler(sys.stderr)
    # The functions' request records human-readable (`serve/terminal_log.py`).
    handler.setFormatter(HumanFormatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    for noisy in ("botocore", "boto3", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, or OSError (the caller turns it into a one-line message)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Before listen(): a connection takes its options from the listening socket when
        # the kernel completes its handshake, and the socket listens while the app still
        # loads (seconds). Set later, a client that connected early kept Nagle's algorithm
        # for the life of its keep-alive connection: the body, sent after the headers,
        # waited for the client's delayed ACK, about 40 ms an answer.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def bind_error(host: str, port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return f"error: port {port} on {host} is already in use (stop that program or use --port)"
    return f"error: cannot listen on {host}:{port}: {error.strerror or error}"


def worker_threads(embedded: bool, chaos: object | None) -> int:
    """A few workers when no request ever waits (embedded moto, no chaos), else enough for
    every waiting request (http_server.THREADS: the numbers are there)."""
    return EMBEDDED_THREADS if embedded and chaos is None else THREADS


def build_server(app: WSGIApplication, sock: socket.socket, threads: int = THREADS) -> HttpServer:
    """The HTTP server (codegen/serve/http_server.py) on an already bound socket."""
    return HttpServer(app, sock, threads)


def route_table(app: LocalApi) -> str:
    routes = sorted(app.routes, key=lambda route: (route.path, route.method))
    width = max((len(route.path) for route in routes), default=0)
    lines = [
        f"  {route.method:<7} {route.path:<{width}}  {route.operation_id} -> {route.handler}"
        for route in routes
    ]
    return "\n".join(["Routes:", *lines])


def announce(app: LocalApi, url: str) -> None:
    for warning in app.warnings:
        print(warning, file=sys.stderr, flush=True)
    print(route_table(app), flush=True)
    print(f"DynamoDB: {app.storage.description}", flush=True)
    secrets_line = local_secrets.describe(app.provided_secrets)
    if secrets_line is not None:
        print(secrets_line, flush=True)
    for line in (*app.auth_banner, *app.mock_banner):
        print(line, flush=True)
    print(f"Serving {app.spec_path.name} on {url} (Ctrl-C to stop)", flush=True)


def start_chaos(args: argparse.Namespace) -> None:
    """`--chaos`: say so loudly (stdout and stderr); the faults are in since start-up."""
    if args.chaos is not None:
        for stream in (sys.stdout, sys.stderr):
            print(chaos.banner(args.chaos), file=stream, flush=True)


def endpoint_from(option: str | None) -> str | None:
    """The endpoint: the option, else the environment (checked: a StartupError if bad)."""
    if option:
        return option
    variable = os.environ.get(ENDPOINT_VARIABLE) or None
    if variable is not None:
        problem = url_problem(variable)
        if problem is not None:
            raise StartupError(f"{ENDPOINT_VARIABLE}: {problem}")
    return variable


def app_for(args: argparse.Namespace, root: Path) -> LocalApi:
    """The local API as the command line asks for it (both the plain and the reloading server)."""
    return create_app(
        root,
        validate_responses=args.validate_responses,
        dynamodb_endpoint=endpoint_from(args.dynamodb_endpoint),
        auth=auth_options(args),
        mock=args.mock,
        strict_examples=args.strict_examples,
        mock_seed=args.seed,
        spec_file=args.spec.name,
        docs_page=args.docs_page,
        chaos=None if args.chaos is None else chaos.Chaos(args.chaos),
    )


def serve(args: argparse.Namespace) -> int:
    root = args.spec.resolve().parent
    try:
        sock = bind(args.host, args.port)
    except OSError as error:
        print(bind_error(args.host, args.port, error), file=sys.stderr)
        return 1
    try:
        app = app_for(args, root)
    except BaseException:
        sock.close()
        raise
    try:
        threads = worker_threads(app.storage.embedded, args.chaos)
        server = build_server(app, sock, threads)  # closes the socket on stop
        if threading.current_thread() is threading.main_thread():
            # Before the banner: whoever waits for "Serving" may stop the server at once.
            # Ctrl-C and a stop by pid (SIGTERM) both ask for a clean stop. Setting SIGINT's
            # handler also matters because a shell without job control starts background
            # commands with SIGINT ignored, and children inherit that (seen under CI,
            # where `.ci/run` is non-interactive).
            signal.signal(signal.SIGTERM, server.request_stop)
            signal.signal(signal.SIGINT, server.request_stop)
        start_chaos(args)
        url = f"http://{args.host}:{server.port}"
        server.serve_until_stopped(ready=lambda: announce(app, url))
    finally:
        sock.close()
        app.close()
    print("Stopped.", flush=True)
    return 0


def watched_files(root: Path, spec: Path) -> list[str]:
    sources = (path for path in (root / "src").rglob("*") if path.is_file())
    files: Iterable[Path] = (p for p in sources if "__pycache__" not in p.parts)
    return [str(path) for path in (*files, spec, root / "template.yaml") if path.exists()]


def _not_serving(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """The reloader's parent process only watches files; its child serves."""
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"reloading"]


def serve_with_reloader(args: argparse.Namespace) -> int:
    spec = args.spec.resolve()
    root = spec.parent
    if is_running_from_reloader():
        app = app_for(args, root)
        start_chaos(args)
        announce(app, f"http://{args.host}:{args.port}")
        wsgi_app: WSGIApplication = app
    else:
        try:
            bind(args.host, args.port).close()
        except OSError as error:
            print(bind_error(args.host, args.port, error), file=sys.stderr)
            return 1
        print(f"Reloading on changes to {root / 'src'} and {spec.name}", flush=True)
        wsgi_app = _not_serving
    try:
        run_simple(
            args.host,
            args.port,
            wsgi_app,
            use_reloader=True,
            reloader_type="stat",
            extra_files=watched_files(root, spec),
            threaded=True,
            request_handler=QuietRequestHandler,
        )
    except SystemExit as stop:  # the reloader's parent exits with its child's code
        return stop.code if isinstance(stop.code, int) else 0
    return 0


def main(argv: list[str], docs_page: DocsPage | None = None) -> int:
    """Entry point of `python -m codegen serve ARGS`; returns the exit status. `docs_page`
    (`codegen.publish.docs_page`, from the command line) serves `/docs`."""
    args = build_parser().parse_args(argv)
    args.docs_page = docs_page
    if args.chaos is not None:
        try:
            args.chaos = chaos.parse(args.chaos)
        except ValueError as error:  # one line, not argparse's usage block
            print(f"error: --chaos: {error}", file=sys.stderr)
            return 2
    configure_logging()
    try:
        return serve_with_reloader(args) if args.reload else serve(args)
    except StartupError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:  # Ctrl-C during start-up
        print("Stopped.", flush=True)
        return 130
