"""bench.budgets on synthetic results: which checks pass, fail or cannot be evaluated."""

from __future__ import annotations

import dataclasses

from bench import budgets, config
from bench.results import Results
from tests.bench.helpers import good_results


def _statuses(results: Results, budget_prefix: str) -> set[str]:
    checks = budgets.evaluate(results)
    return {c.status for c in checks if c.budget.startswith(budget_prefix)}


def test_good_results_meet_every_budget() -> None:
    checks = budgets.evaluate(good_results())
    assert checks
    assert [c for c in checks if not c.met] == []
    assert budgets.all_met(checks)


def test_every_operation_and_request_is_checked() -> None:
    checks = budgets.evaluate(good_results())
    cold = {c.subject for c in checks if c.budget.startswith("cold start")}
    assert cold == {"hello", "listUsers", "createUser", "getUser", "updateUser", "deleteUser"}
    warm = [c for c in checks if c.budget.startswith("warm")]
    assert len(warm) == 11 * 4  # 6 valid + 5 invalid requests, 4 comparisons each
    server = [c for c in checks if c.budget.startswith("local server: more")]
    assert len(server) == 9


def test_hello_cold_start_over_1_2x_bare_is_missed() -> None:
    results = good_results()
    hello = results.cold_of(config.OURS, "hello")
    assert hello is not None
    hello.process_ms = [25.0, 25.0, 25.0]  # 1.25x the bare handler's 20 ms
    assert _statuses(results, "cold start <= 1.2x") == {budgets.MISSED}


def test_hello_importing_boto3_is_missed() -> None:
    results = good_results()
    hello = results.cold_of(config.OURS, "hello")
    assert hello is not None
    hello.boto3_imported = True
    assert _statuses(results, "hello never imports boto3") == {budgets.MISSED}


def test_users_cold_start_is_relative_to_bare_boto3() -> None:
    results = good_results()
    create = results.cold_of(config.OURS, "createUser")
    assert create is not None
    create.process_ms = [319.0, 319.0, 319.0]  # exactly 1.1x of 290 ms: within the budget
    assert _statuses(results, "cold start <= 1.1x") == {budgets.MET}
    create.process_ms = [330.0, 330.0, 330.0]  # 1.14x
    assert _statuses(results, "cold start <= 1.1x") == {budgets.MET, budgets.MISSED}


def test_warm_factors_against_each_alternative_judge_the_handlers_own_work() -> None:
    results = good_results()
    chalice = results.warm_of("chalice", "createUser", "valid", "off")
    assert chalice is not None
    chalice.us = [15.0, 15.0, 15.0]  # only 1.5x slower than ours (10 µs): needs 2x
    checks = budgets.evaluate(results)
    missed = [c for c in checks if not c.met]
    assert [(c.budget, c.subject) for c in missed] == [
        ("warm >= 2x faster than Chalice (own work, lines off)", "createUser valid")
    ]
    assert missed[0].value == 1.5


def test_a_missed_factor_below_the_bare_handlers_time_says_so() -> None:
    """Powertools at 35 µs needs ours at 7 µs for 5x; the bare handler takes 8: the note
    says no handler doing the bare handler's job could. Chalice at 17 µs needs 8.5 µs,
    above the bare handler's 8: missed, and nothing more is claimed."""
    results = good_results()
    for name, us in (("powertools", 35.0), ("chalice", 17.0)):
        other = results.warm_of(name, "createUser", "valid", "off")
        assert other is not None
        other.us = [us] * 3
    missed = {c.budget.split(" faster than ")[1]: c for c in budgets.evaluate(results) if not c.met}
    powertools = missed["Powertools + pydantic (own work, lines off)"]
    assert powertools.status == budgets.MISSED
    assert powertools.note.endswith("X / N = 7.0 µs < the bare handler's 8.0 µs")
    assert "bare handler" not in missed["Chalice (own work, lines off)"].note


def test_with_the_lines_on_the_factors_are_reported_not_judged() -> None:
    results = good_results()
    # Lines on, openapi-core takes 1040 µs and ours 50: 20.8x, under 50x, and 1040 / 50 =
    # 20.8 µs is less than the 40 µs record alone. The budgets are met all the same.
    assert budgets.all_met(budgets.evaluate(results))
    ratios = {(r.subject, r.other): r for r in budgets.lines_on_ratios(results)}
    assert len(ratios) == 11 * 3
    core = ratios[("getUser valid", "openapi_core")]
    assert (core.ratio_on, core.ratio_off, core.floor_us) == (20.8, 100.0, 40.0)
    assert core.needed_us == 20.8 and core.verdict == budgets.IMPOSSIBLE
    assert ratios[("getUser valid", "chalice")].verdict == budgets.MET  # 140 / 50 = 2.8x
    chalice = results.warm_of("chalice", "getUser", "valid", "on")
    assert chalice is not None
    chalice.us = [90.0] * 3  # 1.8x: missed, though 90 / 2 = 45 µs is above the floor
    (missed,) = [
        r
        for r in budgets.lines_on_ratios(results)
        if (r.subject, r.other) == ("getUser valid", "chalice")
    ]
    assert missed.verdict == budgets.MISSED and missed.needed_us == 45.0


