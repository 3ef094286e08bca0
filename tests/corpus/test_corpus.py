"""A corpus of public OpenAPI 3.0 specs (tests/corpus/specs/, SOURCES.md): each renders,
its template passes aws-sam-translator and cfn-lint, the SAM file and the translated one,
and `serve --mock` starts on it (bodies built from schemas, broken examples named).
Run alone: `pytest tests/corpus` (two to four minutes on 2 shared cores).

cfn-lint is most of the time (2-10 s a file), so the specs are checked in two worker
processes at once, and each test reads its spec's result. A worker serves one spec and
ends: the local server imports that spec's `generated` package, which must not stand in
for the next spec's.
"""

from __future__ import annotations

import multiprocessing
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

SPECS = sorted((Path(__file__).resolve().parent / "specs").glob("*.json"))
WORKERS = 2

pytestmark = pytest.mark.slow


def check(source: Path) -> list[str]:
    """What is wrong with `source`'s rendering: the generator's error, or cfn-lint's errors
    on the SAM template and on its translation (empty: nothing)."""
    from codegen.openapi.errors import SpecError
    from codegen.openapi.parser import parse_api
    from codegen.render.collect import render_all, write
    from tests.support.aws_checks import TranslationError, cfn_lint_errors, translate, write_json

    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        spec = root / "openapi.yaml"  # JSON is YAML: read as the generator reads any spec
        shutil.copyfile(source, spec)
        try:
            api = parse_api(spec)
            write(root, render_all(api))
        except SpecError as error:
            return [f"codegen: {error}"]
        if not api.operations:
            return ["no operation rendered"]
        template = root / "template.yaml"
        problems = cfn_lint_errors(template)
        try:
            cfn = translate(template.read_text(encoding="utf-8"))
        except TranslationError as error:
            return [*problems, str(error)]
        problems += cfn_lint_errors(write_json(cfn, root / "translated.json"))
        return [*problems, *_mock_problems(root)]


def _mock_problems(root: Path) -> list[str]:
    """`serve --mock` starts, and says each thing it could not mock in one line."""
    from codegen.serve import create_app
    from codegen.serve.app import StartupError

    try:
        app = create_app(root, mock="all")
    except StartupError as error:
        return [f"serve --mock: {error}"]
    try:
        return [
            f"banner line of several lines: {line!r}" for line in app.mock_banner if "\n" in line
        ]
    finally:
        app.close()


@pytest.fixture(scope="module")
def results() -> dict[str, list[str]]:
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=spawn, max_tasks_per_child=1) as pool:
        return dict(zip((s.stem for s in SPECS), pool.map(check, SPECS), strict=True))


def test_the_corpus_is_large_enough() -> None:
    assert len(SPECS) >= 30


@pytest.mark.parametrize("source", SPECS, ids=[spec.stem for spec in SPECS])
def test_renders_and_aws_tools_accept_the_template(
    source: Path, results: dict[str, list[str]]
) -> None:
    assert results[source.stem] == []
