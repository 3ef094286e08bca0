"""`python -m codegen COMMAND`: one command line for every tool.

    python -m codegen [generate] [--spec PATH]   render everything beside the spec
    python -m codegen check [--spec PATH]        exit 1 listing stale generated files
    python -m codegen serve|publish|diff|fuzz|credentials ARGS   <tool module>.main(ARGS) (TOOLS)

`python -m codegen --help` lists every command; `python -m codegen COMMAND --help` shows that
command's own options. The tools parse their own arguments (each module's `main(argv)`), and
are imported only when named: each has heavy dependencies the others do not need.

A bad spec is exit 2 with one line on stderr, `codegen: error: <pointer>: <message>`;
never a traceback (set CODEGEN_DEBUG=1 to get one for a bug in the generator itself).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from codegen.openapi.errors import SpecError

EXIT_OK = 0
EXIT_STALE = 1
EXIT_SPEC_ERROR = 2
EXIT_INTERNAL_ERROR = 3
DEFAULT_SPEC = Path("openapi.yaml")


@dataclass(frozen=True)
class Tool:
    """A command that lives in its own module, with its `main(argv) -> int`."""

    module: str
    summary: str


TOOLS = {
    "serve": Tool(
        "codegen.serve", "run the API locally: API Gateway emulated, handlers in-process"
    ),
    "publish": Tool(
        "codegen.publish", "write the published document, its docs page and typed clients"
    ),
    "diff": Tool("codegen.diff", "breaking changes between two specs, and the version policy"),
    "smoke": Tool("codegen.smoke", "the pre-traffic check: read-only requests, answers checked"),
    "fuzz": Tool(
        "codegen.fuzz", "schemathesis against the local server, a URL or a stack; cleans up"
    ),
    "credentials": Tool(
        "codegen.serve.auth.credentials_cli", "the local server's tokens and API keys, as headers"
    ),
}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in TOOLS:
        # Imported lazily: each tool has heavy dependencies the others do not need.
        tool = importlib.import_module(TOOLS[args[0]].module)
        if args[0] == "serve":
            # serve does not import publish (tests/codegen/test_layers.py): its /docs page
            # is handed over from here, which may import every stage.
            from codegen.publish import docs_page

            return int(tool.main(args[1:], docs_page=docs_page))
        return int(tool.main(args[1:]))
    options = _parser().parse_args(args)
    try:
        spec = options.spec or DEFAULT_SPEC
        if options.command == "check":
            return _check(spec)
        return _generate(spec)
    except SpecError as error:
        _fail(str(error))
        return EXIT_SPEC_ERROR
    except Exception as error:
        if os.environ.get("CODEGEN_DEBUG"):
            raise
        _fail(f"internal error ({type(error).__name__}): {error}; re-run with CODEGEN_DEBUG=1")
        return EXIT_INTERNAL_ERROR


def _generate(spec: Path) -> int:
    from codegen.openapi.parser import parse_api
    from codegen.render.cloudformation.stack_limits import limit_warnings
    from codegen.render.collect import TEMPLATE_FILE, render_all, write

    api = parse_api(spec)
    for skipped in api.skipped:
        print(skipped.warning, file=sys.stderr)
    rendered = render_all(api)
    for warning in limit_warnings(rendered.generated[TEMPLATE_FILE]):
        print(warning, file=sys.stderr)
    for relative in write(api.root, rendered):
        print(f"codegen: wrote {relative.as_posix()}")
    return EXIT_OK


def _check(spec: Path) -> int:
    from codegen.openapi.parser import parse_api
    from codegen.render.collect import check, render_all

    api = parse_api(spec)
    problems = check(api.root, render_all(api))
    for problem in problems:
        print(f"codegen: {problem}")
    if problems:
        print("codegen: generated files are out of date; run `python -m codegen`", file=sys.stderr)
        return EXIT_STALE
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m codegen",
        description="Everything from one OpenAPI 3.0 spec: validators, routes, handler stubs and "
        "template.yaml, and the tools that serve, publish and compare it. "
        "Without a command: generate.",
    )
    _add_spec(parser, default=None)
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    for name, summary in (
        ("generate", "render every generated file beside the spec (the default)"),
        ("check", "exit 1 listing generated files that are missing or out of date"),
    ):
        # SUPPRESS: a --spec given before the command is not overwritten by this default.
        _add_spec(commands.add_parser(name, help=summary, description=summary), argparse.SUPPRESS)
    for name, tool in TOOLS.items():
        # Listed here; `main` hands the arguments to the tool before this parser runs.
        commands.add_parser(name, help=tool.summary, add_help=False)
    return parser


def _add_spec(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--spec",
        type=Path,
        default=default,
        help=f"the OpenAPI document (default: ./{DEFAULT_SPEC})",
    )


def _fail(message: str) -> None:
    print(f"codegen: error: {' '.join(message.split())}", file=sys.stderr)
