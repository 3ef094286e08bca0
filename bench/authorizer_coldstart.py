"""Cold start of a generated Lambda authorizer against a hand-written one, side by side.

`python -m bench.authorizer_coldstart [--rounds N]` renders tests/codegen/specs/
authorizers.yaml into a temporary project, fills in the verification functions of its
`header_key_or_opaque_bearer` authorizer (the key in `X-APISETU-APIKEY`, or a bearer
token), and starts each authorizer in a fresh process per round, alternating: the
generated one, then bench/alternatives/manual_authorizer.py (the same checks written by
hand). Each child times its own import + first call; the parent times the whole process
(interpreter start included, as a Lambda cold start includes the runtime's). Rounds are
paired, so drift in the machine's load cancels (bench.stats.paired_ratio).

Prints the medians and the paired ratios; the issue's budget is 1.2 on the process.
"""

from __future__ import annotations

import argparse
import compileall
import json
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench import config
from bench.stats import median, paired_ratio

BUDGET = 1.2
GENERATED = "generated.authorizers.header_key_or_opaque_bearer"
# Copied beside the generated one and imported as a top-level module, as Lambda would
# (importing it from `bench.alternatives` would also run those packages' __init__).
MANUAL = "manual_authorizer"
MANUAL_SOURCE = config.BENCH_DIR / "alternatives" / "manual_authorizer.py"
SPEC = config.ROOT / "tests" / "codegen" / "specs" / "authorizers.yaml"
VERIFY = {
    "header_key": 'KEYS = frozenset({"right-key"})\n\n\ndef verify(credential, scopes):\n'
    '    return {"principalId": "team-a", "team": "a"} if credential in KEYS else None\n',
    "opaque_bearer": 'TOKENS = frozenset({"right-token"})\n\n\ndef verify(credential, scopes):\n'
    '    return {"principalId": "team-a", "team": "a"} if credential in TOKENS else None\n',
}
EVENT = {
    "type": "REQUEST",
    "methodArn": "arn:aws:execute-api:us-east-1:123456789012:abc/v1/GET/key-or-token",
    "headers": {"X-APISETU-APIKEY": "right-key"},
    "queryStringParameters": None,
}
# The child: time the import and the first call, print the answer's effect and the time.
CHILD = """
import json, sys, time
started = time.perf_counter()
import importlib
module = importlib.import_module(sys.argv[1])
answer = module.handler(json.loads(sys.argv[2]), None)
elapsed = time.perf_counter() - started
effect = answer["policyDocument"]["Statement"][0]["Effect"]
print(json.dumps({"ms": elapsed * 1000, "effect": effect}))
"""


def project(directory: Path) -> Path:
    """The rendered project with its verification functions filled in; its src/."""
    from codegen.openapi.parser import parse_api
    from codegen.render.collect import render_all, write

    (directory / "openapi.yaml").write_bytes(SPEC.read_bytes())
    api = parse_api(directory / "openapi.yaml")
    write(directory, render_all(api))
    for name, text in VERIFY.items():
        (directory / "src" / "authorizers" / f"{name}.py").write_text(text, encoding="utf-8")
    (directory / "src" / f"{MANUAL}.py").write_bytes(MANUAL_SOURCE.read_bytes())
    return directory / "src"


def run(module: str, src: Path) -> tuple[float, float]:
    """(process ms, import + first call ms) of one fresh process."""
    env = config.child_env()
    env["PYTHONPATH"] = str(src)  # only the function's package, as Lambda's /var/task
    started = time.perf_counter()
    completed = subprocess.run(
        [config.python(), "-S", "-c", CHILD, module, json.dumps(EVENT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    wall = (time.perf_counter() - started) * 1000
    child = json.loads(completed.stdout.strip().splitlines()[-1])
    if child["effect"] != "Allow":
        raise RuntimeError(f"{module} did not allow the right key: {child}")
    return wall, float(child["ms"])


def measure(rounds: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        src = project(Path(folder))
        compileall.compile_dir(str(src), quiet=2, workers=1)
        run(GENERATED, src)  # warm the file cache once for each
        run(MANUAL, src)
        ours: list[tuple[float, float]] = []
        theirs: list[tuple[float, float]] = []
        for index in range(rounds):
            order = [(GENERATED, ours), (MANUAL, theirs)]
            for module, series in order if index % 2 == 0 else reversed(order):
                series.append(run(module, src))
    return {
        "generated_process_ms": median([w for w, _ in ours]),
        "manual_process_ms": median([w for w, _ in theirs]),
        "generated_import_ms": median([c for _, c in ours]),
        "manual_import_ms": median([c for _, c in theirs]),
        "process_ratio": paired_ratio([w for w, _ in ours], [w for w, _ in theirs]),
        "import_ratio": paired_ratio([c for _, c in ours], [c for _, c in theirs]),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.authorizer_coldstart")
    parser.add_argument("--rounds", type=int, default=30)
    rounds = parser.parse_args(argv).rounds
    found = measure(rounds)
    print(
        f"cold start, {rounds} paired rounds (median): generated "
        f"{found['generated_process_ms']:.1f} ms vs hand-written "
        f"{found['manual_process_ms']:.1f} ms per process (ratio {found['process_ratio']:.2f}, "
        f"budget {BUDGET}); import + first call {found['generated_import_ms']:.2f} vs "
        f"{found['manual_import_ms']:.2f} ms (ratio {found['import_ratio']:.2f})"
    )
    return 0 if found["process_ratio"] <= BUDGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
