"""Compare two (dereferenced) OpenAPI 3.0 schemas in one direction.

The rule behind every keyword: in a **request** the client writes and the server
reads, so a schema that now *accepts less* (narrowed: a constraint added or tightened,
a type narrowed, an enum value removed) breaks clients; in a **response** the server
writes and the client reads, so a schema that now *allows more* (widened: a constraint
dropped or loosened, an enum value added) breaks clients, and so does a field removed,
made optional or given another type. Everything else is reported as compatible.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from codegen.diff.changes import Changes
from codegen.openapi.errors import join_pointer

Direction = Literal["request", "response"]

DOC_KEYWORDS = frozenset({"description", "title", "example", "externalDocs", "xml"})
_UPPER_BOUNDS = ("maximum", "maxLength", "maxItems", "maxProperties")
_LOWER_BOUNDS = ("minimum", "minLength", "minItems", "minProperties")
_LOWER_DEFAULTS: Mapping[str, int] = {"minLength": 0, "minItems": 0, "minProperties": 0}
_HANDLED = frozenset(
    {
        "type",
        "nullable",
        "format",
        "enum",
        "pattern",
        "multipleOf",
        "exclusiveMaximum",
        "exclusiveMinimum",
        "uniqueItems",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "allOf",
        "oneOf",
        "anyOf",
        "not",
        "default",
        "readOnly",
        "writeOnly",
        "deprecated",
        "$ref",
        *_UPPER_BOUNDS,
        *_LOWER_BOUNDS,
    }
)
_MAX_DEPTH = 64


def compare_schema(
    old: Any, new: Any, pointer: str, direction: Direction, out: Changes, *, depth: int = 0
) -> None:
    """Report every difference between `old` and `new` at `pointer` into `out`."""
    if old == new:
        return
    if not isinstance(old, Mapping) or not isinstance(new, Mapping) or depth > _MAX_DEPTH:
        out.breaking(pointer, f"{direction}-schema-changed", "schema replaced")
        return
    _SchemaDiff(direction, out, depth).run(_flatten_all_of(old), _flatten_all_of(new), pointer)


def documentation_changes(old: Any, new: Any, pointer: str, out: Changes) -> None:
    """Report each differing key of two documentation-only values as compatible."""
    if old == new:
        return
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in _union(old, new):
            if old.get(key) != new.get(key):
                documentation_changes(old.get(key), new.get(key), join_pointer(pointer, key), out)
        return
    out.compatible(pointer, "documentation-changed", _what(pointer, old, new))


def _what(pointer: str, old: Any, new: Any) -> str:
    name = pointer.rsplit("/", 1)[-1] or "document"
    if old is None:
        return f"{name} added"
    if new is None:
        return f"{name} removed"
    return f"{name} changed"


def _union(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    return [*old, *(key for key in new if key not in old)]


class _SchemaDiff:
    def __init__(self, direction: Direction, out: Changes, depth: int) -> None:
        self.direction = direction
        self.out = out
        self.depth = depth

    # -- helpers -----------------------------------------------------------------

    def constraint(self, pointer: str, *, narrowed: bool, rule: str, message: str) -> None:
        """A change that narrows or widens what the schema allows."""
        breaking = narrowed if self.direction == "request" else not narrowed
        self.out.add(pointer, f"{self.direction}-{rule}", message, breaking=breaking)

    def recurse(self, old: Any, new: Any, pointer: str) -> None:
        compare_schema(old, new, pointer, self.direction, self.out, depth=self.depth + 1)

    # -- the walk ----------------------------------------------------------------

    def run(self, old: Mapping[str, Any], new: Mapping[str, Any], pointer: str) -> None:
        self.types(old, new, pointer)
        for key in _UPPER_BOUNDS:
            self.upper(key, old.get(key), new.get(key), join_pointer(pointer, key))
        for key in _LOWER_BOUNDS:
            self.lower(key, old.get(key), new.get(key), join_pointer(pointer, key))
        self.flags(old, new, pointer)
        self.enum(old.get("enum"), new.get("enum"), join_pointer(pointer, "enum"))
        self.pattern_like("pattern", old.get("pattern"), new.get("pattern"), pointer)
        self.pattern_like("format", old.get("format"), new.get("format"), pointer)
        self.multiple_of(old.get("multipleOf"), new.get("multipleOf"), pointer)
        self.objects(old, new, pointer)
        self.items(old.get("items"), new.get("items"), join_pointer(pointer, "items"))
        for key in ("allOf", "anyOf", "oneOf"):
            self.composition(key, old.get(key), new.get(key), join_pointer(pointer, key))
        self.misc(old, new, pointer)

    def types(self, old: Mapping[str, Any], new: Mapping[str, Any], pointer: str) -> None:
        old_type, new_type = old.get("type"), new.get("type")
        if old_type != new_type:
            at = join_pointer(pointer, "type")
            if self.direction == "response":
                self.out.breaking(
                    at, "response-type-changed", f"type changed from {old_type} to {new_type}"
                )
            elif _accepts(new_type, old_type):
                self.out.compatible(
                    at, "request-type-widened", f"type widened from {old_type} to {new_type}"
                )
            else:
                self.out.breaking(
                    at, "request-type-narrowed", f"type narrowed from {old_type} to {new_type}"
                )
        old_null, new_null = bool(old.get("nullable")), bool(new.get("nullable"))
        if old_null != new_null:
            self.constraint(
                join_pointer(pointer, "nullable"),
                narrowed=old_null,
                rule="nullable-removed" if old_null else "nullable-added",
                message="null no longer allowed" if old_null else "null now allowed",
            )

    def upper(self, key: str, old: Any, new: Any, pointer: str) -> None:
        if old != new:
            self.bound(key, old, new, pointer, narrowed_when_moved="lowered")

    def lower(self, key: str, old: Any, new: Any, pointer: str) -> None:
        implicit = _LOWER_DEFAULTS.get(key)
        old_v = implicit if old is None else old
        new_v = implicit if new is None else new
        if old_v == new_v:
            if old != new:
                self.out.compatible(pointer, "documentation-changed", f"{key} made explicit")
            return
        self.bound(key, old_v, new_v, pointer, narrowed_when_moved="raised")

    def bound(
        self, key: str, old: Any, new: Any, pointer: str, *, narrowed_when_moved: str
    ) -> None:
        """A bound added, removed, or moved (narrowing when moved towards `narrowed_when_moved`)."""
        if old is None:
            self.constraint(
                pointer, narrowed=True, rule=f"{key}-added", message=f"{key} {new} added"
            )
        elif new is None:
            self.constraint(
                pointer, narrowed=False, rule=f"{key}-removed", message=f"{key} removed"
            )
        else:
            moved = "lowered" if new < old else "raised"
            self.constraint(
                pointer,
                narrowed=moved == narrowed_when_moved,
                rule=f"{key}-{moved}",
                message=f"{key} {moved} from {old} to {new}",
            )

    def flags(self, old: Mapping[str, Any], new: Mapping[str, Any], pointer: str) -> None:
        for key in ("exclusiveMaximum", "exclusiveMinimum", "uniqueItems"):
            before, after = bool(old.get(key)), bool(new.get(key))
            if before != after:
                self.constraint(
                    join_pointer(pointer, key),
                    narrowed=after,
                    rule=f"{key}-{'added' if after else 'removed'}",
                    message=f"{key} {'added' if after else 'removed'}",
                )
            elif old.get(key) != new.get(key):
                self.out.compatible(
                    join_pointer(pointer, key), "documentation-changed", f"{key} made explicit"
                )

    def enum(self, old: Any, new: Any, pointer: str) -> None:
        if old == new:
            return
        if old is None:
            self.constraint(pointer, narrowed=True, rule="enum-added", message=f"enum {new} added")
            return
        if new is None:
            self.constraint(pointer, narrowed=False, rule="enum-removed", message="enum removed")
            return
        removed = [value for value in old if value not in new]
        added = [value for value in new if value not in old]
        if removed:
            self.constraint(
                pointer,
                narrowed=True,
                rule="enum-shrunk",
                message=f"enum values removed: {removed}",
            )
        if added:
            self.constraint(
                pointer, narrowed=False, rule="enum-widened", message=f"enum values added: {added}"
            )
        if not removed and not added:
            self.out.compatible(pointer, "documentation-changed", "enum values reordered")

    def pattern_like(self, key: str, old: Any, new: Any, pointer: str) -> None:
        at = join_pointer(pointer, key)
        if old == new:
            return
        if old is None:
            self.constraint(at, narrowed=True, rule=f"{key}-added", message=f"{key} {new!r} added")
        elif new is None:
            self.constraint(at, narrowed=False, rule=f"{key}-removed", message=f"{key} removed")
        else:
            self.out.breaking(
                at, f"{self.direction}-{key}-changed", f"{key} changed from {old!r} to {new!r}"
            )

    def multiple_of(self, old: Any, new: Any, pointer: str) -> None:
        at = join_pointer(pointer, "multipleOf")
        if old == new:
            return
        if old is None or new is None:
            added = old is None
            self.constraint(
                at,
                narrowed=added,
                rule=f"multipleOf-{'added' if added else 'removed'}",
                message=f"multipleOf {'added' if added else 'removed'}",
            )
        elif new % old == 0 or old % new == 0:
            narrowed = new % old == 0
            self.constraint(
                at,
                narrowed=narrowed,
                rule="multipleOf-changed",
                message=f"multipleOf changed from {old} to {new}",
            )
        else:
            self.out.breaking(
                at,
                f"{self.direction}-multipleOf-changed",
                f"multipleOf changed from {old} to {new}",
            )

    def objects(self, old: Mapping[str, Any], new: Mapping[str, Any], pointer: str) -> None:
        old_props, old_hidden = _properties(old, self.direction)
        new_props, new_hidden = _properties(new, self.direction)
        old_req = {name for name in old.get("required", []) if name not in old_hidden}
        new_req = {name for name in new.get("required", []) if name not in new_hidden}
        props_at = join_pointer(pointer, "properties")
        req_at = join_pointer(pointer, "required")
        closed = new.get("additionalProperties") is False
        for name in _union(old_props, new_props):
            at = join_pointer(props_at, name)
            if name not in old_props:
                self.field_added(name, name in new_req, at)
            elif name not in new_props:
                self.field_removed(name, closed, at)
            else:
                self.required_changed(name, name in old_req, name in new_req, req_at)
                self.recurse(old_props[name], new_props[name], at)
        # Required names that no `properties` entry declares.
        for name in sorted((old_req | new_req) - set(old_props) - set(new_props)):
            self.required_changed(name, name in old_req, name in new_req, req_at)
        # Properties that this direction never sees (readOnly in a request, ...).
        for name in _union(old_hidden, new_hidden):
            if name in old_hidden and name in new_hidden:
                documentation_changes(
                    old_hidden[name], new_hidden[name], join_pointer(props_at, name), self.out
                )
        self.additional(old.get("additionalProperties"), new.get("additionalProperties"), pointer)

    def field_added(self, name: str, required: bool, at: str) -> None:
        if self.direction == "request" and required:
            self.out.breaking(at, "request-required-field-added", f"required field {name!r} added")
        else:
            self.out.compatible(
                at,
                f"{self.direction}-field-added",
                f"{'required' if required else 'optional'} field {name!r} added",
            )

    def field_removed(self, name: str, closed: bool, at: str) -> None:
        if self.direction == "response":
            self.out.breaking(at, "response-field-removed", f"field {name!r} removed")
        elif closed:
            self.out.breaking(
                at,
                "request-field-removed",
                f"field {name!r} removed and additional properties are rejected",
            )
        else:
            self.out.compatible(at, "request-field-removed", f"field {name!r} removed")

    def required_changed(self, name: str, was: bool, now: bool, at: str) -> None:
        if was == now:
            return
        if self.direction == "request":
            self.out.add(
                at,
                f"request-field-made-{'required' if now else 'optional'}",
                f"field {name!r} is now {'required' if now else 'optional'}",
                breaking=now,
            )
        else:
            self.out.add(
                at,
                f"response-field-made-{'required' if now else 'optional'}",
                f"field {name!r} is now {'always present' if now else 'optional'}",
                breaking=not now,
            )

    def additional(self, old: Any, new: Any, pointer: str) -> None:
        at = join_pointer(pointer, "additionalProperties")
        if old == new or (old in (None, True) and new in (None, True)):
            return
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            self.recurse(old, new, at)
            return
        # Open (absent/true) allows most, a schema less, false nothing.
        rank = {True: 2, None: 2, False: 0}
        old_rank = rank[old] if not isinstance(old, Mapping) else 1
        new_rank = rank[new] if not isinstance(new, Mapping) else 1
        narrowed = new_rank < old_rank
        self.constraint(
            at,
            narrowed=narrowed,
            rule=f"additionalProperties-{'restricted' if narrowed else 'relaxed'}",
            message=f"additionalProperties changed from {old} to {new}",
        )

    def items(self, old: Any, new: Any, pointer: str) -> None:
        if old == new:
            return
        if old is None or new is None:
            self.constraint(
                pointer,
                narrowed=old is None,
                rule=f"items-{'added' if old is None else 'removed'}",
                message=f"items schema {'added' if old is None else 'removed'}",
            )
            return
        self.recurse(old, new, pointer)

    def composition(self, key: str, old: Any, new: Any, pointer: str) -> None:
        old_list = old if isinstance(old, list) else []
        new_list = new if isinstance(new, list) else []
        if old_list == new_list:
            return
        for index in range(min(len(old_list), len(new_list))):
            self.recurse(old_list[index], new_list[index], join_pointer(pointer, index))
        # More allOf members accept less; more anyOf/oneOf alternatives accept more.
        if len(new_list) != len(old_list):
            more = len(new_list) > len(old_list)
            self.constraint(
                pointer,
                narrowed=more if key == "allOf" else not more,
                rule=f"{key}-{'member-added' if more else 'member-removed'}",
                message=f"{key} now has {len(new_list)} members (was {len(old_list)})",
            )

    def misc(self, old: Mapping[str, Any], new: Mapping[str, Any], pointer: str) -> None:
        for key in _union(old, new):
            before, after = old.get(key), new.get(key)
            if before == after:
                continue
            at = join_pointer(pointer, key)
            if key in DOC_KEYWORDS or key.startswith("x-"):
                documentation_changes(before, after, at, self.out)
            elif key == "deprecated":
                self.out.compatible(
                    at, "deprecated", "deprecated" if after else "no longer deprecated"
                )
            elif key in ("readOnly", "writeOnly", "$ref"):
                self.out.compatible(at, "schema-annotation-changed", f"{key} changed")
            elif key == "default":
                self.default(before, after, at)
            elif key not in _HANDLED:
                self.out.breaking(
                    at,
                    f"{self.direction}-schema-changed",
                    f"{key} changed (not analysed: treated as breaking)",
                )
        if old.get("not") != new.get("not"):
            self.out.breaking(
                join_pointer(pointer, "not"),
                f"{self.direction}-schema-changed",
                "`not` schema changed",
            )

    def default(self, old: Any, new: Any, at: str) -> None:
        if self.direction == "request" and old is not None:
            self.out.breaking(
                at,
                "request-default-changed",
                f"default changed from {old!r} to {new!r} (clients that omit it see the change)",
            )
        else:
            self.out.compatible(
                at, f"{self.direction}-default-changed", f"default changed to {new!r}"
            )


def _accepts(new_type: Any, old_type: Any) -> bool:
    """True when a value of `old_type` is still a value of `new_type` (None = any type)."""
    if new_type is None:
        return True
    if old_type is None:
        return False
    return bool(new_type == old_type or (new_type == "number" and old_type == "integer"))


def _properties(
    schema: Mapping[str, Any], direction: Direction
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(properties this direction sees, properties it does not: readOnly in a request,
    writeOnly in a response)."""
    hidden_flag = "readOnly" if direction == "request" else "writeOnly"
    props = schema.get("properties")
    if not isinstance(props, Mapping):
        return {}, {}
    seen: dict[str, Any] = {}
    hidden: dict[str, Any] = {}
    for name, prop in props.items():
        if isinstance(prop, Mapping) and prop.get(hidden_flag) is True:
            hidden[name] = prop
        else:
            seen[name] = prop
    return seen, hidden


def _flatten_all_of(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    """Merge `allOf` members into the schema when they do not conflict.

    `allOf: [Base, {properties: ...}]` and the same properties written out flat mean
    the same thing; merging first keeps such a refactoring from showing as a change.
    """
    members = schema.get("allOf")
    if not isinstance(members, list) or not all(isinstance(m, Mapping) for m in members):
        return schema
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    for member in members:
        member = _flatten_all_of(member)
        for key, value in member.items():
            if key == "properties" and isinstance(value, Mapping):
                props = dict(merged.get("properties", {}))
                for name, prop in value.items():
                    if name in props and props[name] != prop:
                        return schema
                    props[name] = prop
                merged["properties"] = props
            elif key == "required" and isinstance(value, list):
                required = list(merged.get("required", []))
                merged["required"] = required + [n for n in value if n not in required]
            elif key in merged and merged[key] != value:
                return schema
            else:
                merged[key] = value
    return merged
