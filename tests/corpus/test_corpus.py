"""The corpus of public OpenAPI 3.0 specs (corpus.py says what each spec gets): every spec
renders a template the AWS tools accept, its mock starts, and schemathesis finds nothing
against the mock. Run alone: `pytest tests/corpus` (a few minutes on 2 shared cores).
The table in docs/corpus.md is made from the same checks: `make corpus-report`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus.corpus import SPECS, SpecResult, check_all
from tests.corpus.report import REPORT, spec_names_in

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def results() -> dict[str, SpecResult]:
    return check_all()


def test_the_corpus_is_large_enough() -> None:
    assert len(SPECS) >= 30


def test_the_report_lists_every_spec_of_the_corpus() -> None:
    assert spec_names_in(REPORT.read_text(encoding="utf-8")) == [s.stem for s in SPECS]


@pytest.mark.parametrize("source", SPECS, ids=[spec.stem for spec in SPECS])
def test_renders_aws_tools_accept_it_and_its_mock_fuzzes_clean(
    source: Path, results: dict[str, SpecResult]
) -> None:
    result = results[source.stem]
    assert result.problems == ()
    assert result.fuzz is not None
    assert result.fuzz.failures == ()
    assert result.fuzz.cases > 0
