"""Only the benchmark's own tests import `bench`: the product (src/, codegen/, ops/) and the
rest of the test suite must work without it (the bench extra is not installed by
`make install`, and a benchmark is no part of what CI checks)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ("src", "codegen", "ops", "tests")
ALLOWED = ROOT / "tests" / "bench"


def bench_imports(path: Path) -> list[str]:
    """`import bench...` / `from bench... import ...` statements of one file, anywhere in it."""
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [f"{where}:{node.lineno} {name}" for name in names
                  if name == "bench" or name.startswith("bench.")]  # fmt: skip
    return found


def test_nothing_outside_tests_bench_imports_bench() -> None:
    files = [
        path
        for folder in CHECKED
        for path in sorted((ROOT / folder).rglob("*.py"))
        if ALLOWED not in path.parents
    ]
    assert len(files) > 50  # the scan really saw the tree
    assert [hit for path in files for hit in bench_imports(path)] == []


def test_the_scan_finds_every_form_of_import(tmp_path: Path) -> None:
    module = tmp_path / "sample.py"
    module.write_text(
        "import bench\nimport os, bench.config\nfrom bench.load import x\n"
        "def f():\n    from bench import report\nfrom benchmark import y\nfrom . import bench\n",
        encoding="utf-8",
    )
    hits = bench_imports(module)
    assert [hit.split(" ", 1)[1] for hit in hits] == [
        "bench",
        "bench.config",
        "bench.load",
        "bench",
    ]
