"""Turn spec names (operationIds, tags, parameter names, paths) into Python names."""

from __future__ import annotations

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
    return snake_case(f"{method} {path}")


def is_identifier(name: str) -> bool:
    return name.isidentifier() and name.isascii() and not keyword.iskeyword(name)
