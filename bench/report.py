"""bench/results.md from one run's results and budget checks (pure: unit-tested)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from bench import config, line_cost
from bench.budgets import (
    IMPOSSIBLE,
    LINES_OFF,
    LINES_ON,
    MET,
    MISSED,
    Check,
    line_floor_us,
    lines_on_ratios,
)
from bench.events import OPERATIONS, cases
from bench.results import Results, Warm
from bench.stats import (
    NONE,
    TIMES,
    format_duration,
    iqr,
    median,
    paired_difference,
    paired_ratio,
)

SERVER_ENDPOINTS = ("GET /hello", "GET /users/{id}", "POST /users")


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
    if "p50" in check.budget:
        return f"{check.value:.2f} ms"
    if "500 operations" in check.budget:
        return f"{check.value:.2f} s"
    if check.budget.startswith("hello never"):
        return "imported" if check.value else "not imported"
    return _x(check.value)


def _limit(check: Check) -> str:
    if "p50" in check.budget:
        return f"{check.comparison} {check.limit:g} ms"
    if "500 operations" in check.budget:
        return f"{check.comparison} {check.limit:g} s"
    if check.budget.startswith("hello never"):
        return "not imported"
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


def cold_lines(results: Results) -> list[str]:
    variants = [config.OURS, "bare", "bare_boto3", "openapi_core", "powertools", "chalice"]
    header = ["variant", *OPERATIONS, "peak RSS"]
    rows: list[list[str]] = []
    interpreter = results.cold_of(config.INTERPRETER, "-")
    for variant in variants:
        row = [config.LABELS[variant]]
        rss: list[int] = []
        for op in OPERATIONS:
            cold = results.cold_of(variant, op)
            if cold is None:
                row.append("")
                continue
            if cold.error or not cold.process_ms:
                row.append("error" if cold.error else NONE)
                continue
            cell = format_duration(median(cold.process_ms) / 1000)
            base = results.cold_of(config.COLD_BASELINE.get(op, config.COLD_USERS_BASELINE), op)
            if (
                variant != base_name(op)
                and base
                and base.process_ms
                and len(base.process_ms) == len(cold.process_ms)
            ):
                cell += f" ({_x(paired_ratio(cold.process_ms, base.process_ms))})"
            row.append(cell)
            rss += cold.peak_rss_kb
        row.append(f"{median(rss) / 1024:.0f} MB" if rss else NONE)
        rows.append(row)
    lines = [
        "Fresh process with `.pyc` present: spawn, import, first call with a valid event; "
        "median of the rounds. In brackets: paired ratio to the budget's baseline "
        f"({config.LABELS['bare']} for hello, {config.LABELS['bare_boto3']} for the users "
        "operations). DynamoDB answers in-process at botocore's HTTP layer.",
        "",
    ]
    lines += _table(header, rows)
    if interpreter and interpreter.process_ms:
        lines += [
            "",
            f"Interpreter alone (`python -S`, nothing imported): "
            f"{format_duration(median(interpreter.process_ms) / 1000)}, "
            f"{median(interpreter.peak_rss_kb) / 1024:.0f} MB.",
        ]
    ours = [c for c in results.cold if c.variant == config.OURS and c.init_ms]
    if ours:
        parts = [f"{c.operation} {format_duration(median(c.init_ms) / 1000)}" for c in ours]
        lines += ["", "Ours, in-process import + first call only: " + ", ".join(parts) + "."]
    errors = [c for c in results.cold if c.error]
    for c in errors:
        lines.append(
            f"- error: {config.LABELS.get(c.variant, c.variant)} / {c.operation}: {c.error}"
        )
    return lines


def base_name(op: str) -> str:
    return config.COLD_BASELINE.get(op, config.COLD_USERS_BASELINE)


def _paired(found: dict[str, Warm | None], a: str, b: str) -> str:
    wa, wb = found[a], found[b]
    if not wa or not wb or not wa.us or not wb.us or len(wa.us) != len(wb.us):
        return NONE
    return _x(paired_ratio(wa.us, wb.us))


def _us(w: Warm | None) -> str:
    if w is None or w.error or not w.us:
        return "error" if w is not None and w.error else NONE
    return f"{median(w.us):.1f} µs ±{iqr(w.us) / 2:.1f}"


def _warm_table(results: Results, lines: str) -> list[str]:
    variants = list(config.WARM_VARIANTS)
    header = [
        "request",
        *(config.LABELS[v] for v in variants),
        "ours / bare",
        "openapi-core / ours",
        "Powertools / ours",
        "Chalice / ours",
    ]
    rows: list[list[str]] = []
    for case in cases():
        row = [f"{case.operation_id} {case.kind}"]
        found = {v: results.warm_of(v, case.operation_id, case.kind, lines) for v in variants}
        row += [_us(found[v]) for v in variants]
        row.append(_paired(found, config.OURS, "bare"))
        row += [
            _paired(found, other, config.OURS)
            for other in ("openapi_core", "powertools", "chalice")
        ]
        rows.append(row)
    return _table(header, rows)


def _cost_table(results: Results) -> list[str]:
    """Per variant and request: lines on minus lines off, paired per round."""
    variants = list(config.WARM_VARIANTS)
    rows: list[list[str]] = []
    for case in cases():
        row = [f"{case.operation_id} {case.kind}"]
        for v in variants:
            on = results.warm_of(v, case.operation_id, case.kind, LINES_ON)
            off = results.warm_of(v, case.operation_id, case.kind, LINES_OFF)
            if not on or not off or not on.us or not off.us or len(on.us) != len(off.us):
                row.append(NONE)
                continue
            row.append(f"{paired_difference(on.us, off.us):.1f} µs")
        rows.append(row)
    return _table(["request", *(config.LABELS[v] for v in variants)], rows)


def warm_lines(results: Results) -> list[str]:
    lines = [
        "Per request, handler called in-process, DynamoDB replaced by the same in-memory table "
        "for every variant; median of the rounds (± half the interquartile range). "
        "Ratios are paired per round. Every variant writes issue 15's two lines per request "
        "(ours from `guarded`, the alternatives from `bench/alternatives/request_line.py`); "
        "each is measured with the log records on and off, alternating in the same rounds.",
        "",
        "With the lines on, as deployed (one JSON log record through Lambda's formatter, one "
        "EMF line): what `warm <= 2x bare` judges.",
        "",
        *_warm_table(results, LINES_ON),
        "",
        "With the log records off (the root logger as Python starts it: the record is dropped "
        "before it is made; the EMF line is still built and written): the handlers' own "
        "work, what the `N x faster` budgets judge.",
        "",
        *_warm_table(results, LINES_OFF),
        "",
        "What the log record costs each variant per request (lines on minus off, paired per "
        "round):",
        "",
        *_cost_table(results),
    ]
    for w in results.warm:
        if w.error:
            label = config.LABELS.get(w.variant, w.variant)
            lines.append(f"- error: {label} / {w.operation} {w.kind} (lines {w.lines}): {w.error}")
    return lines


PIECE_LABELS = {
    line_cost.RECORD: "one request log record through Lambda's JSON formatter (lines on)",
    line_cost.RECORD_DROPPED: "the same logging call, records off (dropped at the level check)",
    line_cost.OURS_EMF: "our EMF line, built (`generated.observability.emf_line`)",
    line_cost.ALTERNATIVES_EMF: "the alternatives' EMF line, built with `json.dumps`",
}
RATIO_VERDICTS = {
    MET: "met",
    MISSED: "missed",
    IMPOSSIBLE: "impossible: X / N < one record",
}


def line_cost_lines(results: Results) -> list[str]:
    """What the lines cost alone, where the time of a record goes, and the floor arithmetic
    of the `N x faster` factors with the lines on."""
    if not results.line_costs:
        return [f"Not measured: {results.skipped.get('warm', 'section not run')}."]
    rows = [
        [PIECE_LABELS.get(c.name, c.name), f"{median(c.us):.2f} µs ±{iqr(c.us) / 2:.2f}"]
        for c in results.line_costs
        if c.us
    ]
    floor = line_floor_us(results)
    lines = [
        "Each piece timed alone in the warm rounds (same process, alternating with the "
        "handlers), median of the rounds. The record is the one our functions write for a "
        "valid request (same message, same fields).",
        "",
        *_table(["piece", "per request"], rows),
    ]
    if results.line_profile:
        lines += [
            "",
            f"Where a record's time goes: cProfile over {line_cost.PROFILED_RECORDS} records, "
            "each function's own time as a share of the profiled total, and that share of the "
            f"unprofiled {floor:.1f} µs (cProfile slows small calls unevenly: the shares are "
            "approximate).",
            "",
            *_table(
                ["function", "calls per record", "share", f"≈ of {floor:.1f} µs"],
                [
                    [r.function, f"{r.calls:g}", f"{r.share:.0%}", f"{r.share * floor:.1f} µs"]
                    for r in results.line_profile
                ],
            ),
        ]
    ratios = [r for r in lines_on_ratios(results) if r.verdict in RATIO_VERDICTS]
    if not ratios:
        return lines
    counts = {v: sum(r.verdict == v for r in ratios) for v in RATIO_VERDICTS}
    lines += [
        "",
        f"The `N x faster than X` factors with the lines on. Every handler that writes the line "
        f"pays at least one record, {floor:.1f} µs, per request; with the lines on, ours must "
        "take at most X's time / N, which no handler can when that is below the record "
        f"alone. Of {len(ratios)} comparisons: {counts[MET]} met, {counts[IMPOSSIBLE]} "
        f"impossible for any line-writing handler, {counts[MISSED]} missed although possible. "
        "The budgets judge the same factors with the records off (table above).",
        "",
        *_table(
            [
                "request",
                "X",
                "N",
                "X, lines on",
                "X / N",
                "ours, lines on",
                "X / ours, on",
                "X / ours, off",
                "with the lines on",
            ],
            [
                [
                    r.subject,
                    config.LABELS[r.other],
                    f"{r.factor:g}{TIMES}",
                    f"{r.other_on_us:.1f} µs",
                    f"{r.needed_us:.1f} µs",
                    f"{r.ours_on_us:.1f} µs",
                    _x(r.ratio_on),
                    _x(r.ratio_off),
                    RATIO_VERDICTS[r.verdict],
                ]
                for r in ratios
            ],
        ),
    ]
    return lines


SERVER_MODES = {
    "keep-alive": "HTTP/1.1 keep-alive connections (the budgets)",
    "new connection": "a new TCP connection for every request (`Connection: close`)",
}


def _server_rows(results: Results, concurrencies: Sequence[int], mode: str) -> list[list[str]]:
    rows: list[list[str]] = []
    for endpoint in SERVER_ENDPOINTS:
        for c in concurrencies:
            ours = results.server_of("ours", endpoint, c, mode)
            other = results.server_of("chalice", endpoint, c, mode)
            if not ours or not other or not ours.rps or not other.rps:
                continue
            rows.append(
                [
                    endpoint,
                    str(c),
                    f"{median(ours.rps):.0f}",
                    f"{median(other.rps):.0f}",
                    _x(median(ours.rps) / median(other.rps)) if median(other.rps) else NONE,
                    f"{median(ours.p50_ms):.2f} / {median(ours.p99_ms):.1f}",
                    f"{median(other.p50_ms):.2f} / {median(other.p99_ms):.1f}",
                    f"{ours.errors} / {other.errors}",
                ]
            )
    return rows


def server_lines(results: Results, concurrencies: Sequence[int]) -> list[str]:
    if not results.server:
        return [f"Not measured: {results.skipped.get('server', 'section not run')}."]
    lines = [
        "`python -m codegen serve` (defaults: response validation on, one log line per request) "
        "vs `chalice local` serving the same API; both on embedded moto, 127.0.0.1. "
        "Closed-loop clients (Python threads, `http.client`), median of the rounds.",
    ]
    header = [
        "endpoint",
        "clients",
        "ours req/s",
        "chalice local req/s",
        "ours / chalice",
        "ours p50 / p99 ms",
        "chalice p50 / p99 ms",
        "errors (ours / chalice)",
    ]
    for mode, title in SERVER_MODES.items():
        rows = _server_rows(results, concurrencies, mode)
        if rows:
            lines += ["", f"With {title}:", "", *_table(header, rows)]
    for run in results.server:
        if run.error:
            lines.append(
                f"- first error, {run.server} {run.endpoint} c={run.concurrency} ({run.mode}): "
                f"{run.error}"
            )
    return lines


def generator_lines(results: Results) -> list[str]:
    if not results.generator:
        return [f"Not measured: {results.skipped.get('generator', 'section not run')}."]
    rows = []
    for g in sorted(results.generator, key=lambda g: g.operations):
        if g.error or not g.seconds:
            rows.append([g.label, str(g.operations), "error: " + (g.error or "no data"), NONE])
            continue
        t = median(g.seconds)
        rows.append([g.label, str(g.operations), f"{t:.2f} s", f"{t / g.operations * 1000:.1f} ms"])
    return [
        "`python -m codegen generate --spec SPEC` in a fresh folder, wall time including the "
        "interpreter start; median of the rounds.",
        "",
        *_table(["spec", "operations", "time", "per operation"], rows),
    ]


def transaction_lines(results: Results) -> list[str]:
    """A create's added cost (issue 12): the transaction against a plain put."""
    if not results.transaction:
        return [f"Not measured: {results.skipped.get('transaction', 'section not run')}."]
    base = next((t for t in results.transaction if t.us), None)
    rows = []
    for t in results.transaction:
        time_cell = f"{median(t.us):.0f} us" if t.us else NONE
        ratio = f"{median(t.us) / median(base.us):.2f}x" if t.us and base is not None else NONE
        rows.append([t.operation, f"{t.wcu:g} WCU", time_cell, ratio, t.writes])
    return [
        "Write capacity per create from DynamoDB's rules (a transactional write is 2 WCUs "
        "per item up to 1 KB); time per call through boto3 on moto in-process, alternating "
        "rounds, medians: client-side and emulator work only, a relative figure.",
        "",
        *_table(["create", "capacity", "time", "vs plain put", "writes"], rows),
    ]