def test_without_a_measured_record_nothing_is_declared_impossible() -> None:
    results = good_results()
    results.line_costs = []
    verdicts = {r.verdict for r in budgets.lines_on_ratios(results)}
    assert budgets.IMPOSSIBLE not in verdicts and budgets.MISSED in verdicts


def test_warm_against_bare_is_judged_with_the_lines_on() -> None:
    results = good_results()
    ours = results.warm_of(config.OURS, "deleteUser", "valid", "on")
    assert ours is not None
    ours.us = [100.0] * 3  # 2.08x the bare handler's 48 µs; lines off, ours is unchanged
    missed = [c for c in budgets.evaluate(results) if not c.met]
    assert [(c.budget, c.subject, c.status) for c in missed] == [
        ("warm <= 2x bare handler (lines on)", "deleteUser valid", budgets.MISSED)
    ]


def test_cold_starts_with_the_log_records_off_are_not_evaluated() -> None:
    results = good_results()
    results.settings["observability"] = "off"
    checks = [c for c in budgets.evaluate(results) if c.budget.startswith("cold start")]
    assert checks and {c.status for c in checks} == {budgets.NOT_EVALUATED}
    assert not budgets.all_met(checks)


def test_a_variant_that_failed_is_not_evaluated_and_fails_the_run() -> None:
    results = good_results()
    ours = results.warm_of(config.OURS, "getUser", "invalid")
    assert ours is not None
    ours.error = "answered 500"
    checks = budgets.evaluate(results)
    broken = [c for c in checks if c.status == budgets.NOT_EVALUATED]
    assert broken and all(c.note == "answered 500" for c in broken)
    assert not budgets.all_met(checks)


def test_missing_handler_reason_is_reported() -> None:
    results = good_results()
    results.cold = [
        c for c in results.cold if not (c.variant == config.OURS and c.operation == "getUser")
    ]
    results.skipped["ours/getUser"] = "src/users/get_user.py does not exist yet"
    check = next(
        c
        for c in budgets.evaluate(results)
        if c.subject == "getUser" and c.budget.startswith("cold")
    )
    assert check.status == budgets.NOT_EVALUATED
    assert "does not exist yet" in check.note


def test_server_budgets() -> None:
    results = good_results()
    slow = results.server_of("ours", "POST /users", 32)
    assert slow is not None
    slow.rps = [40.0, 40.0, 40.0]
    p50 = results.server_of("ours", "GET /users/{id}", 1)
    assert p50 is not None
    p50.p50_ms = [6.0, 6.0, 6.0]
    missed = {(c.budget, c.subject) for c in budgets.evaluate(results) if not c.met}
    assert missed == {
        ("local server: more requests/s than chalice local", "POST /users c=32"),
        ("local server: p50 < 5 ms", "GET /users/{id} c=1"),
    }


def test_generator_budgets_linear_and_absolute() -> None:
    results = good_results()
    assert _statuses(results, "generator") == {budgets.MET}
    # Quadratic: marginal cost per operation grows 2.8x from the first to the last interval.
    for run in results.generator:
        run.seconds = [0.5 + 1e-5 * run.operations**2]
    quadratic = {
        c.budget: c.status for c in budgets.evaluate(results) if c.budget.startswith("generator")
    }
    assert quadratic["generator: grows at most linearly"] == budgets.MISSED
    results.generator[-1] = dataclasses.replace(results.generator[-1], seconds=[12.0])
    absolute = {
        c.budget: c.status for c in budgets.evaluate(results) if c.budget.startswith("generator")
    }
    assert absolute["generator: 500 operations < 10 s"] == budgets.MISSED


def test_only_the_sections_asked_for_are_judged() -> None:
    results = Results()
    assert budgets.evaluate(results, ("package",)) == []
    not_run = budgets.evaluate(results, ("server",))
    assert not_run and {c.status for c in not_run} == {budgets.NOT_EVALUATED}
    assert not budgets.all_met([])
