"""`python -m codegen`: generate (default), check, and dispatch to the other tools.

    python -m codegen [generate] [--spec PATH]   render everything beside the spec
    python -m codegen check [--spec PATH]        exit 1 listing stale generated files
    python -m codegen serve|publish|diff|credentials ARGS   <tool module>.main(ARGS) (TOOLS)

A bad spec is exit 2 with one line on stderr, `codegen: error: <pointer>: <message>`;
never a traceback (set CODEGEN_DEBUG=1 to get one for a bug in the generator itself).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from codegen.openapi.errors import SpecError

EXIT_OK = 0
EXIT_STALE = 1
EXIT_SPEC_ERROR = 2
EXIT_INTERNAL_ERROR = 3
# Each tool's module, with its `main(argv) -> int`.
TOOLS = {
    "serve": "codegen.serve",
    "publish": "codegen.publish",
    "diff": "codegen.diff",
    "credentials": "codegen.serve.auth.credentials_cli",
}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in TOOLS:
        # Imported lazily: each tool has heavy dependencies the others do not need.
        tool = importlib.import_module(TOOLS[args[0]])
        if args[0] == "serve":
            # serve does not import publish (tests/codegen/test_layers.py): its /docs page
            # is handed over from here, which may import every stage.
            from codegen.publish import docs_page

            return int(tool.main(args[1:], docs_page=docs_page))
        return int(tool.main(args[1:]))
    options = _parser().parse_args(args)
    try:
        if options.command == "check":
            return _check(options.spec)
        return _generate(options.spec)
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
    from codegen.render.collect import render_all, write

    api = parse_api(spec)
    for relative in write(api.root, render_all(api)):
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
        description="Render validators, routes, stubs and template.yaml from the OpenAPI spec.",
        epilog=f"Also: {', '.join(TOOLS)} (see `python -m codegen <tool> --help`).",
    )
    parser.add_argument("command", nargs="?", choices=("generate", "check"), default="generate")
    parser.add_argument(
        "--spec", type=Path, default=Path("openapi.yaml"), help="default: ./openapi.yaml"
    )
    return parser


def _fail(message: str) -> None:
    print(f"codegen: error: {' '.join(message.split())}", file=sys.stderr)