def package_lines(results: Results) -> list[str]:
    p = results.package
    if p.skipped:
        return [f"Not measured: {p.skipped}."]
    if not p.unzipped_bytes:
        return ["Not measured."]
    parts = ", ".join(f"{name} {size / 1024:.1f} KB" for name, size in p.largest)
    return [
        f"`sam build` ({p.build_seconds:.1f} s): {p.functions} functions, each "
        f"{p.unzipped_bytes / 1024:.1f} KB unzipped in {p.files} files, "
        f"{p.zipped_bytes / 1024:.1f} KB zipped. By top-level folder: {parts}.",
    ]


def machine_lines(results: Results) -> list[str]:
    m = results.machine
    rows = [[key, str(value)] for key, value in m.items() if key != "versions"]
    versions = m.get("versions", {})
    rows.append(["versions", ", ".join(f"{k} {v}" for k, v in sorted(versions.items()))])
    return _table(["", ""], rows)


def method_notes(results: Results) -> list[str]:
    """What the numbers mean, plus observations the run itself supports."""
    notes = [
        "Cold start: `python -S -m bench.coldchild` in a fresh process (site's .pth hooks of "
        "this machine are no part of any variant); before the timer it imports only what AWS "
        "Lambda's Python runtime has loaded when it imports a handler (json, logging, decimal, "
        "traceback, os, math, importlib). DynamoDB is answered in-process by replacing "
        "botocore's HTTP send (`bench/fake_dynamodb.py`), installed when botocore loads it: the "
        "whole boto3 stack runs, no socket is opened. moto's `mock_aws` is not used there "
        "because it imports boto3 before the timer and would hide the boto3 import.",
        "Warm: every variant's DynamoDB table is the same in-memory `MemTable` "
        "(`bench/alternatives/memtable.py`); ours through `utils.dynamodb`'s table cache.",
        "The alternatives (`bench/alternatives/`) implement the same operations and rules; "
        "Powertools answers validation errors with 422 (its default), the others 400.",
    ]
    keep = results.server_of("chalice", "GET /hello", 1)
    fresh = results.server_of("chalice", "GET /hello", 1, "new connection")
    if keep and keep.p50_ms and median(keep.p50_ms) >= 30:
        text = (
            f"chalice local answers a keep-alive request after {median(keep.p50_ms):.0f} ms "
            "(p50, 1 client)"
        )
        if fresh and fresh.p50_ms:
            text += f" but a new connection after {median(fresh.p50_ms):.1f} ms"
        text += (
            ": consistent with its handler writing headers and body in two sends, so Nagle's "
            "algorithm holds the body until the client's delayed ACK (about 40 ms). Real "
            "HTTP/1.1 clients keep connections alive, so the budget uses that mode."
        )
        notes.append(text)
    return notes


