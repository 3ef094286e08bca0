"""A deterministic value from a schema, for an answer the spec gives no example for.

The order is Stoplight Prism's static mode (@stoplight/json-schema-sampler): the schema's
`example`, `allOf` merged, the first of `oneOf`/`anyOf`, `default`, `const`, `enum[0]`,
`examples[0]`, then a value by `type` and `format`. Unlike Prism (prism#2243) the value
honours `pattern` too: hypothesis' `from_regex` (a maintained generator) finds its
smallest match within the length bounds, checked with `re.search` as JSON Schema reads a
pattern. It also honours minLength/maxLength, minimum/maximum (exclusive too),
multipleOf, minItems/maxItems, minProperties, `required` and `readOnly`/`writeOnly` (a
response leaves writeOnly properties out).

The caller checks the value against its schema (`codegen.serve.mock.examples`): a schema
no value satisfies is one line naming its pointer there, not here.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from typing import Any

from codegen.openapi.errors import SpecError, join_pointer
from codegen.openapi.refs import follow_refs

# Deeper than this, objects keep their required properties only and arrays their minimum:
# a recursive schema (a tree node holding nodes) still gives a finite value.
MAX_DEPTH = 6
# Values by format, each valid for OpenAPI 3.0's and JSON Schema's format checks.
FORMAT_VALUES: Mapping[str, str] = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00Z",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uri-reference": "https://example.com/",
    "iri": "https://example.com/",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "c3RyaW5n",  # base64 of "string"
    "binary": "string",
    "password": "string",
    "regex": "^string$",
    "json-pointer": "/string",
}


class Sampler:
    """Values of one document's schemas (`$ref`s resolved against it)."""

    def __init__(
        self,
        document: Mapping[str, Any],
        direction: str = "response",
        skip_examples: frozenset[str] = frozenset(),
    ) -> None:
        self._document = document
        self._hidden = "writeOnly" if direction == "response" else "readOnly"
        # The pointers of schema `example`s that break their own schema: not used.
        self._skip = skip_examples

    # The choices the static order makes, each one a method so that a random sampler
    # (codegen.serve.mock.dynamic) can make them otherwise.
    use_examples = True  # the schema's `example`, `default`, `examples[0]` before any value

    def branch(self, count: int) -> int:
        """Which of `count` oneOf/anyOf branches: the first."""
        return 0

    def enum_value(self, values: list[Any]) -> Any:
        return values[0]

    def string(self, node: Mapping[str, Any], pointer: str) -> str:
        return _string(node, pointer)

    def number(self, node: Mapping[str, Any], integer: bool) -> int | float:
        return static_number(node, integer)

    def boolean(self) -> bool:
        return True

    def item_count(self, low: int, high: int | None, depth: int) -> int:
        count = low if depth >= MAX_DEPTH else max(low, 1)
        return count if high is None else min(count, high)

    def includes_optional(self) -> bool:
        return True

    def sample(self, schema: Any, pointer: str, depth: int = 0) -> Any:
        node, pointer = follow_refs(self._document, schema, pointer)
        if not isinstance(node, Mapping):
            return None
        if (
            self.use_examples
            and "example" in node
            and join_pointer(pointer, "example") not in self._skip
        ):
            return node["example"]
        if isinstance(node.get("allOf"), list) and node["allOf"]:
            return self.sample(self.merged(node, pointer), pointer, depth)
        for key in ("oneOf", "anyOf"):
            branches = node.get(key)
            if isinstance(branches, list) and branches:
                index = self.branch(len(branches))
                rest = {k: v for k, v in node.items() if k != key}
                where = join_pointer(pointer, key, index)
                chosen, _ = follow_refs(self._document, branches[index], where)
                if isinstance(chosen, Mapping) and rest:
                    return self.sample(_merge(rest, chosen), pointer, depth)
                return self.sample(branches[index], where, depth)
        for key in ("default", "const"):
            if key in node and (self.use_examples or key == "const"):
                return node[key]
        if isinstance(node.get("enum"), list) and node["enum"]:
            return self.enum_value(node["enum"])
        if self.use_examples and isinstance(node.get("examples"), list) and node["examples"]:
            return node["examples"][0]
        return self._by_type(node, pointer, depth)

    def merged(self, node: Mapping[str, Any], pointer: str) -> dict[str, Any]:
        """`allOf` folded into one schema: properties joined, `required` united, the
        tightest bounds kept, other keywords from the last branch that has them."""
        result: dict[str, Any] = {k: v for k, v in node.items() if k != "allOf"}
        for index, branch in enumerate(node["allOf"]):
            part, where = follow_refs(self._document, branch, join_pointer(pointer, "allOf", index))
            if not isinstance(part, Mapping):
                continue
            if isinstance(part.get("allOf"), list):
                part = self.merged(part, where)
            result = _merge(result, part)
        return result

    def _by_type(self, node: Mapping[str, Any], pointer: str, depth: int) -> Any:
        kind = node.get("type")
        if kind is None:
            if "properties" in node or "additionalProperties" in node or "required" in node:
                kind = "object"
            elif "items" in node:
                kind = "array"
            elif any(k in node for k in ("minLength", "maxLength", "pattern", "format")):
                kind = "string"
            elif any(k in node for k in ("minimum", "maximum", "multipleOf")):
                kind = "number"
            else:
                return {}
        if kind == "object":
            return self._object(node, pointer, depth)
        if kind == "array":
            return self._array(node, pointer, depth)
        if kind == "string":
            return self.string(node, pointer)
        if kind in ("integer", "number"):
            return self.number(node, kind == "integer")
        if kind == "boolean":
            return self.boolean()
        return None

    def _object(self, node: Mapping[str, Any], pointer: str, depth: int) -> dict[str, Any]:
        properties = node.get("properties")
        properties = properties if isinstance(properties, Mapping) else {}
        required = set(node.get("required") or ())
        result: dict[str, Any] = {}
        for name, sub in properties.items():
            where = join_pointer(pointer, "properties", str(name))
            resolved, _ = follow_refs(self._document, sub, where)
            if isinstance(resolved, Mapping) and resolved.get(self._hidden) is True:
                continue
            if name not in required and (depth >= MAX_DEPTH or not self.includes_optional()):
                continue
            result[str(name)] = self.sample(sub, where, depth + 1)
        for name in sorted(required - result.keys()):  # required but not described
            result[str(name)] = self._additional(node, pointer, depth)
        wanted = node.get("minProperties")
        number = 0
        while isinstance(wanted, int) and len(result) < wanted:
            number += 1
            result.setdefault(f"property{number}", self._additional(node, pointer, depth))
        return result

    def _additional(self, node: Mapping[str, Any], pointer: str, depth: int) -> Any:
        additional = node.get("additionalProperties")
        if isinstance(additional, Mapping):
            return self.sample(additional, join_pointer(pointer, "additionalProperties"), depth + 1)
        return "string"

    def _array(self, node: Mapping[str, Any], pointer: str, depth: int) -> list[Any]:
        low: int = integer_keyword(node, "minItems", 0)
        high: int | None = integer_keyword(node, "maxItems", None)
        count = self.item_count(low, high, depth)
        if count == 0:
            return []
        item = self.sample(node.get("items", {}), join_pointer(pointer, "items"), depth + 1)
        if node.get("uniqueItems") is True and count > 1:
            # Distinct items of one schema need more than one value; give what is certain.
            return [item] + [_variant(item, n) for n in range(1, count)]
        return [item] * count


