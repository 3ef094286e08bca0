"""bench/results.md from one run's results and budget checks (pure: unit-tested)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from bench import config
from bench.budgets import (
    COLD_VS_BARE_MAX,
    GENERATOR_500_MAX_S,
    MET,
    MISSED,
    WARM_VS_BARE_MAX,
    Check,
)
from bench.events import OPERATIONS, cases
from bench.results import Results, Warm
from bench.stats import NONE, TIMES, format_duration, iqr, median, paired_ratio


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def _x(value: float) -> str:
    if math.isnan(value):
        return NONE
    return f"{value:.2f}{TIMES}" if value < 10 else f"{value:.0f}{TIMES}"


def _value(check: Check) -> str:
    if math.isnan(check.value):
        return NONE
    if check.budget.startswith("generator"):
        return f"{check.value:.2f} s"
    return _x(check.value)


def _limit(check: Check) -> str:
    if check.budget.startswith("generator"):
        return f"{check.comparison} {check.limit:g} s"
    return f"{check.comparison} {check.limit:g}{TIMES}"


def _worst(checks: Sequence[Check]) -> Check:
    """The check closest to (or furthest past) its limit."""
    evaluated = [c for c in checks if not math.isnan(c.value)]
    if not evaluated:
        return checks[0]
    if checks[0].comparison in ("<=", "<"):
        return max(evaluated, key=lambda c: c.value / c.limit if c.limit else c.value)
    return min(evaluated, key=lambda c: c.value / c.limit if c.limit else c.value)


def budget_lines(checks: Sequence[Check]) -> list[str]:
    met = sum(c.status == MET for c in checks)
    missed = sum(c.status == MISSED for c in checks)
    other = len(checks) - met - missed
    lines = [f"**{met} of {len(checks)} checks met, {missed} missed, {other} not evaluated.**", ""]
    groups: dict[str, list[Check]] = {}
    for check in checks:
        groups.setdefault(check.budget, []).append(check)
    rows = []
    for budget, group in groups.items():
        worst = _worst(group)
        status = (
            MET
            if all(c.status == MET for c in group)
            else (MISSED if any(c.status == MISSED for c in group) else "not evaluated")
        )
        ok = sum(c.status == MET for c in group)
        rows.append(
            [budget, f"{ok}/{len(group)}", worst.subject, _value(worst), _limit(worst), status]
        )
    lines += _table(["budget", "checks met", "worst case", "value", "limit", "status"], rows)
    failing = [c for c in checks if c.status != MET]
    if failing:
        lines += ["", "Not met:", ""]
        for c in failing:
            detail = f" ({c.note})" if c.note else ""
            lines.append(
                f"- {c.budget}, {c.subject}: {_value(c)} vs {_limit(c)}, {c.status}{detail}"
            )
    return lines


def _cold_cell(results: Results, variant: str, op: str, cpu: bool) -> str:
    cold = results.cold_of(variant, op)
    if cold is None:
        return ""
    series = cold.cpu_ms if cpu else cold.process_ms
    if cold.error or not series:
        return "error" if cold.error else NONE
    cell = format_duration(median(series) / 1000)
    ours = results.cold_of(config.OURS, op)
    if variant == config.OURS or ours is None:
        return cell
    mine = ours.cpu_ms if cpu else ours.process_ms
    if mine and len(mine) == len(series):
        cell += f" ({_x(paired_ratio(mine, series))})"
    return cell


def _cold_table(results: Results, cpu: bool) -> list[str]:
    rows: list[list[str]] = []
    for variant in config.VARIANTS:
        row = [config.LABELS[variant]]
        rss: list[int] = []
        for op in OPERATIONS:
            row.append(_cold_cell(results, variant, op, cpu))
            cold = results.cold_of(variant, op)
            rss += cold.peak_rss_kb if cold else []
        row.append(f"{median(rss) / 1024:.0f} MB" if rss else NONE)
        rows.append(row)
    return _table(["variant", *OPERATIONS, "peak RSS"], rows)


def cold_lines(results: Results) -> list[str]:
    lines = [
        "A fresh process per start (`.pyc` present): spawn, import, first call with a valid "
        "request. DynamoDB: `bench/fake_dynamodb.py` over HTTP on loopback, reached through "
        "`AWS_ENDPOINT_URL_DYNAMODB` (the whole boto3 stack runs). Median of the rounds; in "
        "brackets, ours / that variant, paired per round.",
        "",
        "The starting process's CPU time, user + system, spawn to the first response (what "
        "the budgets "
        f"judge: <= {COLD_VS_BARE_MAX:g}{TIMES} the bare handler, <= 1{TIMES} each "
        "framework; on a shared machine the wall time also counts waiting for a core):",
        "",
        *_cold_table(results, cpu=True),
        "",
        "Wall time, spawn to the first response (reported):",
        "",
        *_cold_table(results, cpu=False),
    ]
    interpreter = results.cold_of(config.INTERPRETER, "-")
    if interpreter and interpreter.process_ms:
        lines += [
            "",
            f"Interpreter alone (`python -S`, the runtime's modules and nothing else): "
            f"{format_duration(median(interpreter.process_ms) / 1000)}.",
        ]
    ours = [c for c in results.cold if c.variant == config.OURS and c.init_ms]
    if ours:
        parts = [f"{c.operation} {format_duration(median(c.init_ms) / 1000)}" for c in ours]
        lines += ["", "Ours, in-process import + first call only: " + ", ".join(parts) + "."]
    hello = results.cold_of(config.OURS, "hello")
    if hello and hello.process_ms:
        said = "imports" if hello.boto3_imported else "never imports"
        lines += ["", f"Our hello function {said} boto3."]
    for c in results.cold:
        if c.error:
            label = config.LABELS.get(c.variant, c.variant)
            lines.append(f"- error: {label} / {c.operation}: {c.error}")
    return lines


def _us(w: Warm | None) -> str:
    if w is None or w.error or not w.us:
        return "error" if w is not None and w.error else NONE
    return f"{median(w.us):.1f} µs ±{iqr(w.us) / 2:.1f}"


def _paired(a: Warm | None, b: Warm | None) -> str:
    if not a or not b or not a.us or not b.us or len(a.us) != len(b.us):
        return NONE
    return _x(paired_ratio(a.us, b.us))


def warm_lines(results: Results) -> list[str]:
    header = [
        "request",
        *(config.LABELS[v] for v in config.VARIANTS),
        "ours / bare",
        *(f"{config.LABELS[v]} / ours" for v in config.FRAMEWORKS),
    ]
    rows: list[list[str]] = []
    for case in cases():
        found = {v: results.warm_of(v, case.operation_id, case.kind) for v in config.VARIANTS}
        row = [f"{case.operation_id} {case.kind}", *(_us(found[v]) for v in config.VARIANTS)]
        row.append(_paired(found[config.OURS], found[config.BARE]))
        row += [_paired(found[v], found[config.OURS]) for v in config.FRAMEWORKS]
        rows.append(row)
    calls = [
        [f"{case.operation_id} {case.kind}", ", ".join(w.dynamodb_calls) or "none"]
        for case in cases()
        if (w := results.warm_of(config.OURS, case.operation_id, case.kind)) is not None
    ]
    lines = [
        "CPU time per request, every handler called in-process on the same event, with "
        "Lambda's JSON "
        "log output (to /dev/null); DynamoDB answered in memory at the boto3 client "
        "(`bench/fake_dynamodb.py`), so boto3's own work per call is in, the network is not. "
        "Median of the rounds (± half the interquartile range); ratios paired per round. "
        f"Budgets: ours / bare <= {WARM_VS_BARE_MAX:g}{TIMES}, X / ours > 1{TIMES}.",
        "",
        *_table(header, rows),
        "",
        "Every variant was checked, request by request, to make the same DynamoDB calls and "
        "write the same request line and metrics line as ours; a variant that did not would "
        "show `error` here. The calls of each request:",
        "",
        *_table(["request", "DynamoDB calls"], calls),
    ]
    for w in results.warm:
        if w.error:
            label = config.LABELS.get(w.variant, w.variant)
            lines.append(f"- error: {label} / {w.operation} {w.kind}: {w.error}")
    return lines


def cold_profile_lines(results: Results, checks: Sequence[Check]) -> list[str]:
    """For each missed cold start: ours and the other variant, split into the handler's
    import and its first call (in-process wall time, medians), and the modules loaded."""
    missed = [c for c in checks if c.budget.startswith("cold") and c.status == MISSED]
    if not missed:
        return ["No cold-start budget missed."]
    rows = []
    for check in missed:
        other = next(v for v in config.VARIANTS if check.budget.endswith(config.LABELS[v]))
        for variant in (config.OURS, other):
            cold = results.cold_of(variant, check.subject)
            if cold is None or not cold.cpu_ms:
                continue
            first = [i - m for i, m in zip(cold.init_ms, cold.import_ms, strict=False)]
            rows.append(
                [
                    check.subject,
                    config.LABELS[variant],
                    f"{median(cold.cpu_ms):.1f} ms",
                    f"{median(cold.import_ms):.1f} ms" if cold.import_ms else NONE,
                    f"{median(first):.1f} ms" if first else NONE,
                    str(cold.modules),
                ]
            )
    return [
        "The missed starts, split in the child (wall time, medians): the handler module's "
        "import and its first call, and the modules loaded by the end. Ours imports boto3 "
        "with its module; every alternative on its first users request (their hello route "
        "must not load it); all build the client and call DynamoDB in the first call.",
        "",
        *_table(
            ["operation", "variant", "CPU", "import", "first call", "modules"],
            rows,
        ),
    ]


def profile_lines(results: Results, checks: Sequence[Check]) -> list[str]:
    """cProfile of ours and of the bare handler for each request a warm budget missed."""
    missed = sorted(
        {c.subject for c in checks if c.budget.startswith("warm") and c.status == MISSED}
    )
    if not missed:
        return ["No warm budget missed."]
    lines: list[str] = []
    for subject in missed:
        op, kind = subject.split(" ")
        for variant in (config.OURS, config.BARE):
            rows = results.profiles.get(f"{variant}|{op}|{kind}", [])
            lines += ["", f"{config.LABELS[variant]}, {subject} (cProfile, own time):", ""]
            lines += _table(
                ["function", "calls per request", "share"],
                [[r.function, f"{r.calls:g}", f"{r.share:.0%}"] for r in rows],
            )
    return lines


def generator_lines(results: Results) -> list[str]:
    if not results.generator:
        return [f"Not measured: {results.skipped.get('generator', 'section not run')}."]
    rows = []
    for g in sorted(results.generator, key=lambda g: (g.operations, g.commit)):
        label = f"{g.label} at {g.commit}" if g.commit else g.label
        if g.error or not g.seconds:
            rows.append([label, str(g.operations), "error: " + (g.error or "no data"), NONE, NONE])
            continue
        wall = median(g.seconds)
        cpu = f"{median(g.cpu_seconds):.2f} s" if g.cpu_seconds else NONE
        per = f"{wall / g.operations * 1000:.1f} ms"
        rows.append([label, str(g.operations), f"{wall:.2f} s", cpu, per])
    lines = [
        "`python -m codegen generate --spec SPEC` in a fresh folder: wall time including the "
        "interpreter start (what the budget judges, < "
        f"{GENERATOR_500_MAX_S:g} s for 500 operations), and the child's CPU time (user + "
        "system); median of the rounds. A row `at COMMIT` is that commit's generator on its "
        "own spec's 500-operation version, in the same rounds.",
        "",
        *_table(["spec", "operations", "wall", "CPU", "wall per operation"], rows),
    ]
    for g in results.generator:
        if g.profile:
            lines += [
                "",
                f"{g.label} missed its budget: where one run's time goes (cProfile, cumulative "
                "share of the run; nested functions overlap):",
                "",
                *_table(
                    ["function", "calls", "share"],
                    [[r.function, f"{r.calls:g}", f"{r.share:.0%}"] for r in g.profile],
                ),
            ]
    return lines


def capacity_lines(results: Results) -> list[str]:
    if not results.capacity:
        return [f"Not measured: {results.skipped.get('capacity', 'section not run')}."]
    rows = [
        [c.request, str(c.status), f"{c.read_units:g}", f"{c.write_units:g}", "; ".join(c.calls)]
        for c in results.capacity
    ]
    return [
        "Capacity units DynamoDB Local reports (`ReturnConsumedCapacity: TOTAL` on every call) "
        "for one request of each type, through our handlers on the template's tables (every "
        "variant makes the same calls). Reads: 1 unit per 4 KB strongly consistent, half "
        "eventually consistent; writes: 1 per 1 KB; a transaction counts each item twice. "
        "A call DynamoDB refuses (a failed condition, a cancelled transaction) is reported "
        "as 0 by DynamoDB Local; DynamoDB itself charges it (a write whose condition fails "
        "still uses its write units).",
        "",
        *_table(["request", "status", "read units", "write units", "calls"], rows),
    ]


def machine_lines(results: Results) -> list[str]:
    m = results.machine
    rows = [[key, str(value)] for key, value in m.items() if key != "versions"]
    versions = m.get("versions", {})
    rows.append(["versions", ", ".join(f"{k} {v}" for k, v in sorted(versions.items()))])
    return _table(["", ""], rows)


def render(results: Results, checks: Sequence[Check]) -> str:
    mode = "quick (`python -m bench --quick`)" if results.quick else "full (`python -m bench`)"
    s = results.settings
    seconds = sum(results.section_seconds.values())
    lines = [
        "# Benchmark results",
        "",
        f"Run: {mode}, {seconds:.0f} s. Written by `python -m bench`; do not edit. Every "
        "ratio compares measurements of the same run, taken alternating over several rounds: "
        f"{s.get('cold_rounds')} cold-start rounds, {s.get('warm_rounds')} warm rounds. Every "
        "variant does the same job (the same domain code, the same DynamoDB calls, the same "
        "request lines); they differ in routing, validation and responses. The machine is "
        "shared (2 cores, other work running): single figures move by 10 % or more between "
        "runs, which the paired ratios only partly cancel.",
        "",
        "![results](results.png)",
        "",
        "## Budgets",
        "",
        *budget_lines(checks),
        "",
        "## Cold start",
        "",
        *cold_lines(results),
        "",
        "## Where a missed cold start's time goes",
        "",
        *cold_profile_lines(results, checks),
        "",
        "## Warm per request",
        "",
        *warm_lines(results),
        "",
        "## Where a missed warm request's time goes",
        "",
        *profile_lines(results, checks),
        "",
        "## DynamoDB capacity per request",
        "",
        *capacity_lines(results),
        "",
        "## Generator",
        "",
        *generator_lines(results),
        "",
        "## Machine",
        "",
        *machine_lines(results),
    ]
    for key, why in sorted(results.skipped.items()):
        lines.append(f"- not measured: {key}: {why}")
    return "\n".join(lines) + "\n"