def render(
    results: Results, checks: Sequence[Check], concurrencies: Sequence[int] = (1, 8, 32)
) -> str:
    mode = "quick (`python -m bench --quick`)" if results.quick else "full (`python -m bench`)"
    seconds = sum(results.section_seconds.values())
    lines = [
        "# Benchmark results",
        "",
        f"Run: {mode}, {seconds:.0f} s. Written by `python -m bench`; do not edit. "
        "Every ratio compares measurements of the same run, taken alternating over "
        f"several rounds: {results.settings.get('cold_rounds', '?')} cold-start rounds, "
        f"{results.settings.get('warm_rounds', '?')} warm rounds, "
        f"{results.settings.get('server_rounds', '?')} server rounds.",
        "",
        "![results](results.png)",
        "",
        "## Budgets (issue 5)",
        "",
        *budget_lines(checks),
        "",
        "## Cold start",
        "",
        *cold_lines(results),
        "",
        "## Warm per-request overhead",
        "",
        *warm_lines(results),
        "",
        "## What the request lines cost (issue 15)",
        "",
        *line_cost_lines(results),
        "",
        "## Local server",
        "",
        *server_lines(results, concurrencies),
        "",
        "## Generator",
        "",
        *generator_lines(results),
        "",
        "## Package",
        "",
        *package_lines(results),
        "",
        "## A create's added cost (unique email, Idempotency-Key)",
        "",
        *transaction_lines(results),
        "",
        "## Machine",
        "",
        *machine_lines(results),
    ]
    lines += ["", "## Method", "", *(f"- {n}" for n in [*method_notes(results), *results.notes])]
    skipped = {k: v for k, v in results.skipped.items() if "/" in k}
    if skipped:
        lines += ["", "Skipped: " + "; ".join(f"{k}: {v}" for k, v in sorted(skipped.items()))]
    return "\n".join(lines) + "\n"


