"""The `Prefer` header (RFC 7240) as Prism reads it: `code=404`, `example=NAME`,
`dynamic=true`.

Several preferences may share one header (`code=409, example=in_progress`) or come in
several headers; values may be quoted. Preferences other than these are ignored, as
RFC 7240 asks of a server that does not support them.
"""

from __future__ import annotations

from collections.abc import Iterable

KNOWN = ("code", "example", "dynamic")


def preferences(values: Iterable[str]) -> dict[str, str]:
    """`{"code": "404", "example": "taken"}` from the Prefer header values (first one wins;
    `dynamic` lower-cased)."""
    found: dict[str, str] = {}
    for value in values:
        for item in value.split(","):
            for part in item.split(";"):
                name, sep, text = part.partition("=")
                key = name.strip().lower()
                if sep and key in KNOWN and key not in found:
                    value = text.strip().strip('"')
                    found[key] = value.lower() if key == "dynamic" else value
    return found
