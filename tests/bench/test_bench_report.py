"""bench.report and the results' JSON round-trip, on synthetic results."""

from __future__ import annotations

from pathlib import Path

from bench import budgets, config, report
from bench.generator import count_operations, synthetic_spec
from bench.results import Results
from bench.stats import NONE, TIMES
from tests.bench.helpers import good_results


def test_report_has_every_section_and_the_budget_summary() -> None:
    results = good_results()
    text = report.render(results, budgets.evaluate(results))
    for heading in (
        "## Budgets",
        "## Cold start",
        "## Warm per request",
        "## DynamoDB capacity per request",
        "## Generator",
        "## Machine",
    ):
        assert heading in text
    assert "![results](results.png)" in text
    assert "checks met, 0 missed, 0 not evaluated" in text
    assert "| createUser keyed |" in text and "| deleteUser invalid |" in text
    assert "No warm budget missed." in text


def test_report_cells_show_medians_and_paired_ratios() -> None:
    results = good_results()
    text = report.render(results, budgets.evaluate(results))
    # ours 300 ms against bare 290 ms and Chalice 310 ms, paired per round
    assert f"| bare handler | 290 ms (1.03{TIMES}) |" in text
    assert f"| Chalice | 310 ms (0.97{TIMES}) |" in text
    # warm: ours 60 µs, bare 50, then each framework / ours
    row = (
        f"| getUser valid | 60.0 µs ±0.0 | 50.0 µs ±0.0 | 120.0 µs ±0.0 | 300.0 µs ±0.0 | "
        f"3000.0 µs ±0.0 | 1.20{TIMES} | 2.00{TIMES} | 5.00{TIMES} | 50{TIMES} |"
    )
    assert row in text
    assert "| createUser | 201 | 0 | 4 | TransactWriteItems: EmailsTable 2 + UsersTable 2 |" in text


def test_report_lists_what_was_missed_with_its_profile() -> None:
    results = good_results()
    ours = results.warm_of(config.OURS, "createUser", "valid")
    assert ours is not None
    ours.us = [100.0] * 3  # 2x the bare handler's 50 µs
    text = report.render(results, budgets.evaluate(results))
    line = (
        f"- warm: ours <= 1.5x bare handler, createUser valid: 2.00{TIMES} vs <= 1.5{TIMES}, "
        "MISSED (100.0 µs vs 50.0 µs)"
    )
    assert line in text
    profile = text.split("## Where a missed warm request's time goes", 1)[1]
    assert "ours (generated), createUser valid (cProfile, own time):" in profile
    assert "| users/service.py:create_user | 1 | 25% |" in profile


def test_report_shows_a_baseline_commit_beside_ours() -> None:
    results = good_results()
    results.generator.append(
        results.generator[-1].__class__("synthetic-500", 500, [4.0], [3.9], commit="abc1234")
    )
    text = report.render(results, budgets.evaluate(results))
    assert "| synthetic-500 | 500 | 5.50 s | 5.00 s | 11.0 ms |" in text
    assert "| synthetic-500 at abc1234 | 500 | 4.00 s | 3.90 s | 8.0 ms |" in text


def test_report_says_why_a_section_was_not_measured() -> None:
    results = good_results()
    results.capacity = []
    results.skipped["capacity"] = "DynamoDB Local needs Java 17 (JAVA_HOME or PATH)"
    text = report.render(results, budgets.evaluate(results))
    assert "Not measured: DynamoDB Local needs Java 17 (JAVA_HOME or PATH)." in text


def test_results_json_round_trip(tmp_path: Path) -> None:
    results = good_results()
    path = tmp_path / "results.json"
    results.save(path)
    assert Results.from_json(path.read_text(encoding="utf-8")) == results


def test_synthetic_spec_has_the_asked_number_of_operations() -> None:
    import yaml

    document = yaml.safe_load(config.SPEC.read_text(encoding="utf-8"))
    spec = synthetic_spec(document, 50)
    assert count_operations(spec) == 50
    handlers = {
        op["x-handler"]
        for item in spec["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "x-handler" in op
    }
    assert len(handlers) == 50 and "things9.get_user.handler" in handlers


def test_a_missed_cold_start_is_split_into_import_and_first_call() -> None:
    results = good_results()
    assert "No cold-start budget missed." in report.render(results, budgets.evaluate(results))
    ours = results.cold_of(config.OURS, "getUser")
    assert ours is not None
    ours.cpu_ms = [320.0] * 3  # above Chalice's 310
    ours.import_ms, ours.modules = [200.0] * 3, 420
    text = report.render(results, budgets.evaluate(results))
    split = text.split("## Where a missed cold start's time goes", 1)[1].split("##", 1)[0]
    assert "| getUser | ours (generated) | 320.0 ms | 200.0 ms | 90.0 ms | 420 |" in split
    assert f"| getUser | Chalice | 310.0 ms | {NONE} | {NONE} | 0 |" in split
