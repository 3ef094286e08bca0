"""The budgets, evaluated on one run's results (pure: unit-tested).

Every variant does the same job (bench/alternatives/jobs.py: the same domain code and the
same request lines; the warm child checks it request by request), so every budget
compares the same work. Cold-start and warm ratios are paired: the median of the
per-round ratios of two variants run back to back in each round.

- Cold start, every operation: ours <= 1.1x the bare handler (which, on the users
  operations, loads boto3 and makes the same DynamoDB calls as ours), and no slower than
  each framework (Chalice, Powertools, openapi-core): ours / X <= 1. Judged on the
  starting process's CPU time to its first response (bench/coldstart.py says why); the
  wall time is reported.
- Warm times are CPU time too (bench/warm.py).
- Warm, every request: ours <= 1.5x the bare handler, and faster than each framework:
  X / ours > 1 (the factor is reported).
- Generator: a 500-operation spec in under 10 s (wall time).

Anything else the report shows (capacity units, profiles, CPU time) is reported, not judged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bench import config
from bench.events import OPERATIONS, cases
from bench.results import Results
from bench.stats import median, paired_ratio

MET, MISSED, NOT_EVALUATED = "met", "MISSED", "not evaluated"

COLD_VS_BARE_MAX = 1.1
COLD_VS_FRAMEWORK_MAX = 1.0
WARM_VS_BARE_MAX = 1.5
WARM_FASTER_THAN = 1.0  # X / ours must be above this
GENERATOR_500_MAX_S = 10.0


@dataclass(frozen=True)
class Check:
    budget: str  # which budget
    subject: str  # e.g. "createUser valid"
    value: float
    limit: float
    comparison: str  # "<=", "<", ">"
    status: str
    note: str = ""

    @property
    def met(self) -> bool:
        return self.status == MET


def _compare(value: float, limit: float, comparison: str) -> str:
    if math.isnan(value):
        return NOT_EVALUATED
    ok = {"<=": value <= limit, "<": value < limit, ">": value > limit}[comparison]
    return MET if ok else MISSED


def _check(
    budget: str, subject: str, value: float, limit: float, comparison: str, note: str = ""
) -> Check:
    status = _compare(value, limit, comparison)
    return Check(budget, subject, value, limit, comparison, status, note)


def _missing(budget: str, subject: str, limit: float, comparison: str, why: str) -> Check:
    return Check(budget, subject, math.nan, limit, comparison, NOT_EVALUATED, why)


def cold_budget(other: str) -> str:
    if other == config.BARE:
        return f"cold start: ours <= {COLD_VS_BARE_MAX:g}x {config.LABELS[other]}"
    return f"cold start: ours no slower than {config.LABELS[other]}"


def warm_budget(other: str) -> str:
    if other == config.BARE:
        return f"warm: ours <= {WARM_VS_BARE_MAX:g}x {config.LABELS[other]}"
    return f"warm: ours faster than {config.LABELS[other]}"


def cold_checks(results: Results) -> list[Check]:
    checks: list[Check] = []
    for other in (config.BARE, *config.FRAMEWORKS):
        limit = COLD_VS_BARE_MAX if other == config.BARE else COLD_VS_FRAMEWORK_MAX
        budget = cold_budget(other)
        for op in OPERATIONS:
            ours = results.cold_of(config.OURS, op)
            base = results.cold_of(other, op)
            if ours is None or base is None or ours.error or base.error or not ours.cpu_ms:
                why = (
                    results.skipped.get(f"ours/{op}")
                    or (ours.error if ours else None)
                    or (base.error if base else None)
                    or results.skipped.get("cold", "not measured")
                )
                checks.append(_missing(budget, op, limit, "<=", why))
                continue
            if len(ours.cpu_ms) != len(base.cpu_ms):
                checks.append(_missing(budget, op, limit, "<=", "unequal number of rounds"))
                continue
            value = paired_ratio(ours.cpu_ms, base.cpu_ms)
            note = f"CPU {median(ours.cpu_ms):.1f} ms vs {median(base.cpu_ms):.1f} ms"
            checks.append(_check(budget, op, value, limit, "<=", note))
    return checks


def warm_checks(results: Results) -> list[Check]:
    checks: list[Check] = []
    for other in (config.BARE, *config.FRAMEWORKS):
        budget = warm_budget(other)
        for case in cases():
            subject = f"{case.operation_id} {case.kind}"
            ours = results.warm_of(config.OURS, case.operation_id, case.kind)
            theirs = results.warm_of(other, case.operation_id, case.kind)
            limit, comparison = (
                (WARM_VS_BARE_MAX, "<=") if other == config.BARE else (WARM_FASTER_THAN, ">")
            )
            if ours is None or theirs is None or ours.error or theirs.error or not ours.us:
                why = (
                    (ours.error if ours else None)
                    or (theirs.error if theirs else None)
                    or results.skipped.get("warm", "not measured")
                )
                checks.append(_missing(budget, subject, limit, comparison, why))
                continue
            if len(ours.us) != len(theirs.us):
                checks.append(_missing(budget, subject, limit, comparison, "unequal rounds"))
                continue
            # ours / bare must stay low; X / ours must stay above 1.
            if other == config.BARE:
                value = paired_ratio(ours.us, theirs.us)
            else:
                value = paired_ratio(theirs.us, ours.us)
            note = f"{median(ours.us):.1f} µs vs {median(theirs.us):.1f} µs"
            checks.append(_check(budget, subject, value, limit, comparison, note))
    return checks


def generator_checks(results: Results) -> list[Check]:
    budget = f"generator: 500 operations < {GENERATOR_500_MAX_S:g} s"
    largest = next(
        (g for g in results.generator if g.label == "synthetic-500" and not g.commit), None
    )
    if largest is None or not largest.seconds:
        why = (largest.error if largest else None) or results.skipped.get(
            "generator", "not measured"
        )
        return [_missing(budget, "synthetic-500", GENERATOR_500_MAX_S, "<", why)]
    note = f"CPU {median(largest.cpu_seconds):.2f} s" if largest.cpu_seconds else ""
    value = median(largest.seconds)
    return [_check(budget, "synthetic-500", value, GENERATOR_500_MAX_S, "<", note)]


SECTIONS = ("cold", "warm", "generator", "capacity")


def evaluate(results: Results, sections: tuple[str, ...] = SECTIONS) -> list[Check]:
    """Every check of the budgets of the sections that were asked for.

    A section that was asked for but could not run gives checks that are "not
    evaluated" (with the reason), which fail the run like a missed budget.
    """
    checks: list[Check] = []
    if "cold" in sections:
        checks += cold_checks(results)
    if "warm" in sections:
        checks += warm_checks(results)
    if "generator" in sections:
        checks += generator_checks(results)
    return checks


def all_met(checks: list[Check]) -> bool:
    return bool(checks) and all(c.met for c in checks)
