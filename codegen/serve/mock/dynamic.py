"""Random schema-valid bodies, for `Prefer: dynamic=true` (Prism's dynamic mode).

The mock's own sampler (`sample.py`) makes a random choice wherever its static order takes
the first: a oneOf/anyOf branch, an enum value, whether an optional property is there, how
many items an array has, a number within its bounds, a string's length, a date. Examples and
defaults are skipped; a `pattern` keeps the static value (hypothesis' smallest match).

Why not a library: hypothesis-jsonschema 0.23.1, the one maintained JSON Schema generator
for Python, fails with current Hypothesis ("'many' object has no attribute 'more'", in its
object strategy), and schemathesis generates requests, not response bodies.

The server's seed (`serve --mock --seed N`, else one chosen at start and printed) and a count
of the dynamic answers so far seed each body, so a run of requests can be replayed. Each
body is checked against its schema before it is sent; one that fails falls back to the
static body.
"""

from __future__ import annotations

import datetime
import random
import string
import threading
import uuid
from collections.abc import Mapping
from typing import Any

from codegen.openapi.errors import SpecError, join_pointer
from codegen.openapi.published import SchemaChecker
from codegen.serve.mock.sample import (
    FORMAT_VALUES,
    MAX_DEPTH,
    Sampler,
    integer_keyword,
    static_number,
)

# Unbounded numbers and lengths are drawn from these ranges.
NUMBER_SPAN = 1000
EXTRA_LENGTH = 12
EXTRA_ITEMS = 3
ATTEMPTS = 4  # bodies drawn per answer before the static one stands in


class RandomSampler(Sampler):
    """A random value where the static sampler takes the first choice."""

    use_examples = False

    def __init__(self, document: Mapping[str, Any], rng: random.Random) -> None:
        super().__init__(document)
        self._rng = rng

    def branch(self, count: int) -> int:
        return self._rng.randrange(count)

    def enum_value(self, values: list[Any]) -> Any:
        return self._rng.choice(values)

    def boolean(self) -> bool:
        return self._rng.random() < 0.5

    def includes_optional(self) -> bool:
        return self._rng.random() < 0.5

    def item_count(self, low: int, high: int | None, depth: int) -> int:
        if depth >= MAX_DEPTH:
            return low
        return self._rng.randint(low, low + EXTRA_ITEMS if high is None else high)

    def number(self, node: Mapping[str, Any], integer: bool) -> int | float:
        low, high = node.get("minimum"), node.get("maximum")
        start = low if isinstance(low, int | float) else -NUMBER_SPAN
        stop = high if isinstance(high, int | float) else start + 2 * NUMBER_SPAN
        step = node.get("multipleOf")
        if integer or isinstance(step, int | float):
            unit = step if isinstance(step, int | float) and step > 0 else 1
            first, last = -(-start // unit), stop // unit  # the multiples within the bounds
            if first > last:
                return static_number(node, integer)
            value = self._rng.randint(int(first), int(last)) * unit
        else:
            value = self._rng.uniform(start, stop)
        if value in (low, high) and (node.get("exclusiveMinimum") or node.get("exclusiveMaximum")):
            return static_number(node, integer)  # on an excluded bound: the static value is valid
        return int(value) if integer else value

    def string(self, node: Mapping[str, Any], pointer: str) -> str:
        if "pattern" in node or node.get("format") not in (None, *_RANDOM_FORMATS):
            return super().string(node, pointer)
        fmt = node.get("format")
        if fmt is not None:
            return _RANDOM_FORMATS[str(fmt)](self._rng)
        low: int = integer_keyword(node, "minLength", 0)
        high: int | None = integer_keyword(node, "maxLength", None)
        length = self._rng.randint(low, low + EXTRA_LENGTH if high is None else high)
        return "".join(self._rng.choices(string.ascii_letters + string.digits, k=length))

    def _array(self, node: Mapping[str, Any], pointer: str, depth: int) -> list[Any]:
        low: int = integer_keyword(node, "minItems", 0)
        high: int | None = integer_keyword(node, "maxItems", None)
        where = join_pointer(pointer, "items")
        items = [
            self.sample(node.get("items", {}), where, depth + 1)
            for _ in range(self.item_count(low, high, depth))
        ]
        if node.get("uniqueItems") is True and len({repr(i) for i in items}) < len(items):
            return super()._array(node, pointer, depth)  # the static one is distinct
        return items


def _date(rng: random.Random) -> datetime.date:
    return datetime.date(2000, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 40))


_RANDOM_FORMATS = {
    "date": lambda rng: _date(rng).isoformat(),
    "date-time": lambda rng: (
        f"{_date(rng).isoformat()}T{rng.randrange(24):02d}:"
        f"{rng.randrange(60):02d}:{rng.randrange(60):02d}Z"
    ),
    "uuid": lambda rng: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
    "email": lambda rng: f"user{rng.randrange(10**6)}@example.com",
    "uri": lambda rng: f"https://example.com/{rng.randrange(10**6)}",
    "url": lambda rng: f"https://example.com/{rng.randrange(10**6)}",
}
assert set(_RANDOM_FORMATS) <= set(FORMAT_VALUES)


class DynamicBodies:
    """Random bodies for one document's response schemas (one at a time: the count that
    seeds them is shared)."""

    def __init__(self, document: Mapping[str, Any], seed: int) -> None:
        self.seed = seed
        self._document = document
        self._checker = SchemaChecker(document)
        self._count = 0
        self._lock = threading.Lock()

    def body(self, schema_pointer: str) -> Any:
        """A random value of the schema at `schema_pointer`; None when none was valid."""
        with self._lock:
            self._count += 1
            rng = random.Random(f"{self.seed}:{self._count}")
        sampler = RandomSampler(self._document, rng)
        for _ in range(ATTEMPTS):
            try:
                value = sampler.sample({"$ref": "#" + schema_pointer}, "")
            except SpecError:  # e.g. a pattern nothing matches: the static path says so
                return None
            if self._checker.problem(value, schema_pointer) is None:
                return value
        return None
