"""The one error type the generator raises for bad input, and JSON-pointer helpers.

Every problem with the spec (unreadable file, YAML error, invalid OpenAPI, a
construct the generator cannot render) is a `SpecError` carrying the JSON pointer
of the offending node, so the CLI can print one precise line instead of a traceback.
"""

from __future__ import annotations


class SpecError(Exception):
    """The spec cannot be turned into code; `pointer` says where (RFC 6901, "" = root)."""

    def __init__(self, message: str, pointer: str = "") -> None:
        super().__init__(message, pointer)
        self.message = message
        self.pointer = pointer

    def __str__(self) -> str:
        """The one line every command prints: `pointer: message`, whitespace collapsed."""
        return f"{self.pointer or '/'}: {' '.join(self.message.split())}"


def escape_token(token: str | int) -> str:
    """Escape one reference token: `~` -> `~0`, `/` -> `~1` (RFC 6901)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join_pointer(base: str, *tokens: str | int) -> str:
    """`join_pointer("/paths", "/users/{id}", "get")` -> `/paths/~1users~1{id}/get`."""
    return base + "".join("/" + escape_token(t) for t in tokens)
