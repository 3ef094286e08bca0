"""One check shared by the readers of `x-codegen` objects (settings, clients)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from codegen.openapi.errors import SpecError, join_pointer


def checked_object(raw: Any, pointer: str, allowed: set[str]) -> Mapping[str, Any]:
    """`raw` as an object of only the `allowed` keys, else a SpecError at the offending key."""
    if not isinstance(raw, Mapping):
        raise SpecError("must be an object", pointer)
    for key in raw:
        if key not in allowed:
            raise SpecError(
                f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})",
                join_pointer(pointer, key),
            )
    return raw
