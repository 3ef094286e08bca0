"""Import the handlers named in the route table (`users.get_user.handler`), as Lambda does.

Lambda imports the handler module from the package root (`CodeUri: src/`), once per
execution environment, and calls `module.function(event, context)` per request. A module
that fails to import is an init error: API Gateway answers 502 for that function.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

Handler = Callable[[dict[str, Any], Any], object]


class HandlerImportError(Exception):
    """The handler's module failed to import, or does not define the function."""


def add_to_sys_path(directory: Path) -> None:
    """Make the Lambda package root importable (first, so it wins over same-named modules)."""
    entry = str(directory.resolve())
    if entry not in sys.path:
        sys.path.insert(0, entry)


class HandlerResolver:
    """Resolves dotted handler names to callables, importing each module once (thread-safe)."""

    def __init__(self) -> None:
        self._cache: dict[str, Handler] = {}
        self._lock = threading.Lock()

    def resolve(self, dotted: str) -> Handler:
        cached = self._cache.get(dotted)
        if cached is not None:
            return cached
        with self._lock:
            if dotted not in self._cache:
                self._cache[dotted] = self._load(dotted)
            return self._cache[dotted]

    @staticmethod
    def _load(dotted: str) -> Handler:
        module_name, _, function_name = dotted.rpartition(".")
        if not module_name:
            raise HandlerImportError(f"{dotted!r} is not module.function")
        try:
            module = importlib.import_module(module_name)
        except Exception as error:
            raise HandlerImportError(f"cannot import {module_name}: {error!r}") from error
        function = getattr(module, function_name, None)
        if not callable(function):
            raise HandlerImportError(f"{module_name} has no function {function_name!r}")
        handler: Handler = function
        return handler
