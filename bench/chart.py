"""bench/results.png: four panels, one per measured thing (matplotlib, Agg backend)."""

from __future__ import annotations

from pathlib import Path

from bench import config
from bench.events import OPERATIONS
from bench.results import Results
from bench.stats import median

COLORS = {
    config.OURS: "#1b9e77",
    "bare": "#7f7f7f",
    "bare_boto3": "#bdbdbd",
    "openapi_core": "#d95f02",
    "powertools": "#7570b3",
    "chalice": "#e7298a",
}


def render(results: Results, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    plain = FuncFormatter(lambda value, _: f"{value:g}")
    fig, axes = plt.subplots(2, 2, figsize=(14, 10.5))
    mode = "quick run" if results.quick else "full run"
    fig.suptitle(
        f"Users API benchmark ({mode}; medians; lower is better except req/s)", fontsize=13
    )

    # Cold start per operation.
    ax = axes[0][0]
    variants = [config.OURS, "bare", "bare_boto3", "openapi_core", "powertools", "chalice"]
    width = 0.8 / len(variants)
    for i, variant in enumerate(variants):
        xs, ys = [], []
        for j, op in enumerate(OPERATIONS):
            cold = results.cold_of(variant, op)
            if cold and cold.process_ms and not cold.error:
                xs.append(j + (i - len(variants) / 2 + 0.5) * width)
                ys.append(median(cold.process_ms))
        ax.bar(xs, ys, width, label=config.LABELS[variant], color=COLORS[variant])
    ax.set_xticks(range(len(OPERATIONS)), OPERATIONS, fontsize=8)
    ax.set_ylabel("ms (log)")
    if any(c.process_ms for c in results.cold):
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(plain)
        ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_title("Cold start: fresh process, import + first call")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=3, frameon=False)

    # Warm, valid requests.
    ax = axes[0][1]
    warm_variants = list(config.WARM_VARIANTS)
    width = 0.8 / len(warm_variants)
    labels = [
        f"{op}\n{kind}"
        for op in OPERATIONS
        for kind in ("valid", "invalid")
        if any(w.operation == op and w.kind == kind for w in results.warm)
    ]
    keys = [tuple(label.split("\n")) for label in labels]
    for i, variant in enumerate(warm_variants):
        xs, ys = [], []
        for j, (op, kind) in enumerate(keys):
            w = results.warm_of(variant, op, kind)
            if w and w.us and not w.error:
                xs.append(j + (i - len(warm_variants) / 2 + 0.5) * width)
                ys.append(median(w.us))
        ax.bar(xs, ys, width, label=config.LABELS[variant], color=COLORS[variant])
    ax.set_xticks(range(len(labels)), labels, fontsize=6)
    ax.set_ylabel("µs per request (log)")
    if any(w.us for w in results.warm):
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(plain)
    ax.set_title("Warm per-request overhead (DynamoDB stubbed)")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3, frameon=False)

    # Server throughput.
    ax = axes[1][0]
    endpoints = ("GET /hello", "GET /users/{id}", "POST /users")
    palette = ("#1b9e77", "#d95f02", "#7570b3")
    concurrencies = sorted({s.concurrency for s in results.server})
    for endpoint, color in zip(endpoints, palette, strict=True):
        for server, style in (("ours", "-"), ("chalice", "--")):
            ys = []
            for c in concurrencies:
                run = results.server_of(server, endpoint, c)
                ys.append(median(run.rps) if run and run.rps else float("nan"))
            name = "codegen serve" if server == "ours" else "chalice local"
            ax.plot(concurrencies, ys, style, marker="o", color=color, label=f"{endpoint}, {name}")
    if concurrencies:
        ax.set_xscale("log", base=2)
        ax.set_xticks(concurrencies, [str(c) for c in concurrencies])
    else:
        ax.text(
            0.5,
            0.5,
            results.skipped.get("server", "not measured"),
            ha="center",
            transform=ax.transAxes,
            wrap=True,
        )
    ax.set_xlabel("concurrent clients")
    ax.set_ylabel("requests / s")
    ax.set_ylim(bottom=0)
    ax.set_title("Local server throughput (solid: ours, dashed: chalice local)")
    ax.legend(fontsize=7, handlelength=4)

    # Generator time.
    ax = axes[1][1]
    runs = sorted((g for g in results.generator if g.seconds), key=lambda g: g.operations)
    if runs:
        xs = [g.operations for g in runs]
        ys = [median(g.seconds) for g in runs]
        ax.plot(xs, ys, marker="o", color=COLORS[config.OURS], label="python -m codegen")
        if len(runs) >= 2:
            slope = (ys[-1] - ys[0]) / (xs[-1] - xs[0])
            ax.plot(
                [0, xs[-1]],
                [ys[0] - slope * xs[0], ys[-1]],
                ":",
                color="#7f7f7f",
                label="linear through first and last",
            )
        for x, y, g in zip(xs, ys, runs, strict=True):
            ax.annotate(
                f"{y:.2f} s", (x, y), textcoords="offset points", xytext=(4, -12), fontsize=7
            )
            del g
        ax.axhline(
            10, color="#d95f02", linewidth=0.8, linestyle="--", label="budget: 500 ops < 10 s"
        )
        ax.legend(fontsize=7)
    else:
        ax.text(
            0.5,
            0.5,
            results.skipped.get("generator", "not measured"),
            ha="center",
            transform=ax.transAxes,
        )
    ax.set_xlabel("operations in the spec")
    ax.set_ylabel("seconds")
    ax.set_ylim(bottom=0)
    ax.set_title("Generator time")

    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
