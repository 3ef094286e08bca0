"""The budgets of issue 5, evaluated on one run's results (pure: unit-tested).

Every comparison is a ratio of measurements from the same run. Cold-start and
warm ratios are paired: the median of the per-round ratios of two variants run
back to back in each round. Server comparisons are ratios of per-round medians.

Issue 15 puts one log record and one EMF line on every request. The budgets that say
what a deployed function costs (cold start, warm <= 2x bare) are judged with those lines
on. The "N x faster than X" factors of issue 5 compare what the handlers themselves do,
so they are judged with the log records off (`lines_off`); with the lines on they are
reported beside (`lines_on_ratios`) with the floor arithmetic: one record through
Lambda's JSON formatter costs every line-writing handler the same `floor` microseconds,
so no handler can be N times faster than X once X's time / N is below that floor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bench import config
from bench.events import OPERATIONS, cases
from bench.line_cost import RECORD
from bench.results import Results
from bench.stats import median, paired_ratio, ratio, superlinearity

MET, MISSED, NOT_EVALUATED = "met", "MISSED", "not evaluated"
IMPOSSIBLE = "impossible"  # with the lines on: X's time / N is below one log record
LINES_ON, LINES_OFF = "on", "off"

COLD_HELLO_MAX = 1.2
COLD_USERS_MAX = 1.1
WARM_VS_BARE_MAX = 2.0
WARM_FASTER_THAN = {"openapi_core": 50.0, "powertools": 5.0, "chalice": 2.0}
SERVER_P50_MAX_MS = 5.0
GENERATOR_500_MAX_S = 10.0
# Marginal cost per operation, largest specs vs smallest: ~1 when linear, ~2.8 when quadratic.
GENERATOR_SUPERLINEARITY_MAX = 1.5


@dataclass(frozen=True)
class Check:
    budget: str  # which budget of the issue
    subject: str  # e.g. "createUser valid"
    value: float
    limit: float
    comparison: str  # "<=", ">=", "<", ">", "=="
    status: str
    note: str = ""

    @property
    def met(self) -> bool:
        return self.status == MET


def _compare(value: float, limit: float, comparison: str) -> str:
    if math.isnan(value):
        return NOT_EVALUATED
    ok = {
        "<=": value <= limit,
        ">=": value >= limit,
        "<": value < limit,
        ">": value > limit,
        "==": value == limit,
    }[comparison]
    return MET if ok else MISSED


def _check(
    budget: str, subject: str, value: float, limit: float, comparison: str, note: str = ""
) -> Check:
    return Check(
        budget, subject, value, limit, comparison, _compare(value, limit, comparison), note
    )


def _missing(budget: str, subject: str, limit: float, comparison: str, why: str) -> Check:
    return Check(budget, subject, math.nan, limit, comparison, NOT_EVALUATED, why)


def cold_checks(results: Results) -> list[Check]:
    checks: list[Check] = []
    lines_off = results.settings.get("observability", LINES_ON) == LINES_OFF
    for op in OPERATIONS:
        base_name = config.COLD_BASELINE.get(op, config.COLD_USERS_BASELINE)
        limit = COLD_HELLO_MAX if op == "hello" else COLD_USERS_MAX
        budget = f"cold start <= {limit}x {config.LABELS[base_name]} (lines on)"
        ours = results.cold_of(config.OURS, op)
        base = results.cold_of(base_name, op)
        if lines_off:  # a run with BENCH_OBSERVABILITY=off says nothing of the deployed cost
            checks.append(_missing(budget, op, limit, "<=", "log records off in this run"))
            continue
        if ours is None or base is None or ours.error or base.error or not ours.process_ms:
            why = (ours.error if ours else None) or (base.error if base else None)
            why = (
                results.skipped.get(f"ours/{op}")
                or why
                or results.skipped.get("cold", "not measured")
            )
            checks.append(_missing(budget, op, limit, "<=", why))
            continue
        if len(ours.process_ms) != len(base.process_ms):
            checks.append(_missing(budget, op, limit, "<=", "unequal number of rounds"))
            continue
        value = paired_ratio(ours.process_ms, base.process_ms)
        note = f"{median(ours.process_ms):.1f} ms vs {median(base.process_ms):.1f} ms"
        checks.append(_check(budget, op, value, limit, "<=", note))
        if op == "hello":
            checks.append(
                Check(
                    "hello never imports boto3",
                    op,
                    1.0 if ours.boto3_imported else 0.0,
                    0.0,
                    "==",
                    MISSED if ours.boto3_imported else MET,
                    "boto3 in sys.modules after the first call" if ours.boto3_imported else "",
                )
            )
    return checks


def _warm_pair(
    results: Results, other_name: str, op: str, kind: str, lines: str
) -> tuple[list[float], list[float]] | str:
    """Ours' and the other's per-round times with the lines on or off, or why not."""
    ours = results.warm_of(config.OURS, op, kind, lines)
    other = results.warm_of(other_name, op, kind, lines)
    if ours is None or other is None or ours.error or other.error or not ours.us or not other.us:
        why = (ours.error if ours else None) or (other.error if other else None)
        return why or results.skipped.get("warm", f"not measured with the lines {lines}")
    if len(ours.us) != len(other.us):
        return "unequal number of rounds"
    return ours.us, other.us


def warm_checks(results: Results) -> list[Check]:
    checks: list[Check] = []
    kinds = [(case.operation_id, case.kind) for case in cases()]
    for op, kind in kinds:
        subject = f"{op} {kind}"
        comparisons = [("bare", "<=", WARM_VS_BARE_MAX, LINES_ON)] + [
            (name, ">=", factor, LINES_OFF) for name, factor in WARM_FASTER_THAN.items()
        ]
        for other_name, comparison, limit, lines in comparisons:
            if other_name == "bare":
                budget = f"warm <= {limit:g}x {config.LABELS['bare']} (lines on)"
            else:
                budget = (
                    f"warm >= {limit:g}x faster than {config.LABELS[other_name]} "
                    "(own work, lines off)"
                )
            pair = _warm_pair(results, other_name, op, kind, lines)
            if isinstance(pair, str):
                checks.append(_missing(budget, subject, limit, comparison, pair))
                continue
            ours, other = pair
            # ours / bare must stay low; X / ours must stay high.
            value = paired_ratio(*((ours, other) if other_name == "bare" else (other, ours)))
            note = f"{median(ours):.1f} µs vs {median(other):.1f} µs"
            check = _check(budget, subject, value, limit, comparison, note)
            if other_name != "bare" and check.status == MISSED:
                check = _with_bare_floor(check, results, op, kind, median(other) / limit)
            checks.append(check)
    return checks


def _with_bare_floor(check: Check, results: Results, op: str, kind: str, needed: float) -> Check:
    """A missed "N x faster than X" check, noting when X / N is below the bare handler's
    own time for the same request (lines off). The bare handler does the least any
    handler can (hand-written checks, one plain write, no idempotency or email claim): no
    handler that does its job can then be N times faster than X."""
    bare = results.warm_of("bare", op, kind, LINES_OFF)
    if bare is None or bare.error or not bare.us:
        return check
    floor = median(bare.us)
    if needed >= floor:
        return check
    note = f"{check.note}; X / N = {needed:.1f} µs < the bare handler's {floor:.1f} µs"
    return Check(
        check.budget, check.subject, check.value, check.limit, check.comparison, check.status, note
    )


def line_floor_us(results: Results) -> float:
    """One request log record through Lambda's JSON formatter, alone: median µs (NaN when
    not measured). Every handler that writes the line pays at least this per request."""
    record = results.line_cost_of(RECORD)
    return median(record.us) if record is not None else math.nan


@dataclass(frozen=True)
class LinesOnRatio:
    """An "N x faster than X" factor with the lines on, and whether it can be reached."""

    subject: str  # "createUser valid"
    other: str  # the variant's name
    factor: float  # the budget's N
    ratio_off: float  # X / ours, lines off: what the budget judges
    ratio_on: float  # X / ours, lines on
    ours_on_us: float
    other_on_us: float
    floor_us: float

    @property
    def needed_us(self) -> float:
        """What ours would have to take per request, lines on, for N x."""
        return self.other_on_us / self.factor

    @property
    def verdict(self) -> str:
        if any(math.isnan(v) for v in (self.ratio_on, self.needed_us)):
            return NOT_EVALUATED
        if self.ratio_on >= self.factor:
            return MET
        if self.needed_us < self.floor_us:  # NaN floor: never declared impossible
            return IMPOSSIBLE
        return MISSED


def lines_on_ratios(results: Results) -> list[LinesOnRatio]:
    """Every "N x faster" comparison with the lines on (reported, not a budget)."""
    floor = line_floor_us(results)
    out: list[LinesOnRatio] = []
    for case in cases():
        for name, factor in WARM_FASTER_THAN.items():
            on = _warm_pair(results, name, case.operation_id, case.kind, LINES_ON)
            off = _warm_pair(results, name, case.operation_id, case.kind, LINES_OFF)
            ours_on, other_on = ([], []) if isinstance(on, str) else on
            out.append(
                LinesOnRatio(
                    subject=f"{case.operation_id} {case.kind}",
                    other=name,
                    factor=factor,
                    ratio_off=math.nan if isinstance(off, str) else paired_ratio(off[1], off[0]),
                    ratio_on=paired_ratio(other_on, ours_on) if ours_on else math.nan,
                    ours_on_us=median(ours_on),
                    other_on_us=median(other_on),
                    floor_us=floor,
                )
            )
    return out


def server_checks(results: Results, concurrencies: tuple[int, ...]) -> list[Check]:
    checks: list[Check] = []
    endpoints = ("GET /hello", "GET /users/{id}", "POST /users")
    budget = "local server: more requests/s than chalice local"
    for endpoint in endpoints:
        for c in concurrencies:
            subject = f"{endpoint} c={c}"
            ours = results.server_of("ours", endpoint, c)
            other = results.server_of("chalice", endpoint, c)
            if ours is None or other is None or not ours.rps or not other.rps:
                why = results.skipped.get("server", "not measured")
                checks.append(_missing(budget, subject, 1.0, ">", why))
                continue
            value = ratio(median(ours.rps), median(other.rps))
            note = f"{median(ours.rps):.0f} vs {median(other.rps):.0f} req/s"
            if ours.errors or other.errors:
                note += f"; errors: ours {ours.errors}, chalice {other.errors}"
            checks.append(_check(budget, subject, value, 1.0, ">", note))
    ours = results.server_of("ours", "GET /users/{id}", 1)
    budget = f"local server: p50 < {SERVER_P50_MAX_MS:g} ms"
    if ours is None or not ours.p50_ms:
        checks.append(
            _missing(budget, "GET /users/{id} c=1", SERVER_P50_MAX_MS, "<", "not measured")
        )
    else:
        checks.append(
            _check(budget, "GET /users/{id} c=1", median(ours.p50_ms), SERVER_P50_MAX_MS, "<")
        )
    return checks


def generator_checks(results: Results) -> list[Check]:
    synthetic = sorted(
        (g for g in results.generator if g.label.startswith("synthetic-")),
        key=lambda g: g.operations,
    )
    checks: list[Check] = []
    largest = synthetic[-1] if synthetic else None
    budget = f"generator: 500 operations < {GENERATOR_500_MAX_S:g} s"
    if largest is None or largest.operations != 500 or not largest.seconds:
        why = (largest.error if largest else None) or results.skipped.get(
            "generator", "not measured"
        )
        checks.append(_missing(budget, "synthetic-500", GENERATOR_500_MAX_S, "<", why))
    else:
        checks.append(
            _check(budget, "synthetic-500", median(largest.seconds), GENERATOR_500_MAX_S, "<")
        )
    budget = "generator: grows at most linearly"
    usable = [g for g in synthetic if g.seconds and not g.error]
    if len(usable) < 3:
        checks.append(
            _missing(budget, "50/200/500", GENERATOR_SUPERLINEARITY_MAX, "<=", "fewer than 3 sizes")
        )
    else:
        sizes = [float(g.operations) for g in usable]
        times = [median(g.seconds) for g in usable]
        value = superlinearity(sizes, times)
        note = "marginal s/operation, last interval / first interval"
        checks.append(_check(budget, "50/200/500", value, GENERATOR_SUPERLINEARITY_MAX, "<=", note))
    return checks


# "transaction" (a create's added cost) is reported, not budgeted: the cost is the price
# of unique emails and idempotent creates, and the cold/warm budgets still cover creates.
SECTIONS = ("cold", "warm", "server", "generator", "package", "transaction")


def evaluate(
    results: Results,
    sections: tuple[str, ...] = SECTIONS,
    concurrencies: tuple[int, ...] = (1, 8, 32),
) -> list[Check]:
    """Every check of the budgets of the sections that were asked for.

    A section that was asked for but could not run gives checks that are "not
    evaluated" (with the reason), which fail the run like a missed budget.
    """
    checks: list[Check] = []
    if "cold" in sections:
        checks += cold_checks(results)
    if "warm" in sections:
        checks += warm_checks(results)
    if "server" in sections:
        checks += server_checks(results, concurrencies)
    if "generator" in sections:
        checks += generator_checks(results)
    return checks


def all_met(checks: list[Check]) -> bool:
    return bool(checks) and all(c.met for c in checks)
