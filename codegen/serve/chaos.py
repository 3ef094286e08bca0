"""`python -m codegen serve --chaos SPEC`: DynamoDB faults at random, for client teams to
exercise their retry logic against the real handlers.

SPEC is `name=probability,...` (e.g. `throttle=0.05,timeout=0.01`), names from
codegen/serve/faults.py (`NAMES`). Each DynamoDB *attempt* the handlers make meets at most
one fault, drawn with those probabilities; the faults are the ones the tests inject
(`before-send`), so botocore's retries, the request deadline and `guarded` answer them
exactly as deployed (mostly a 503 with Retry-After once retries are spent). Off by
default; when on, a banner says so at start and every injected fault prints a marker.
"""

from __future__ import annotations

import importlib
import random
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from codegen.serve import faults

MARKER = "CHAOS"


@dataclass(frozen=True)
class ChaosSpec:
    """Fault name -> probability per attempt, in the order given."""

    rates: tuple[tuple[str, float], ...]

    def describe(self) -> str:
        return ", ".join(f"{name} {rate:.2%}" for name, rate in self.rates)


def parse(text: str) -> ChaosSpec:
    """SPEC -> ChaosSpec; ValueError whose message is the one line to print."""
    rates: dict[str, float] = {}
    for part in text.split(","):
        name, equals, value = part.strip().partition("=")
        if not equals or not name:
            raise ValueError(f"{part.strip()!r} is not name=probability")
        if name not in faults.NAMES:
            raise ValueError(f"unknown fault {name!r} (one of: {', '.join(faults.NAMES)})")
        if name in rates:
            raise ValueError(f"fault {name!r} given twice")
        try:
            rate = float(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a probability (0 < p <= 1)") from None
        if not 0 < rate <= 1:
            raise ValueError(f"{value!r} is not a probability (0 < p <= 1)")
        rates[name] = rate
    if sum(rates.values()) > 1:
        raise ValueError("the probabilities add up to more than 1")
    return ChaosSpec(tuple(rates.items()))


class Chaos:
    """The `before-send` handler: one draw per attempt."""

    def __init__(
        self,
        spec: ChaosSpec,
        read_timeout_seconds: float,
        out: TextIO = sys.stderr,
        draw: Callable[[], float] = random.random,
    ) -> None:
        self.spec = spec
        self._injections = [
            (name, rate, faults.injection(name, read_timeout_seconds)) for name, rate in spec.rates
        ]
        self._out = out
        self._draw = draw
        self._lock = threading.Lock()
        self.injected: dict[str, int] = {}

    def __call__(self, request: Any = None, event_name: str = "", **_: Any) -> Any:
        point = self._draw()
        for name, rate, injection in self._injections:
            if point < rate:
                operation = event_name.rsplit(".", 1)[-1]
                with self._lock:
                    self.injected[name] = self.injected.get(name, 0) + 1
                    print(f"{MARKER}: injected {name} into {operation}", file=self._out, flush=True)
                return faults.apply(injection, request)
            point -= rate
        return None


def banner(spec: ChaosSpec) -> str:
    return (
        f"{MARKER} MODE ON: DynamoDB faults injected at random into every attempt "
        f"({spec.describe()}); each prints a '{MARKER}:' line. Not for measurements."
    )


def install(spec: ChaosSpec, out: TextIO = sys.stderr) -> Chaos:
    """Hook the handlers' DynamoDB client (utils.dynamodb's, built now if not yet; the
    local server runs the handlers in this process, src/ on sys.path)."""
    helper = importlib.import_module("utils.dynamodb")
    client = helper.get_table().meta.client
    chaos = Chaos(spec, float(client.meta.config.read_timeout), out)
    faults.register(client, chaos)
    return chaos
