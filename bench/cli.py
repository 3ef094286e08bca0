"""`python -m bench [--quick] [--only SECTION ...]`: run, report, judge the budgets.

Exit status: 0 when every budget check of the sections run is met, 1 when one is missed
or could not be evaluated (a section that could not run), 2 on bad usage. The capacity
section is reported, never judged.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench import budgets, config, machine, report
from bench.results import Results

SECTIONS = budgets.SECTIONS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark our handlers and generator against the alternatives.",
    )
    parser.add_argument("--quick", action="store_true", help="short run: fewer rounds")
    parser.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        help="run only this section (repeatable); default: all",
    )
    parser.add_argument("--seed", type=int, default=5, help="seed of the alternating order")
    parser.add_argument(
        "--generator-baseline",
        metavar="COMMIT",
        default=None,
        help="also time this commit's generator on its own 500-operation spec, alternating "
        "with ours (git archive: nothing is checked out), to tell a slow machine from a "
        "slow generator",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for results.md and results.png (default: bench/, or bench/out/ with "
        "--quick so a short run never replaces the committed full results)",
    )
    parser.add_argument(
        "--no-fail", action="store_true", help="exit 0 even when a budget is missed"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    out: Path = args.out or (config.OUT_DIR if args.quick else config.BENCH_DIR)
    sections: tuple[str, ...] = tuple(args.only) if args.only else SECTIONS
    settings = config.settings(args.quick, args.seed, args.generator_baseline)
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {message}", file=sys.stderr, flush=True)

    results = Results(quick=args.quick, settings=settings.as_dict())
    results.settings["sections"] = list(sections)
    results.machine = machine.describe()
    for key, value in results.machine.items():
        log(f"{key}: {value}")

    if "cold" in sections:
        t = time.perf_counter()
        from bench import coldstart

        results.cold, skipped = coldstart.run(settings, log)
        results.skipped.update(skipped)
        results.section_seconds["cold"] = time.perf_counter() - t
    if "warm" in sections:
        t = time.perf_counter()
        from bench import warm

        try:
            run = warm.run(settings, log)
            results.warm, results.profiles = run.warm, run.profiles
            results.skipped.update({f"warm/{k}": v for k, v in run.skipped.items()})
        except RuntimeError as error:
            results.skipped["warm"] = str(error)
            log(str(error))
        results.section_seconds["warm"] = time.perf_counter() - t
    if "capacity" in sections:
        t = time.perf_counter()
        from bench import capacity

        try:
            results.capacity = capacity.run(log)
        except RuntimeError as error:
            results.skipped["capacity"] = str(error)
            log(f"capacity: {error}")
        results.section_seconds["capacity"] = time.perf_counter() - t
    if "generator" in sections:
        t = time.perf_counter()
        from bench import generator

        results.generator, skipped = generator.run(settings, log)
        results.skipped.update(skipped)
        results.section_seconds["generator"] = time.perf_counter() - t

    results.machine["load average at end (1/5/15 min)"] = machine.load_average()
    checks = budgets.evaluate(results, sections)
    out.mkdir(parents=True, exist_ok=True)
    results.save(config.OUT_DIR / ("results-quick.json" if args.quick else "results.json"))
    (out / "results.md").write_text(report.render(results, checks), encoding="utf-8")
    try:
        from bench import chart

        chart.render(results, out / "results.png")
    except ImportError as error:
        log(f"chart not drawn: {error} (pip install -e '.[bench]')")
    for line in report.budget_lines(checks):
        print(line)
    log(f"wrote {out / 'results.md'} and results.png in {time.perf_counter() - started:.0f} s")
    if args.no_fail:
        return 0
    return 0 if budgets.all_met(checks) else 1
