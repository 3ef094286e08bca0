"""Whole-document transformations shared by `publish` and `diff`.

- `bundle_external_refs`: inline every `$ref` that points into another file, so the
  result is one self-contained document (internal `#/components/...` refs stay).
- `dereference`: replace every internal `$ref` by its target, so two documents that
  only moved a schema around compare equal.
- `strip_private_extensions`: drop the extensions that only the generator and API
  Gateway read (`x-amazon-apigateway-*`, `x-handler`, `x-codegen*`).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from typing import Any

from codegen.openapi.aws_names import EXTENSION_PREFIX
from codegen.openapi.errors import SpecError, join_pointer
from codegen.openapi.refs import resolve_pointer, resolve_ref

PRIVATE_EXTENSION_PREFIXES = (EXTENSION_PREFIX, "x-handler", "x-codegen")

# Keys whose value is a map of user-chosen names (a property called `x-handler` is data,
# not an extension): keys there are kept, their values are walked.
_NAMED_MAPS = frozenset(
    {
        "properties",
        "headers",
        "content",
        "encoding",
        "schemas",
        "parameters",
        "requestBodies",
        "securitySchemes",
        "links",
        "callbacks",
        "variables",
        "scopes",
        "mapping",
        "examples",
    }
)
# Keys whose value is data (examples, defaults, enums): never walked.
_DATA_KEYS = frozenset({"example", "default", "enum", "value", "const"})

# Reads another file named relative to the root document (posix path) and returns its data.
FileReader = Callable[[str], Any]


def is_private_extension(key: str) -> bool:
    return key.startswith(PRIVATE_EXTENSION_PREFIXES)


def is_data(key: str, in_named_map: bool) -> bool:
    """True when the value under `key` is data (an example, a default), not spec objects."""
    return not in_named_map and key in _DATA_KEYS


def opens_named_map(key: str, value: Any, in_named_map: bool) -> bool:
    """True when `value` (under `key`) is a map whose keys are user-chosen names."""
    return not in_named_map and key in _NAMED_MAPS and isinstance(value, dict)


def strip_private_extensions(node: Any, *, _named: bool = False) -> Any:
    """A copy of `node` without generator / API Gateway extensions, at any depth."""
    if isinstance(node, dict):
        return {
            key: value
            if is_data(key, _named)
            else strip_private_extensions(value, _named=opens_named_map(key, value, _named))
            for key, value in node.items()
            if _named or not is_private_extension(key)
        }
    if isinstance(node, list):
        return [strip_private_extensions(item) for item in node]
    return node


def bundle_external_refs(document: Any, read: FileReader, root_file: str) -> Any:
    """A copy of `document` in which every `$ref` into another file is inlined.

    `root_file` is the document's own path (posix, as `read` understands it); relative
    refs are resolved against its directory. Refs inside an inlined file are resolved
    against that file (internal ones too), recursively. A cycle through files is an error.
    """
    return _Bundler(read, root_file).walk(document, root_file, "", is_root=True)


class _Bundler:
    def __init__(self, read: FileReader, root_file: str) -> None:
        self._read = read
        self._root_file = root_file
        self._files: dict[str, Any] = {}
        self._stack: list[tuple[str, str]] = []

    def _load(self, file: str, pointer: str) -> Any:
        if file not in self._files:
            try:
                self._files[file] = self._read(file)
            except SpecError as exc:
                raise SpecError(f"$ref to {file}: {exc.message}", pointer) from None
        return self._files[file]

    def walk(
        self, node: Any, file: str, pointer: str, *, is_root: bool, named: bool = False
    ) -> Any:
        if isinstance(node, list):
            return [
                self.walk(item, file, join_pointer(pointer, i), is_root=is_root)
                for i, item in enumerate(node)
            ]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if not named and isinstance(ref, str) and not (is_root and ref.startswith("#")):
            return self._inline(ref, file, pointer)
        return {
            key: value
            if is_data(key, named)
            else self.walk(
                value,
                file,
                join_pointer(pointer, key),
                is_root=is_root,
                named=opens_named_map(key, value, named),
            )
            for key, value in node.items()
        }

    def _inline(self, ref: str, file: str, pointer: str) -> Any:
        target_path, _, fragment = ref.partition("#")
        if "://" in target_path:
            raise SpecError(f"$ref {ref!r}: only relative file references are supported", pointer)
        target_file = (
            posixpath.normpath(posixpath.join(posixpath.dirname(file), target_path))
            if target_path
            else file
        )
        key = (target_file, fragment)
        if key in self._stack:
            raise SpecError(
                f"circular $ref {ref!r} through another file cannot be inlined", pointer
            )
        data = self._load(target_file, pointer)
        try:
            target = resolve_pointer(data, fragment)
        except KeyError:
            raise SpecError(f"$ref {ref!r} does not resolve in {target_file}", pointer) from None
        self._stack.append(key)
        try:
            return self.walk(target, target_file, pointer, is_root=target_file == self._root_file)
        finally:
            self._stack.pop()


def dereference(document: Any) -> Any:
    """A copy of `document` with every internal `$ref` replaced by its target.

    A recursive schema keeps its `$ref` where it refers to itself (the comparison then
    compares the two ref strings there).
    """
    return _deref(document, document, (), named=False)


def _deref(node: Any, root: Any, active: tuple[str, ...], *, named: bool) -> Any:
    if isinstance(node, list):
        return [_deref(item, root, active, named=False) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if not named and isinstance(ref, str) and ref.startswith("#"):
        if ref in active:
            return {"$ref": ref}
        target = resolve_ref(root, ref)
        return _deref(target, root, (*active, ref), named=False)
    return {
        key: value
        if is_data(key, named)
        else _deref(value, root, active, named=opens_named_map(key, value, named))
        for key, value in node.items()
    }


def external_refs(node: Any, pointer: str = "", *, _named: bool = False) -> list[tuple[str, str]]:
    """(pointer, ref) of every `$ref` that does not start with `#`."""
    found: list[tuple[str, str]] = []
    if isinstance(node, Mapping):
        ref = node.get("$ref")
        if not _named and isinstance(ref, str) and not ref.startswith("#"):
            found.append((join_pointer(pointer, "$ref"), ref))
        for key, value in node.items():
            if not is_data(key, _named):
                named = opens_named_map(key, value, _named)
                found.extend(external_refs(value, join_pointer(pointer, key), _named=named))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found.extend(external_refs(item, join_pointer(pointer, index)))
    return found