def _cold_cell(results: Results, variant: str, op: str) -> str:
    cold = results.cold_of(variant, op)
    if cold is None or cold.error or not cold.process_ms:
        return NONE
    return format_duration(median(cold.process_ms) / 1000)


def _warm_cell(results: Results, variant: str, op: str, kind: str) -> str:
    variant = "bare" if variant == "bare_boto3" else variant  # the same code, table stubbed
    warm = results.warm_of(variant, op, kind)
    if warm is None or warm.error or not warm.us:
        return NONE
    return f"{median(warm.us):.1f} µs"


def readme_section(results: Results, checks: Sequence[Check], minutes: float) -> str:
    """The README's Performance section (bench/README-section.md), from a full run."""
    rows = []
    for variant in (config.OURS, "bare", "bare_boto3", "openapi_core", "powertools", "chalice"):
        rss = [kb for c in results.cold if c.variant == variant for kb in c.peak_rss_kb]
        rows.append(
            [
                config.LABELS[variant],
                _cold_cell(results, variant, "hello"),
                _cold_cell(results, variant, "createUser"),
                _warm_cell(results, variant, "createUser", "valid"),
                _warm_cell(results, variant, "createUser", "invalid"),
                f"{max(rss) / 1024:.0f} MB" if rss else NONE,
            ]
        )
    met = sum(c.met for c in checks)
    missed = sorted({c.budget for c in checks if not c.met})
    lines = [
        "## Performance",
        "",
        "Measured side by side in one run (alternating, several rounds, medians; "
        "2-core machine, CPython 3.11). Cold start: fresh process, import + first call, "
        "DynamoDB answered in-process (every variant imports boto3 for POST /users). "
        "Warm: per request, DynamoDB stubbed identically for all, each variant writing "
        "issue 15's log record and EMF line (bench/results.md also shows them off).",
        "",
        *_table(
            [
                "variant",
                "cold start GET /hello",
                "cold start POST /users",
                "warm POST /users, valid (lines on)",
                "warm POST /users, invalid (lines on)",
                "peak RSS",
            ],
            rows,
        ),
        "",
    ]
    facts = []
    server = results.server_of("ours", "GET /users/{id}", 1)
    other = results.server_of("chalice", "GET /users/{id}", 1)
    if server and other and server.rps and other.rps:
        text = (
            f"local server, GET /users/{{id}}, 1 keep-alive client: {median(server.rps):.0f} "
            f"req/s, p50 {median(server.p50_ms):.1f} ms (`chalice local`: "
            f"{median(other.rps):.0f} req/s"
        )
        fresh = results.server_of("ours", "GET /users/{id}", 1, "new connection")
        fresh_other = results.server_of("chalice", "GET /users/{id}", 1, "new connection")
        if fresh and fresh_other and fresh.rps and fresh_other.rps:
            text += (
                f", held back by a ~40 ms stall on keep-alive connections; with a new "
                f"connection per request: ours {median(fresh.rps):.0f}, chalice local "
                f"{median(fresh_other.rps):.0f} req/s"
            )
        facts.append(text + ")")
    big = next((g for g in results.generator if g.operations == 500 and g.seconds), None)
    if big:
        facts.append(f"generator on a 500-operation spec: {median(big.seconds):.1f} s")
    if results.package.unzipped_bytes:
        facts.append(
            f"Lambda package (`sam build`): {results.package.unzipped_bytes / 1024:.0f} KB, "
            f"{results.package.zipped_bytes / 1024:.0f} KB zipped"
        )
    if facts:
        lines += ["; ".join(facts) + ".", ""]
    lines.append(f"Budgets of issue 5: {met} of {len(checks)} checks met.")
    if missed:
        lines.append("Not met: " + "; ".join(missed) + ". Details in bench/results.md.")
    lines += [
        "",
        "![benchmark](bench/results.png)",
        "",
        f"Re-run: `pip install -e '.[dev,bench]' && python -m bench` (about {minutes:.0f} min; "
        "`--quick` for a short run); it rewrites bench/results.md and bench/results.png and "
        "exits non-zero when a budget is missed.",
    ]
    return "\n".join(lines) + "\n"
