"""bench.generator: a baseline commit's generator without a checkout, and the profile of a
run that missed its budget."""

from __future__ import annotations

from pathlib import Path

from bench import budgets, config, generator, report
from bench.results import ProfileRow
from tests.bench.helpers import good_results


def test_a_commit_is_extracted_without_touching_the_checkout(tmp_path: Path) -> None:
    home = generator.extract("HEAD", tmp_path / "head")
    assert (home / "codegen" / "__main__.py").is_file()
    assert (home / "openapi.yaml").read_bytes() == config.SPEC.read_bytes()


def test_the_profile_names_the_generator_s_own_functions(tmp_path: Path) -> None:
    rows = generator.profile(tmp_path / "profiled", config.SPEC.read_text(encoding="utf-8"))
    assert rows and len(rows) <= generator.PROFILE_ROWS
    assert all(0 < row.share < 0.9 for row in rows)  # the entry points are left out
    assert any(row.function.startswith("codegen/") for row in rows)
    assert [row.share for row in rows] == sorted((row.share for row in rows), reverse=True)


def test_a_missed_generator_budget_shows_its_profile() -> None:
    results = good_results()
    largest = results.generator[-1]
    largest.seconds = [12.0]
    largest.profile = [ProfileRow("codegen/render/cloudformation/cfn_yaml.py:dump_yaml", 1, 0.6)]
    text = report.render(results, budgets.evaluate(results))
    assert "synthetic-500 missed its budget: where one run's time goes" in text
    assert "| codegen/render/cloudformation/cfn_yaml.py:dump_yaml | 1 | 60% |" in text
