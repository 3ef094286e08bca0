"""bench/results.png: one panel per measured thing (matplotlib, Agg backend)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench import config
from bench.events import OPERATIONS, cases
from bench.results import Results
from bench.stats import median

COLORS = {
    config.OURS: "#1b9e77",
    config.BARE: "#7f7f7f",
    "chalice": "#e7298a",
    "powertools": "#7570b3",
    "openapi_core": "#d95f02",
}


def _bars(ax: Any, groups: list[str], values: dict[str, list[float]]) -> None:
    """Grouped bars, one colour per variant; NaN values are left out."""
    width = 0.8 / len(config.VARIANTS)
    for i, variant in enumerate(config.VARIANTS):
        points = [
            (j + (i - len(config.VARIANTS) / 2 + 0.5) * width, y)
            for j, y in enumerate(values[variant])
            if y == y  # not NaN
        ]
        ax.bar(
            [x for x, _ in points],
            [y for _, y in points],
            width,
            label=config.LABELS[variant],
            color=COLORS[variant],
        )
    ax.set_xticks(range(len(groups)), groups, fontsize=6)
    if any(values[v] for v in config.VARIANTS):
        ax.set_yscale("log")


def render(results: Results, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    plain = FuncFormatter(lambda value, _: f"{value:g}")
    fig, axes = plt.subplots(2, 2, figsize=(14, 10.5))
    mode = "quick run" if results.quick else "full run"
    fig.suptitle(f"Users API benchmark ({mode}; medians; every variant does the same job)")

    ax = axes[0][0]
    cold = {
        v: [
            median(c.cpu_ms) if (c := results.cold_of(v, op)) and c.cpu_ms else float("nan")
            for op in OPERATIONS
        ]
        for v in config.VARIANTS
    }
    _bars(ax, list(OPERATIONS), cold)
    ax.yaxis.set_major_formatter(plain)
    ax.set_ylabel("ms (log)")
    ax.set_title("Cold start: fresh process, import + first call (CPU time)")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=5, frameon=False)

    ax = axes[0][1]
    requests = [(c.operation_id, c.kind) for c in cases()]
    warm = {
        v: [
            median(w.us) if (w := results.warm_of(v, op, kind)) and w.us else float("nan")
            for op, kind in requests
        ]
        for v in config.VARIANTS
    }
    _bars(ax, [f"{op}\n{kind}" for op, kind in requests], warm)
    ax.yaxis.set_major_formatter(plain)
    ax.set_ylabel("µs per request (log)")
    ax.set_title("Warm per request, CPU time (DynamoDB answered in memory)")

    ax = axes[1][0]
    if results.capacity:
        names = [c.request for c in results.capacity]
        ys = range(len(names))
        ax.barh([y - 0.2 for y in ys], [c.read_units for c in results.capacity], 0.4,
                label="read units", color="#1b9e77")  # fmt: skip
        ax.barh([y + 0.2 for y in ys], [c.write_units for c in results.capacity], 0.4,
                label="write units", color="#d95f02")  # fmt: skip
        ax.set_yticks(list(ys), names, fontsize=7)
        ax.invert_yaxis()
        ax.legend(fontsize=7)
    ax.set_title("DynamoDB capacity units per request (DynamoDB Local)")

    ax = axes[1][1]
    ours = sorted((g for g in results.generator if g.seconds and not g.commit),
                  key=lambda g: g.operations)  # fmt: skip
    if ours:
        xs = [g.operations for g in ours]
        ax.plot(xs, [median(g.seconds) for g in ours], marker="o", color=COLORS[config.OURS],
                label="wall")  # fmt: skip
        cpu = [median(g.cpu_seconds) if g.cpu_seconds else float("nan") for g in ours]
        ax.plot(xs, cpu, marker="o", linestyle=":", color=COLORS[config.OURS], label="CPU")
    for g in results.generator:
        if g.commit and g.seconds:
            ax.plot([g.operations], [median(g.seconds)], marker="s", color="#7f7f7f",
                    linestyle="", label=f"wall at {g.commit}")  # fmt: skip
    ax.axhline(10, color="#d95f02", linewidth=0.8, linestyle="--", label="budget: 500 ops < 10 s")
    ax.legend(fontsize=7)
    ax.set_xlabel("operations in the spec")
    ax.set_ylabel("seconds")
    ax.set_ylim(bottom=0)
    ax.set_title("Generator time")

    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
