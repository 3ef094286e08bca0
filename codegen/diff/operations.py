"""Compare the `paths` of two dereferenced documents: operations, parameters, bodies,
responses and security. Schemas are handed to `codegen.diff.schemas`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from codegen.diff.changes import Changes
from codegen.diff.schemas import Direction, compare_schema, documentation_changes
from codegen.openapi.errors import join_pointer
from codegen.openapi.http import HTTP_METHODS

_TEMPLATE = re.compile(r"\{([^}/]+)\}")
_OPERATION_DOC_KEYS = frozenset({"summary", "description", "tags", "externalDocs"})
_PARAM_DOC_KEYS = frozenset({"description", "example", "examples"})
_PARAM_SERIALIZATION = ("style", "explode", "allowReserved", "allowEmptyValue")
_MEDIA_DOC_KEYS = frozenset({"example", "examples"})
Json = Mapping[str, Any]


@dataclass(frozen=True)
class _Param:
    location: str
    name: str
    spec: Json
    pointer: str


def _shape(path: str) -> str:
    """`/users/{id}` and `/users/{userId}` are the same URL pattern."""
    return _TEMPLATE.sub("{}", path)


def compare_paths(old_doc: Json, new_doc: Json, out: Changes) -> None:
    old_paths: Json = old_doc.get("paths") or {}
    new_paths: Json = new_doc.get("paths") or {}
    new_by_shape = {_shape(path): path for path in new_paths if path.startswith("/")}
    old_by_shape = {_shape(path): path for path in old_paths if path.startswith("/")}
    for path in old_paths:
        if path.startswith("/") and _shape(path) not in new_by_shape:
            methods = [m.upper() for m in HTTP_METHODS if m in old_paths[path]]
            out.breaking(
                join_pointer("/paths", path),
                "path-removed",
                f"{path} removed ({', '.join(methods)})",
            )
    for path in new_paths:
        pointer = join_pointer("/paths", path)
        if not path.startswith("/"):
            documentation_changes(old_paths.get(path), new_paths[path], pointer, out)
        elif _shape(path) not in old_by_shape:
            out.compatible(pointer, "path-added", f"{path} added")
        else:
            old_path = old_by_shape[_shape(path)]
            if old_path != path:
                out.compatible(
                    pointer, "path-parameter-renamed", f"{old_path} is now written {path}"
                )
            _PathItemDiff(old_doc, new_doc, out).run(
                old_path, old_paths[old_path], path, new_paths[path], pointer
            )


class _PathItemDiff:
    def __init__(self, old_doc: Json, new_doc: Json, out: Changes) -> None:
        self.old_doc = old_doc
        self.new_doc = new_doc
        self.out = out

    def run(
        self, old_path: str, old_item: Json, new_path: str, new_item: Json, pointer: str
    ) -> None:
        for method in HTTP_METHODS:
            at = join_pointer(pointer, method)
            if method in old_item and method not in new_item:
                self.out.breaking(at, "method-removed", f"{method.upper()} {old_path} removed")
            elif method in new_item and method not in old_item:
                self.out.compatible(at, "operation-added", f"{method.upper()} {new_path} added")
            elif method in old_item:
                old_params = _params(old_item, old_item[method], old_path, pointer, method)
                new_params = _params(new_item, new_item[method], new_path, pointer, method)
                self.operation(old_item[method], new_item[method], at)
                self.parameters(old_params, new_params)
        for key in ("summary", "description", "servers"):
            if old_item.get(key) != new_item.get(key):
                documentation_changes(
                    old_item.get(key), new_item.get(key), join_pointer(pointer, key), self.out
                )

    # -- operation ----------------------------------------------------------------

    def operation(self, old: Json, new: Json, at: str) -> None:
        if old.get("operationId") != new.get("operationId"):
            self.out.breaking(
                join_pointer(at, "operationId"),
                "operation-id-changed",
                f"operationId changed from {old.get('operationId')} to {new.get('operationId')}"
                " (generated clients name their methods after it)",
            )
        if bool(old.get("deprecated")) != bool(new.get("deprecated")):
            self.out.compatible(
                join_pointer(at, "deprecated"),
                "deprecated",
                "operation deprecated"
                if new.get("deprecated")
                else "operation no longer deprecated",
            )
        for key in _union(old, new):
            if key in _OPERATION_DOC_KEYS or key.startswith("x-"):
                documentation_changes(old.get(key), new.get(key), join_pointer(at, key), self.out)
            elif key in ("callbacks", "servers") and old.get(key) != new.get(key):
                self.out.breaking(join_pointer(at, key), f"{key}-changed", f"{key} changed")
        self.request_body(
            old.get("requestBody"), new.get("requestBody"), join_pointer(at, "requestBody")
        )
        self.responses(
            old.get("responses") or {}, new.get("responses") or {}, join_pointer(at, "responses")
        )
        self.security(old, new, join_pointer(at, "security"))

    def security(self, old_op: Json, new_op: Json, at: str) -> None:
        old = _alternatives(
            old_op["security"] if "security" in old_op else self.old_doc.get("security")
        )
        new = _alternatives(
            new_op["security"] if "security" in new_op else self.new_doc.get("security")
        )
        if old == new:
            return
        # Each requirement is an alternative; a client that satisfied an old one must still
        # satisfy some new one (same schemes, no new scopes).
        stranded = [alt for alt in old if not any(_satisfies(alt, req) for req in new)]
        if stranded:
            rule = "security-added" if {} in old else "security-changed"
            self.out.breaking(
                at, rule, f"security now requires {_describe(new)} (was {_describe(old)})"
            )
        else:
            self.out.compatible(
                at, "security-relaxed", f"security now {_describe(new)} (was {_describe(old)})"
            )

    # -- parameters ---------------------------------------------------------------

    def parameters(
        self, old: dict[tuple[str, str], _Param], new: dict[tuple[str, str], _Param]
    ) -> None:
        old_names = {(p.name.lower(), p.location): p for p in old.values()}
        moved: set[str] = set()
        for key, param in old.items():
            if key in new:
                self.parameter(param, new[key])
                continue
            elsewhere = [
                p
                for p in new.values()
                if p.name.lower() == param.name.lower()
                and (p.name.lower(), p.location) not in old_names
            ]
            if elsewhere:
                target = elsewhere[0]
                moved.add(target.pointer)
                self.out.breaking(
                    target.pointer,
                    "parameter-moved",
                    f"parameter {param.name!r} moved from {param.location} to {target.location}",
                )
            else:
                self.out.compatible(
                    param.pointer,
                    "request-parameter-removed",
                    f"{param.location} parameter {param.name!r} removed",
                )
        for key, param in new.items():
            if key in old or param.pointer in moved:
                continue
            required = bool(param.spec.get("required"))
            self.out.add(
                param.pointer,
                "request-required-parameter-added" if required else "request-parameter-added",
                f"{'required' if required else 'optional'} {param.location} parameter "
                f"{param.name!r} added",
                breaking=required,
            )

    def required(self, old: Json, new: Json, at: str, kind: str, subject: str) -> None:
        """A parameter or body made required (breaking) or optional."""
        was, now = bool(old.get("required")), bool(new.get("required"))
        if was != now:
            state = "required" if now else "optional"
            self.out.add(
                join_pointer(at, "required"),
                f"request-{kind}-made-{state}",
                f"{subject} is now {state}",
                breaking=now,
            )

    def parameter(self, old: _Param, new: _Param) -> None:
        at = new.pointer
        self.required(old.spec, new.spec, at, "parameter", f"{new.location} parameter {new.name!r}")
        for key in _PARAM_SERIALIZATION:
            if old.spec.get(key) != new.spec.get(key):
                self.out.breaking(
                    join_pointer(at, key),
                    "request-parameter-serialization-changed",
                    f"{new.location} parameter {new.name!r}: {key} changed",
                )
        if old.name != new.name and new.location != "path":
            self.out.compatible(
                join_pointer(at, "name"), "documentation-changed", "name case changed"
            )
        compare_schema(
            old.spec.get("schema"),
            new.spec.get("schema"),
            join_pointer(at, "schema"),
            "request",
            self.out,
        )
        self.content(old.spec, new.spec, at, "request", True)
        for key in _union(old.spec, new.spec):
            if key in _PARAM_DOC_KEYS or key.startswith("x-"):
                documentation_changes(
                    old.spec.get(key), new.spec.get(key), join_pointer(at, key), self.out
                )
            elif key == "deprecated" and bool(old.spec.get(key)) != bool(new.spec.get(key)):
                self.out.compatible(
                    join_pointer(at, key),
                    "deprecated",
                    f"parameter {new.name!r} deprecation changed",
                )

    # -- bodies and responses -----------------------------------------------------

    def request_body(self, old: Json | None, new: Json | None, at: str) -> None:
        if old is None and new is None:
            return
        if old is None or new is None:
            required = bool(new and new.get("required"))
            rule = (
                "request-body-removed"
                if new is None
                else ("request-body-required-added" if required else "request-body-added")
            )
            self.out.add(at, rule, rule.replace("-", " "), breaking=required)
            return
        self.required(old, new, at, "body", "request body")
        documentation_changes(
            old.get("description"),
            new.get("description"),
            join_pointer(at, "description"),
            self.out,
        )
        self.content(old, new, at, "request", True)

    def responses(self, old: Json, new: Json, at: str) -> None:
        for status in _union(old, new):
            status_at = join_pointer(at, status)
            success = status.startswith("2")
            if status.startswith("x-"):
                documentation_changes(old.get(status), new.get(status), status_at, self.out)
            elif status not in new:
                self.out.add(
                    status_at,
                    "success-status-removed" if success else "response-status-removed",
                    f"response {status} removed",
                    breaking=success,
                )
            elif status not in old:
                self.out.compatible(status_at, "response-status-added", f"response {status} added")
            else:
                self.response(old[status], new[status], status_at, success)

    def response(self, old: Json, new: Json, at: str, success: bool) -> None:
        for key in _union(old, new):
            if key in ("description", "links") or key.startswith("x-"):
                documentation_changes(old.get(key), new.get(key), join_pointer(at, key), self.out)
        self.content(old, new, at, "response", success)
        old_headers: Json = old.get("headers") or {}
        new_headers: Json = new.get("headers") or {}
        for name in _union(old_headers, new_headers):
            header_at = join_pointer(at, "headers", name)
            if name not in new_headers:
                self.out.add(
                    header_at,
                    "response-header-removed",
                    f"response header {name!r} removed",
                    breaking=success,
                )
            elif name not in old_headers:
                self.out.compatible(
                    header_at, "response-header-added", f"response header {name!r} added"
                )
            else:
                self.header(old_headers[name], new_headers[name], header_at, name)

    def header(self, old: Json, new: Json, at: str, name: str) -> None:
        if bool(old.get("required")) and not bool(new.get("required")):
            self.out.breaking(
                join_pointer(at, "required"),
                "response-header-made-optional",
                f"header {name!r} is now optional",
            )
        elif bool(new.get("required")) and not bool(old.get("required")):
            self.out.compatible(
                join_pointer(at, "required"),
                "response-header-made-required",
                f"header {name!r} is now always sent",
            )
        compare_schema(
            old.get("schema"), new.get("schema"), join_pointer(at, "schema"), "response", self.out
        )
        for key in ("description", "example", "examples", "deprecated"):
            documentation_changes(old.get(key), new.get(key), join_pointer(at, key), self.out)

    def content(
        self, old_owner: Json, new_owner: Json, at: str, direction: Direction, strict: bool
    ) -> None:
        """The `content` of a parameter, request body or response (`at`): its media types;
        removing one breaks a request always, a response when `strict`."""
        old: Json = old_owner.get("content") or {}
        new: Json = new_owner.get("content") or {}
        at = join_pointer(at, "content")
        for media in _union(old, new):
            media_at = join_pointer(at, media)
            if media not in new:
                self.out.add(
                    media_at,
                    f"{direction}-media-type-removed",
                    f"media type {media} removed",
                    breaking=strict,
                )
            elif media not in old:
                self.out.compatible(
                    media_at, f"{direction}-media-type-added", f"media type {media} added"
                )
            else:
                before, after = old[media], new[media]
                compare_schema(
                    before.get("schema"),
                    after.get("schema"),
                    join_pointer(media_at, "schema"),
                    direction,
                    self.out,
                )
                for key in _union(before, after):
                    if key == "schema":
                        continue
                    if key in _MEDIA_DOC_KEYS or key.startswith("x-"):
                        documentation_changes(
                            before.get(key), after.get(key), join_pointer(media_at, key), self.out
                        )
                    elif before.get(key) != after.get(key):
                        self.out.breaking(
                            join_pointer(media_at, key),
                            f"{direction}-{key}-changed",
                            f"{key} changed",
                        )


def _params(
    item: Json, operation: Json, path: str, item_pointer: str, method: str
) -> dict[tuple[str, str], _Param]:
    """Path-level and operation-level parameters merged (the operation's win), keyed by
    location and name (path parameters by their position in the template, so a rename
    is not a removal; header names case-insensitively)."""
    names = _TEMPLATE.findall(path)
    merged: dict[tuple[str, str], _Param] = {}
    sources = (
        (item.get("parameters") or [], join_pointer(item_pointer, "parameters")),
        (operation.get("parameters") or [], join_pointer(item_pointer, method, "parameters")),
    )
    for params, base in sources:
        for index, spec in enumerate(params):
            if not isinstance(spec, Mapping) or "name" not in spec or "in" not in spec:
                continue
            name, location = str(spec["name"]), str(spec["in"])
            if location == "path" and name in names:
                key = (location, f"#{names.index(name)}")
            else:
                key = (location, name.lower() if location == "header" else name)
            merged[key] = _Param(location, name, spec, join_pointer(base, index))
    return merged


def _alternatives(security: Any) -> list[dict[str, frozenset[str]]]:
    if not security:
        return [{}]
    return [
        {name: frozenset(scopes or ()) for name, scopes in requirement.items()}
        for requirement in security
        if isinstance(requirement, Mapping)
    ]


def _satisfies(held: dict[str, frozenset[str]], requirement: dict[str, frozenset[str]]) -> bool:
    return all(name in held and scopes <= held[name] for name, scopes in requirement.items())


def _describe(alternatives: list[dict[str, frozenset[str]]]) -> str:
    return " or ".join("+".join(sorted(alt)) if alt else "nothing" for alt in alternatives)


def _union(old: Json, new: Json) -> list[str]:
    return [*old, *(key for key in new if key not in old)]
