"""Values for the spec's secrets (`x-codegen.secrets`) when the server runs locally.

Deployed, CloudFormation resolves each secret into the functions' environment (see
`codegen.render.cloudformation.sam`). The local server runs the handlers in its own process,
so it puts a random value in `os.environ` for each declared variable that is not already set
(a value the developer exported is kept, e.g. to reuse cursors across restarts). The values live
only as long as the process and are never printed.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable

from codegen.openapi.model import Secret

VALUE_BYTES = 32  # 256 random bits, as token_urlsafe's default


def provide(declared: Iterable[Secret]) -> tuple[str, ...]:
    """Set a random value for each declared variable that is unset or empty; the names set."""
    provided: list[str] = []
    for secret in declared:
        if not os.environ.get(secret.environment):
            os.environ[secret.environment] = secrets.token_urlsafe(VALUE_BYTES)
            provided.append(secret.environment)
    return tuple(provided)


def describe(provided: tuple[str, ...]) -> str | None:
    """The start-up line about the generated values (None when none was generated)."""
    if not provided:
        return None
    return (
        f"Secrets: random value for {', '.join(provided)} (unset; valid until the server "
        "stops, not printed)"
    )
