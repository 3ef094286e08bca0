"""The corpus of public OpenAPI 3.0 specs (specs/, SOURCES.md) and what each one gets.

For each spec: it renders; its template passes aws-sam-translator and cfn-lint, on the SAM
file and on the translated one; `serve --mock` starts on it (bodies built from schemas,
broken examples named); and a bounded schemathesis run against that mock (mock_fuzz.py)
finds no server error and no conformance failure.

cfn-lint is most of the time (2-10 s a file), so the specs are checked in worker processes,
two at once on CI's two cores. A worker checks one spec and ends: the local server imports
that spec's `generated` package, which must not stand in for the next spec's.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import shutil
import tempfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.corpus.mock_fuzz import FuzzOutcome

SPECS = tuple(sorted((Path(__file__).resolve().parent / "specs").glob("*.json")))
WORKERS = 2
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


@dataclass(frozen=True)
class SpecResult:
    name: str  # the file's stem
    operations: int  # in the spec as written
    rendered: int  # operations the generator rendered (0: it refused the spec)
    problems: tuple[str, ...] = ()  # the generator's refusal, cfn-lint's errors, serve's
    fuzz: FuzzOutcome | None = None  # None: the mock was not fuzzed (it did not start)
    skipped: tuple[str, ...] = field(default=())  # operations the generator left out, why

    @property
    def clean(self) -> bool:
        return not self.problems and self.fuzz is not None and not self.fuzz.failures


def operation_count(document: dict[str, Any]) -> int:
    return sum(
        1
        for item in (document.get("paths") or {}).values()
        for method in (item or {})
        if method in HTTP_METHODS
    )


def check(source: Path) -> SpecResult:
    """Render `source` in a temporary project and put the result through every check."""
    from codegen.openapi.errors import SpecError
    from codegen.openapi.parser import parse_api
    from codegen.render.collect import render_all, write
    from tests.support.aws_checks import TranslationError, cfn_lint_errors, translate, write_json

    # aws-sam-translator logs a line per feature toggle it does not know; warnings only.
    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    document = json.loads(source.read_text(encoding="utf-8"))
    total = operation_count(document)
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        spec = root / "openapi.yaml"  # JSON is YAML: read as the generator reads any spec
        shutil.copyfile(source, spec)
        try:
            api = parse_api(spec)
            write(root, render_all(api))
        except SpecError as error:
            return SpecResult(source.stem, total, 0, (f"codegen: {error}",))
        rendered = len(api.operations)
        skipped = tuple(f"{op.method} {op.path}: {op.reason}" for op in api.skipped)
        if not rendered:
            return SpecResult(source.stem, total, 0, ("no operation rendered",), skipped=skipped)
        template = root / "template.yaml"
        problems = cfn_lint_errors(template)
        try:
            cfn = translate(template.read_text(encoding="utf-8"))
        except TranslationError as error:
            problems.append(str(error))
        else:
            problems += cfn_lint_errors(write_json(cfn, root / "translated.json"))
        problems_so_far = tuple(problems)
        mock_problems, fuzz = _mock(root)
        return SpecResult(
            source.stem, total, rendered, problems_so_far + mock_problems, fuzz, skipped
        )


def _mock(root: Path) -> tuple[tuple[str, ...], FuzzOutcome | None]:
    """`serve --mock` starts (each thing it could not mock said in one line), and a
    bounded schemathesis run against it on a loopback port."""
    from codegen.serve import create_app
    from codegen.serve.app import StartupError
    from codegen.serve.auth.credentials_cli import headers
    from tests.corpus.mock_fuzz import fuzz
    from tests.serve.http_servers import serving

    # The server's own log (a contract violation, a handler's traceback) goes nowhere
    # here: schemathesis' report is the verdict, and worker output would interleave. (A
    # NullHandler, because a record that finds no handler goes to logging's last resort.)
    server_log = logging.getLogger("codegen.serve")
    server_log.propagate = False
    server_log.addHandler(logging.NullHandler())
    try:
        app = create_app(root, mock="all")
    except StartupError as error:
        return (f"serve --mock: {error}",), None
    try:
        problems = tuple(
            f"banner line of several lines: {line!r}" for line in app.mock_banner if "\n" in line
        )
        credentials = dict(headers(root / "openapi.yaml", None, [])) if app_has_auth(root) else {}
        with serving(app) as server:
            host, port = server.socket.getsockname()[:2]
            url = f"http://{host}:{port}"
            document = json.loads((root / "openapi.yaml").read_text(encoding="utf-8"))
            return problems, fuzz(url, document, credentials)
    finally:
        app.close()


def app_has_auth(root: Path) -> bool:
    """Whether `serve` made the checkout's credentials (some operation needs a key or a
    token it verifies)."""
    from codegen.serve.auth.local_credentials import credentials_path

    return credentials_path(root).is_file()


def check_all(specs: Sequence[Path] = SPECS, workers: int = WORKERS) -> dict[str, SpecResult]:
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=spawn, max_tasks_per_child=1) as pool:
        return {result.name: result for result in pool.map(check, specs)}
