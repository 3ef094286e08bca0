"""One difference between two specs, as the comparison rules report it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Change:
    """A change at `pointer` (RFC 6901, into the NEW document's paths, or the OLD one's
    when the thing was removed). `rule` is a stable kebab-case id such as
    `request-enum-shrunk`; `message` says what changed in words."""

    pointer: str
    rule: str
    breaking: bool
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "pointer": self.pointer,
            "rule": self.rule,
            "breaking": self.breaking,
            "message": self.message,
        }


class Changes:
    """Collects changes while the rules walk two documents."""

    def __init__(self) -> None:
        self.items: list[Change] = []

    def breaking(self, pointer: str, rule: str, message: str) -> None:
        self.items.append(Change(pointer, rule, True, message))

    def compatible(self, pointer: str, rule: str, message: str) -> None:
        self.items.append(Change(pointer, rule, False, message))

    def add(self, pointer: str, rule: str, message: str, *, breaking: bool) -> None:
        self.items.append(Change(pointer, rule, breaking, message))
