"""OpenAPI 3.0 Schema Objects -> JSON Schema draft-04, for one direction of travel.

fastjsonschema (and API Gateway's models) speak draft-04, which differs from
OpenAPI 3.0's dialect in a few ways this module bridges:

- `nullable: true` becomes `type: [T, "null"]` (and `null` joins an `enum`);
- `readOnly` properties must not be sent in requests and are not required there;
  `writeOnly` ones likewise in responses. They are replaced by `{"not": {}}` rather
  than dropped, so that a client sending one gets an error even when the object
  allows additional properties (what openapi-core does too);
- `format: int32`/`int64` become range checks (fastjsonschema checks formats of
  strings only); `email`, `uuid`, `date`, `date-time` are kept and checked by the
  functions in `generated/validation.py`; every other format is dropped, because
  an unchecked format that *looks* checked is worse than none;
- `$ref: #/components/schemas/X` becomes `$ref: #/definitions/X`, and X (and what it
  refers to, recursively) is converted once into `definitions`;
- annotations (`description`, `example`, `discriminator`, `x-*`, ...) are dropped:
  they do not validate anything and would only bloat the generated code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from codegen.openapi.errors import SpecError, escape_token, join_pointer, unescape_token
from codegen.openapi.naming import short_hash
from codegen.openapi.refs import follow_refs

Direction = Literal["request", "response"]

DRAFT_04 = "http://json-schema.org/draft-04/schema#"
CHECKED_FORMATS = ("date", "date-time", "email", "uuid")
INTEGER_FORMATS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}

_COMPONENT_PREFIX = "#/components/schemas/"
_DEFINITION_PREFIX = "#/definitions/"

# Draft-04 keywords that carry over unchanged.
_PLAIN_KEYWORDS = (
    "type",
    "enum",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
)
_SCHEMA_LIST_KEYWORDS = ("allOf", "anyOf", "oneOf")


class SchemaConverter:
    """Converts the schemas of one validator, collecting the components they use.

    Use `convert` for each schema, then `definitions()` for the shared
    `definitions` object that their `$ref`s point into.
    """

    def __init__(self, components: Mapping[str, Any], direction: Direction) -> None:
        self._components = components
        self._direction = direction
        self._hidden_flag = "readOnly" if direction == "request" else "writeOnly"
        self._wanted: set[str] = set()
        self._keys = _definition_keys(components)

    def convert(self, schema: Any, pointer: str) -> dict[str, Any]:
        if not isinstance(schema, Mapping):
            raise SpecError("a schema must be an object", pointer)
        ref = schema.get("$ref")
        if isinstance(ref, str):
            # OpenAPI 3.0 ignores the siblings of a $ref, so do we.
            return {"$ref": self._definition_ref(ref, pointer)}

        out: dict[str, Any] = {}
        for key in _PLAIN_KEYWORDS:
            if key in schema:
                out[key] = schema[key]
        if isinstance(out.get("pattern"), str):
            out["pattern"] = escape_set_dollars(out["pattern"])
        if "required" in out and self._hidden_properties(schema):
            hidden = self._hidden_properties(schema)
            out["required"] = [name for name in out["required"] if name not in hidden]
            if not out["required"]:
                del out["required"]  # draft-04 forbids an empty `required`
        self._convert_format(schema, out)
        self._convert_children(schema, out, pointer)
        if schema.get("nullable") is True:
            _make_nullable(out)
        return out

    def definitions(self) -> dict[str, Any]:
        """Every component the converted schemas reach, converted, sorted by name."""
        done: dict[str, Any] = {}
        while pending := sorted(self._wanted - done.keys()):
            for name in pending:
                pointer = join_pointer("/components/schemas", name)
                done[name] = self.convert(self._components[name], pointer)
        return dict(sorted((self._keys[name], schema) for name, schema in done.items()))

    def _definition_ref(self, ref: str, pointer: str) -> str:
        if not ref.startswith(_COMPONENT_PREFIX):
            raise SpecError(
                f"$ref {ref!r} in a schema must point into #/components/schemas", pointer
            )
        rest = ref[len(_COMPONENT_PREFIX) :]
        name, _, tail = rest.partition("/")
        name = unescape_token(name)
        if name not in self._components:
            raise SpecError(f"$ref {ref!r} does not resolve", pointer)
        self._wanted.add(name)
        key = self._keys[name]
        return _DEFINITION_PREFIX + escape_token(key) + (f"/{tail}" if tail else "")

    def _convert_children(
        self, schema: Mapping[str, Any], out: dict[str, Any], pointer: str
    ) -> None:
        properties = schema.get("properties")
        if isinstance(properties, Mapping):
            hidden = self._hidden_properties(schema)
            out["properties"] = {
                name: {"not": {}}
                if name in hidden
                else self.convert(sub, join_pointer(pointer, "properties", name))
                for name, sub in properties.items()
            }
        additional = schema.get("additionalProperties")
        if isinstance(additional, bool):
            out["additionalProperties"] = additional
        elif additional is not None:
            out["additionalProperties"] = self.convert(
                additional, join_pointer(pointer, "additionalProperties")
            )
        if "items" in schema:
            out["items"] = self.convert(schema["items"], join_pointer(pointer, "items"))
        for key in _SCHEMA_LIST_KEYWORDS:
            if key in schema:
                # extend, not assign: an int32/int64 range may already be in allOf
                out.setdefault(key, []).extend(
                    self.convert(sub, join_pointer(pointer, key, index))
                    for index, sub in enumerate(schema[key])
                )
        if "not" in schema:
            out["not"] = self.convert(schema["not"], join_pointer(pointer, "not"))

    def _convert_format(self, schema: Mapping[str, Any], out: dict[str, Any]) -> None:
        fmt = schema.get("format")
        if fmt in CHECKED_FORMATS:
            out["format"] = fmt
        elif fmt in INTEGER_FORMATS and schema.get("type") == "integer":
            low, high = INTEGER_FORMATS[fmt]
            # An extra allOf branch leaves any tighter minimum/maximum of the spec intact.
            out["allOf"] = [{"minimum": low, "maximum": high}]

    def _hidden_properties(self, schema: Mapping[str, Any]) -> set[str]:
        """Names of the properties that must not travel in this direction."""
        properties = schema.get("properties")
        if not isinstance(properties, Mapping):
            return set()
        return {
            name
            for name, sub in properties.items()
            if self._resolve(sub).get(self._hidden_flag) is True
        }

    def _resolve(self, schema: Any) -> Mapping[str, Any]:
        # The loader has already rejected refs that do not resolve and ref cycles; a
        # schema reached any other way (an unchecked fragment) reads as empty.
        try:
            target, _ = follow_refs({"components": {"schemas": self._components}}, schema, "")
        except SpecError:
            return {}
        return target if isinstance(target, Mapping) else {}


def escape_set_dollars(pattern: str) -> str:
    """`[$a-z]+` -> `[\\$a-z]+`: the same pattern, with each `$` inside a character set
    escaped. fastjsonschema turns every unescaped `$` into `\\Z` for Python's `re`, inside
    sets too, where `\\Z` is a bad escape (AWS's specs have `[$a-zA-Z0-9:_-]+`)."""
    out: list[str] = []
    in_set = escaped = False
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[" and not in_set:
            in_set = True
        elif char == "]" and in_set and pattern[index - 1] != "[":
            in_set = False
        elif char == "$" and in_set:
            out.append("\\")
        out.append(char)
    return "".join(out)


def _function_name(key: str) -> str:
    """What fastjsonschema names the function of a definition after (its
    `RefResolver.get_scope_name`: other characters become `_`, lower case, `_` stripped)."""
    return re.sub(r"[^a-zA-Z0-9]", "_", key).lower().rstrip("_")


def _definition_keys(components: Mapping[str, Any]) -> dict[str, str]:
    """Component name -> its key under `definitions`: the name, unless another one gives
    the same function name (`Long` and `long`, as in AWS's specs); then, past the first in
    sorted order, the name and a stable hash, so both get a function of their own."""
    keys: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(components, key=str):
        key = str(name)
        if _function_name(key) in taken:
            key = f"{key}-{short_hash(key)}"
        taken.add(_function_name(key))
        keys[str(name)] = key
    return keys


def _make_nullable(out: dict[str, Any]) -> None:
    """OpenAPI 3.0: `nullable` adds null to an explicit `type` (and to an `enum`)."""
    kind = out.get("type")
    if isinstance(kind, str):
        out["type"] = [kind, "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]


def resolve_schema(schema: Any, components: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow `$ref`s to the schema they name (for reading `type`, `default`, ...)."""
    return SchemaConverter(components, "request")._resolve(schema)


def simple_type(schema: Any, components: Mapping[str, Any], depth: int = 0) -> str | None:
    """The `type` of a schema after `$ref`s (and allOf branches that agree), if any."""
    resolved = resolve_schema(schema, components)
    kind = resolved.get("type")
    if isinstance(kind, str):
        return kind
    branches = resolved.get("allOf")
    if isinstance(branches, list) and depth < 16:  # depth: allOf cycles through $refs
        kinds = {simple_type(b, components, depth + 1) for b in branches} - {None}
        if len(kinds) == 1:
            return kinds.pop()
    return None
