"""Turn spec names (operationIds, tags, parameter names, paths) into Python names."""

from __future__ import annotations

import hashlib
import keyword
import re

_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_WORD = re.compile(r"[^0-9A-Za-z]+")


def snake_case(name: str) -> str:
    """`listPets` -> `list_pets`, `HTTPStatus` -> `http_status`, `x-request-id` -> `x_request_id`.

    The result is a valid, non-keyword Python identifier (or "" for a name without
    any letter or digit, which callers reject).
    """
    spaced = _WORD_BOUNDARY.sub("_", name)
    words = [w for w in _NON_WORD.split(spaced) if w]
    result = "_".join(words).lower()
    if result and result[0].isdigit():
        result = "n" + result
    if keyword.iskeyword(result) or keyword.issoftkeyword(result):
        result += "_"
    return result


def pascal_case(snake: str) -> str:
    """`get_user` -> `GetUser`; `n404_page` -> `N404Page`."""
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_") if part)


def path_name(method: str, path: str) -> str:
    """The name of an operation without operationId: GET /users/{id} -> `get_users_id`."""
    return python_name(f"{method} {path}")


def is_identifier(name: str) -> bool:
    return name.isidentifier() and name.isascii() and not keyword.iskeyword(name)


# The longest Python name the generator derives from a spec name (operations, tag
# packages, parameters' fields, authorizers, security schemes). Bounded by the tightest
# string built from two of them: a handler `<tag package>.<operation>.handler` must stay
# within Lambda's 128 characters (cfn-lint E3033), 56 + 1 + 56 + 8 = 121. Logical ids
# (255), file names (255 bytes) and authorizer handlers (22 + 56 + 8) stay far below.
MAX_NAME = 56
# Field names of a generated request class that no parameter may take.
RESERVED_FIELDS = frozenset({"body"})
_HASH_LENGTH = 8


def short_hash(text: str) -> str:
    """8 hex digits of SHA-256: the same on every machine and run (unlike `hash()`)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:_HASH_LENGTH]


def bounded(name: str, limit: int = MAX_NAME, *, source: str | None = None) -> str:
    """`name` if it fits in `limit`, else its start, `_` and a short hash of `source`
    (default: the whole name), so that two long names sharing a start stay apart.

    A snake_case identifier stays one: the cut keeps a prefix of it and the hash is hex.
    """
    if len(name) <= limit:
        return name
    digest = short_hash(name if source is None else source)
    keep = name[: limit - _HASH_LENGTH - 1].rstrip("_")
    return f"{keep}_{digest}" if keep else f"n{digest}"


def disambiguated(name: str, source: str, limit: int = MAX_NAME) -> str:
    """A second name for `name` when another spec name already took it: `name_<hash>`
    of the spec name it came from (deterministic, whatever else the spec holds)."""
    digest = short_hash(source)
    keep = name[: limit - _HASH_LENGTH - 1].rstrip("_")
    return f"{keep}_{digest}" if keep else f"n{digest}"


def python_name(spec_name: str, limit: int = MAX_NAME) -> str:
    """`snake_case(spec_name)` within `limit` characters ("" without letters or digits)."""
    return bounded(snake_case(spec_name), limit, source=spec_name)
