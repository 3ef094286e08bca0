"""API Gateway models: the spec's schemas down-converted to what a REST API accepts.

API Gateway validates request bodies against draft-04 JSON Schema models with
alphanumeric names, and refuses (or, with FailOnWarnings, fails the deployment on)
keywords it does not support. `ModelSchemas` converts each schema once; `Refs` reads the
objects `$ref`s stand for.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from codegen.openapi.errors import SpecError, join_pointer, unescape_token
from codegen.openapi.refs import follow_refs

_SCHEMA_PREFIX = "#/components/schemas/"
_ALPHANUMERIC = re.compile(r"^[0-9A-Za-z]+$")

# Keywords API Gateway's models reject or ignore, or that only annotate. Each is removed
# from every schema in the body; what they constrained is checked by the Lambda instead.
# - discriminator: a hard import error; oneOf/anyOf, additionalProperties, readOnly,
#   writeOnly, example(s), exclusiveMinimum/Maximum: unsupported (and FailOnWarnings turns
#   an import warning into a failed deployment);
# - nullable: dropped by API Gateway, which would then reject null; handled below;
# - format (all of them): int32/int64 on numbers and decimal are unsupported, and the
#   string formats API Gateway's Java validator knows (email, date-time) disagree with the
#   Lambda's on edge cases, so the gateway could 400 a request the spec allows.
_DROPPED_KEYWORDS = frozenset(
    {
        "discriminator",
        "oneOf",
        "anyOf",
        "additionalProperties",
        "nullable",
        "readOnly",
        "writeOnly",
        "example",
        "examples",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "format",
        "xml",
        "externalDocs",
        "deprecated",
    }
)


class Refs:
    """Resolves local `$ref`s (parameters, request bodies, responses, headers, path items)."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._document = document

    def resolve(self, node: Any) -> Mapping[str, Any]:
        if not isinstance(node, Mapping):
            return {}
        target, _ = follow_refs(self._document, node, "")
        return target if isinstance(target, Mapping) else {}


class ModelSchemas:
    """Schemas down-converted for API Gateway models (draft-04, alphanumeric names)."""

    def __init__(self, document: Mapping[str, Any], refs: Refs) -> None:
        raw = document.get("components", {}).get("schemas", {})
        self._components: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        self._refs = refs
        self._names = _model_names(self._components)

    def components(self) -> dict[str, Any]:
        return {
            self._names[name]: self.convert(schema, join_pointer("/components/schemas", name))
            for name, schema in self._components.items()
        }

    def convert(self, schema: Any, pointer: str = "") -> Any:
        if not isinstance(schema, Mapping):
            return copy.deepcopy(schema)
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return {"$ref": self._rename(ref, pointer)}
        hidden = self._hidden_properties(schema.get("properties", {}))
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key in _DROPPED_KEYWORDS or key.startswith("x-"):
                continue
            if key == "properties" and isinstance(value, Mapping):
                out[key] = {name: self.convert(sub, pointer) for name, sub in value.items()}
            elif key in ("items", "not"):
                out[key] = self.convert(value, pointer)
            elif key == "allOf" and isinstance(value, list):
                out[key] = [self.convert(sub, pointer) for sub in value]
            elif key == "required" and isinstance(value, list):
                # Draft-04 forbids an empty `required`; readOnly/writeOnly properties are
                # required in one direction only and models are shared by both.
                kept = [name for name in value if name not in hidden]
                if kept:
                    out[key] = kept
            else:
                out[key] = copy.deepcopy(value)
        if schema.get("nullable") is True:
            # OpenAPI 3.0 has no `type: [T, "null"]`; drop the type so null gets through.
            out.pop("type", None)
            if isinstance(out.get("enum"), list) and None not in out["enum"]:
                out["enum"].append(None)
        return out

    def _hidden_properties(self, properties: Any) -> set[str]:
        if not isinstance(properties, Mapping):
            return set()
        hidden = set()
        for name, sub in properties.items():
            resolved = self._refs.resolve(sub)
            if resolved.get("readOnly") is True or resolved.get("writeOnly") is True:
                hidden.add(name)
        return hidden

    def _rename(self, ref: str, pointer: str) -> str:
        if not ref.startswith(_SCHEMA_PREFIX):
            raise SpecError(f"schema $ref {ref!r} must point into #/components/schemas", pointer)
        name, _, rest = ref[len(_SCHEMA_PREFIX) :].partition("/")
        name = unescape_token(name)
        if name not in self._names:
            raise SpecError(f"schema $ref {ref!r} points nowhere", pointer)
        if rest:
            raise SpecError(f"schema $ref {ref!r} must name a whole schema", pointer)
        return _SCHEMA_PREFIX + self._names[name]


def _model_names(components: Mapping[str, Any]) -> dict[str, str]:
    """Spec schema name -> API Gateway model name (alphanumeric, unique, stable)."""
    names = {name: name for name in components if _ALPHANUMERIC.match(name)}
    taken = set(names)
    for name in components:
        if name in names:
            continue
        base = re.sub(r"[^0-9A-Za-z]", "", name) or "Model"
        candidate, counter = base, 2
        while candidate in taken:
            candidate, counter = f"{base}{counter}", counter + 1
        names[name] = candidate
        taken.add(candidate)
    return {name: names[name] for name in components}  # spec order
