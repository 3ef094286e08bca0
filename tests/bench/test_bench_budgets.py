"""bench.budgets on synthetic results: which checks pass, fail or cannot be evaluated."""

from __future__ import annotations

from bench import budgets, config
from bench.events import OPERATIONS, cases
from bench.results import Results
from tests.bench.helpers import good_results


def _missed(results: Results) -> list[tuple[str, str]]:
    return [(c.budget, c.subject) for c in budgets.evaluate(results) if not c.met]


def test_good_results_meet_every_budget() -> None:
    checks = budgets.evaluate(good_results())
    assert checks and [c for c in checks if not c.met] == []
    assert budgets.all_met(checks)


def test_every_operation_and_request_is_checked_against_every_alternative() -> None:
    checks = budgets.evaluate(good_results())
    others = 1 + len(config.FRAMEWORKS)  # the bare handler, then each framework
    assert len([c for c in checks if c.budget.startswith("cold")]) == len(OPERATIONS) * others
    assert len([c for c in checks if c.budget.startswith("warm")]) == len(cases()) * others
    assert [c.subject for c in checks if c.budget.startswith("generator")] == ["synthetic-500"]


def test_cold_start_over_1_1x_the_bare_handler_is_missed() -> None:
    results = good_results()
    create = results.cold_of(config.OURS, "createUser")
    assert create is not None
    create.cpu_ms = [319.0] * 3  # exactly 1.1x of 290 ms: met (and below Chalice's 310)...
    assert _missed(results) == [
        ("cold start: ours no slower than Chalice", "createUser")  # ...but slower than Chalice
    ]
    chalice = results.cold_of("chalice", "createUser")
    assert chalice is not None
    chalice.cpu_ms = [330.0] * 3
    assert _missed(results) == []
    create.cpu_ms = [320.0] * 3  # 1.103x
    assert _missed(results) == [("cold start: ours <= 1.1x bare handler", "createUser")]


def test_warm_over_1_5x_the_bare_handler_is_missed() -> None:
    results = good_results()
    ours = results.warm_of(config.OURS, "deleteUser", "valid")
    assert ours is not None
    ours.us = [75.0] * 3  # 1.5x of 50 µs: met
    assert _missed(results) == []
    ours.us = [76.0] * 3
    assert _missed(results) == [("warm: ours <= 1.5x bare handler", "deleteUser valid")]


def test_warm_not_faster_than_a_framework_is_missed_and_the_factor_kept() -> None:
    results = good_results()
    chalice = results.warm_of("chalice", "createUser", "keyed")
    assert chalice is not None
    chalice.us = [60.0] * 3  # as fast as ours: not faster
    checks = budgets.evaluate(results)
    (missed,) = [c for c in checks if not c.met]
    assert (missed.budget, missed.subject, missed.value) == (
        "warm: ours faster than Chalice",
        "createUser keyed",
        1.0,
    )
    factors = {c.subject: c.value for c in checks if c.budget == "warm: ours faster than Chalice"}
    assert factors["getUser valid"] == 2.0  # 120 / 60 µs


def test_generator_over_10_s_is_missed_and_a_baseline_commit_is_not_judged() -> None:
    results = good_results()
    results.generator[-1].seconds = [12.0]
    results.generator.append(
        results.generator[-1].__class__("synthetic-500", 500, [4.0], [3.9], commit="abc1234")
    )
    (missed,) = [c for c in budgets.evaluate(results) if not c.met]
    assert (missed.subject, missed.value, missed.note) == ("synthetic-500", 12.0, "CPU 5.00 s")


def test_a_variant_that_failed_is_not_evaluated_and_fails_the_run() -> None:
    results = good_results()
    powertools = results.warm_of("powertools", "getUser", "invalid")
    assert powertools is not None
    powertools.error = "not ours' job: ..."
    checks = budgets.evaluate(results)
    broken = [c for c in checks if c.status == budgets.NOT_EVALUATED]
    assert [(c.budget, c.subject) for c in broken] == [
        ("warm: ours faster than Powertools + pydantic", "getUser invalid")
    ]
    assert broken[0].note == "not ours' job: ..."
    assert not budgets.all_met(checks)


def test_a_missing_handler_is_not_evaluated_with_the_reason() -> None:
    results = good_results()
    results.cold = [
        c for c in results.cold if not (c.variant == config.OURS and c.operation == "getUser")
    ]
    results.skipped["ours/getUser"] = "src/users/get_user.py does not exist yet"
    broken = [c for c in budgets.evaluate(results) if c.status == budgets.NOT_EVALUATED]
    assert len(broken) == 1 + len(config.FRAMEWORKS)
    assert all("does not exist yet" in c.note for c in broken)


def test_only_the_sections_asked_for_are_judged() -> None:
    results = Results()
    assert budgets.evaluate(results, ("capacity",)) == []  # reported, never judged
    (generator,) = budgets.evaluate(results, ("generator",))
    assert generator.status == budgets.NOT_EVALUATED
    assert not budgets.all_met([])


def test_cold_starts_are_judged_on_cpu_time_not_on_time_spent_waiting_for_a_core() -> None:
    results = good_results()
    ours = results.cold_of(config.OURS, "getUser")
    assert ours is not None
    ours.process_ms = [5000.0] * 3  # the machine was busy: wall time only
    assert _missed(results) == []
    ours.cpu_ms = [400.0] * 3
    assert ("cold start: ours <= 1.1x bare handler", "getUser") in _missed(results)