def integer_keyword(node: Mapping[str, Any], key: str, default: Any) -> Any:
    value = node.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _variant(value: Any, number: int) -> Any:
    if isinstance(value, bool):
        return not value if number == 1 else value
    if isinstance(value, int | float):
        return value + number
    if isinstance(value, str):
        return f"{value}{number}"
    return value


def _merge(left: Mapping[str, Any], right: Mapping[str, Any]) -> dict[str, Any]:
    result = dict(left)
    for key, value in right.items():
        if key == "properties" and isinstance(value, Mapping):
            result[key] = {**dict(result.get(key) or {}), **value}
        elif key == "required" and isinstance(value, list):
            result[key] = list(dict.fromkeys([*(result.get(key) or ()), *value]))
        elif key in ("minimum", "minLength", "minItems", "minProperties") and key in result:
            result[key] = max(result[key], value)
        elif key in ("maximum", "maxLength", "maxItems", "maxProperties") and key in result:
            result[key] = min(result[key], value)
        else:
            result[key] = value
    return result


def _string(node: Mapping[str, Any], pointer: str) -> str:
    low: int = integer_keyword(node, "minLength", 0)
    high: int | None = integer_keyword(node, "maxLength", None)
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        return pattern_value(pattern, low, high, pointer)
    value = FORMAT_VALUES.get(str(node.get("format")), "string")
    if len(value) < low:
        value += "x" * (low - len(value))
    if high is not None and len(value) > high:
        value = value[:high]
    return value


@functools.cache
def pattern_value(pattern: str, low: int, high: int | None, pointer: str) -> str:
    """The smallest string hypothesis finds that contains a match of `pattern` (JSON
    Schema's reading: unanchored) and has `low` to `high` characters. Deterministic:
    no example database, derandomized search, shrunk to a minimum."""
    from hypothesis import HealthCheck, find, settings, strategies
    from hypothesis.errors import NoSuchExample

    try:
        compiled = re.compile(pattern)
    except re.error as error:
        message = f"pattern {pattern!r} is not a regular expression: {error}"
        raise SpecError(message, pointer) from None

    def fits(value: str) -> bool:
        length_ok = low <= len(value) and (high is None or len(value) <= high)
        return length_ok and compiled.search(value) is not None

    config = settings(
        database=None,
        derandomize=True,
        max_examples=2000,
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    for fullmatch in (True, False):
        try:
            value: str = find(
                strategies.from_regex(compiled, fullmatch=fullmatch), fits, settings=config
            )
        except NoSuchExample:
            continue
        return value
    bounds = f" with {low} to {'any' if high is None else high} characters" if low or high else ""
    raise SpecError(f"no string matching pattern {pattern!r}{bounds} was found", pointer)


def static_number(node: Mapping[str, Any], integer: bool) -> int | float:
    low, high = node.get("minimum"), node.get("maximum")
    exclusive_low = node.get("exclusiveMinimum") is True
    exclusive_high = node.get("exclusiveMaximum") is True
    step = node.get("multipleOf")
    unit: float = step if isinstance(step, int | float) and step > 0 else (1 if integer else 0)
    value: float = 0
    if isinstance(low, int | float) and (value < low or (exclusive_low and value <= low)):
        value = low
        if unit:
            value = math.ceil(low / unit) * unit
            if exclusive_low and value <= low:
                value += unit
        elif exclusive_low:
            value = low + (1 if not isinstance(high, int | float) else (high - low) / 2)
    elif isinstance(high, int | float) and (value > high or (exclusive_high and value >= high)):
        value = high
        if unit:
            value = math.floor(high / unit) * unit
            if exclusive_high and value >= high:
                value -= unit
        elif exclusive_high:
            value = high - 1
    elif unit and value % unit:
        value = math.ceil(value / unit) * unit
    if integer:
        return int(value)
    return int(value) if float(value).is_integer() else value
