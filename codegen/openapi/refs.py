"""Following `$ref`s: the one resolver every stage uses (local refs, RFC 6901 pointers)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from codegen.openapi.errors import SpecError, unescape_token


def resolve_pointer(document: Any, pointer: str) -> Any:
    """The node at `pointer` (RFC 6901); KeyError when there is none."""
    if pointer == "":
        return document
    if not pointer.startswith("/"):
        raise KeyError(pointer)
    node = document
    for raw in pointer[1:].split("/"):
        token = unescape_token(raw)
        if isinstance(node, Mapping) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise KeyError(pointer)
    return node


def resolve_ref(document: Any, ref: str, pointer: str = "") -> Any:
    """The target of one local `$ref` (`#/...`); SpecError at `pointer` when there is none."""
    if not ref.startswith("#"):
        raise SpecError(f"$ref {ref!r} does not resolve", pointer)
    try:
        return resolve_pointer(document, ref[1:])
    except KeyError:
        raise SpecError(f"$ref {ref!r} does not resolve", pointer) from None


def follow_refs(document: Any, node: Any, pointer: str) -> tuple[Any, str]:
    """Follow a chain of `$ref`s from `node` (at `pointer`) to a node that is not one.

    Returns the node and its pointer. Raises SpecError for a cycle or a ref that does
    not resolve.
    """
    seen: set[str] = set()
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref in seen:
            raise SpecError(f"$ref cycle through {ref!r}", pointer)
        seen.add(ref)
        node = resolve_ref(document, ref, pointer)
        pointer = ref[1:]
    return node, pointer


def follow_to_object(document: Any, node: Any, pointer: str) -> tuple[Mapping[str, Any], str]:
    """`follow_refs`, for a node that must be an object (parameter, body, response, ...)."""
    node, pointer = follow_refs(document, node, pointer)
    if not isinstance(node, Mapping):
        raise SpecError("expected an object", pointer)
    return node, pointer
