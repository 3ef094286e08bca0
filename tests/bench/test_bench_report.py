"""bench.report and the results' JSON round-trip, on synthetic results."""

from __future__ import annotations

from pathlib import Path

from bench import budgets, config, report
from bench.generator import count_operations, synthetic_spec
from bench.results import Package, Results
from bench.stats import TIMES
from tests.bench.helpers import good_results


def test_report_has_every_section_and_the_budget_summary() -> None:
    results = good_results()
    text = report.render(results, budgets.evaluate(results))
    for heading in (
        "## Budgets",
        "## Cold start",
        "## Warm",
        "## Local server",
        "## Generator",
        "## Package",
        "## Machine",
    ):
        assert heading in text
    assert "![results](results.png)" in text
    assert "checks met, 0 missed, 0 not evaluated" in text
    assert "| hello valid |" in text and "| deleteUser invalid |" in text


def test_report_cells_show_medians_and_paired_ratios() -> None:
    results = good_results()
    text = report.render(results, budgets.evaluate(results))
    # ours hello 22 ms against bare 20 ms; createUser 300 ms against bare + boto3 290 ms
    assert f"22.0 ms (1.10{TIMES})" in text
    assert f"300 ms (1.03{TIMES})" in text
    assert f"| GET /users/{{id}} | 1 | 500 | 50 | 10{TIMES} |" in text


def test_report_lists_what_was_missed_with_the_measurement() -> None:
    results = good_results()
    chalice = results.warm_of("chalice", "hello", "valid", "off")
    assert chalice is not None
    chalice.us = [12.0, 12.0, 12.0]
    text = report.render(results, budgets.evaluate(results))
    assert "Not met:" in text
    line = (
        f"- warm >= 2x faster than Chalice (own work, lines off), hello valid: 1.20{TIMES} "
        f"vs >= 2{TIMES}, MISSED"
    )
    assert line in text


def test_report_shows_the_lines_on_and_off_and_what_they_cost() -> None:
    results = good_results()
    text = report.render(results, budgets.evaluate(results))
    warm = text.split("## Warm", 1)[1].split("## Local server", 1)[0]
    # ours 50 µs on against bare 48; 10 off against 8: both tables, in that order
    on, off = warm.index("| 50.0 µs ±0.0 | 48.0 µs ±0.0 |"), warm.index("| 10.0 µs ±0.0 | 8.0 µs")
    assert on < off
    assert "| hello valid | 40.0 µs | 40.0 µs | 40.0 µs | 40.0 µs | 40.0 µs |" in warm
    cost = text.split("## What the request lines cost", 1)[1].split("## Local server", 1)[0]
    assert "| one request log record through Lambda's JSON formatter (lines on) | 40.00 µs" in cost
    assert "| __init__.py:__init__ | 1 | 25% | 10.0 µs |" in cost  # a quarter of 40 µs
    assert "Of 33 comparisons: 11 met, 22 impossible for any line-writing handler, 0 missed" in cost
    row = (
        f"| getUser valid | openapi-core | 50{TIMES} | 1040.0 µs | 20.8 µs | 50.0 µs | "
        f"21{TIMES} | 100{TIMES} | impossible: X / N < one record |"
    )
    assert row in cost


def test_report_says_why_a_section_was_not_measured() -> None:
    results = good_results()
    results.server = []
    results.skipped["server"] = "codegen/serve does not exist yet"
    results.package = Package(skipped=".tools/sam/bin/sam is missing (run `make install`)")
    text = report.render(results, budgets.evaluate(results))
    assert "Not measured: codegen/serve does not exist yet." in text
    assert "Not measured: .tools/sam/bin/sam is missing" in text


def test_results_json_round_trip(tmp_path: Path) -> None:
    results = good_results()
    results.package = Package(
        functions=6, unzipped_bytes=1000, zipped_bytes=400, files=3, largest=[("generated", 700)]
    )
    path = tmp_path / "results.json"
    results.save(path)
    again = Results.from_json(path.read_text(encoding="utf-8"))
    assert again == results


def test_synthetic_spec_has_the_asked_number_of_operations() -> None:
    import yaml

    document = yaml.safe_load(config.SPEC.read_text(encoding="utf-8"))
    spec = synthetic_spec(document, 50)
    assert count_operations(spec) == 50
    ids = [
        op["operationId"]
        for item in spec["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    ]
    assert len(set(ids)) == 50
    handlers = {
        op["x-handler"]
        for item in spec["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "x-handler" in op
    }
    assert len(handlers) == 50 and "things9.get_user.handler" in handlers


def test_readme_section_summarises_the_run() -> None:
    results = good_results()
    text = report.readme_section(results, budgets.evaluate(results), 7.4)
    assert text.startswith("## Performance")
    assert "| ours (generated validators) | 22.0 ms | 300 ms | 50.0 µs |" in text  # lines on
    assert "checks met." in text and "Not met" not in text
    assert "![benchmark](bench/results.png)" in text
    assert "python -m bench` (about 7 min" in text
