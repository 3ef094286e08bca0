"""What the local server's authentication costs per request: `python -m bench.auth_verify`.

Times `Gatekeeper.admit` (codegen.serve.auth), the whole check the local server makes
before a secured handler runs, on the checkout's real credentials and spec: RS256 token
verification (signature, exp, iss, token_use, client id, scopes), the claims turned into
strings, then the API key lookup. Also the refusal paths (no token; a forged signature).
Only the local server pays this: deployed, API Gateway's own Cognito authorizer does it and
no Lambda of ours runs (the handlers' cold starts are unchanged).

Prints one line per case: median and 95th percentile in microseconds over N calls.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

from bench import config
from bench.stats import median, percentile


def cases() -> dict[str, Callable[[], object]]:
    from codegen.openapi.parser import parse_api
    from codegen.render.cloudformation import apigw
    from codegen.serve.auth.credentials_cli import headers
    from codegen.serve.auth.setup import build_auth
    from codegen.serve.definition import GatewayDefinition

    api = parse_api(config.ROOT / "openapi.yaml")
    definition = GatewayDefinition.from_body(apigw.definition_body(api))
    gatekeeper = build_auth(config.ROOT, api, definition).gatekeeper
    security = definition.method_security("/users", "GET")
    good = dict(headers(config.ROOT / "openapi.yaml", None, []))
    token = good["Authorization"]
    forged = {**good, "Authorization": token[:-8] + ("A" * 8 if token[-8:] != "A" * 8 else "B" * 8)}
    return {
        "admitted (token + key)": lambda: gatekeeper.admit(good, security),
        "refused: no token": lambda: gatekeeper.admit({}, security),
        "refused: bad signature": lambda: gatekeeper.admit(forged, security),
    }


def measure(calls: int = 2000) -> dict[str, tuple[float, float]]:
    """Case -> (median, p95) in microseconds."""
    found: dict[str, tuple[float, float]] = {}
    for name, call in cases().items():
        for _ in range(min(200, calls)):  # warm-up: imports, caches
            call()
        samples: list[float] = []
        for _ in range(calls):
            started = time.perf_counter()
            call()
            samples.append((time.perf_counter() - started) * 1e6)
        found[name] = (median(samples), percentile(samples, 95))
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.auth_verify", description=__doc__)
    parser.add_argument("--calls", type=int, default=2000, help="timed calls per case")
    args = parser.parse_args(argv)
    for name, (p50, p95) in measure(args.calls).items():
        print(f"{name:24} median {p50:7.1f} µs   p95 {p95:7.1f} µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
