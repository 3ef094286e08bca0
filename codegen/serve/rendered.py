"""The modules `python -m codegen` rendered into the Lambda's code root, by name.

The local server runs the handlers in its own process, so it imports what the generator
rendered for them: the operations' validators and the runtime (the mock), the format
checks, the observability module. It knows them only by the files the render layer
writes (`codegen/render/python/`), turned into the module names Lambda imports them by
(relative to `CodeUri`), never by the app's own modules (`tests/codegen/test_layers.py`).
"""

from __future__ import annotations

import importlib
from pathlib import Path, PurePosixPath
from types import ModuleType

from codegen.openapi.model import Operation
from codegen.render.cloudformation.sam import CODE_URI
from codegen.render.python.observability_module import GENERATED_MODULE as OBSERVABILITY_FILE
from codegen.render.python.routes import ROUTES_FILE
from codegen.render.python.runtime import GENERATED
from codegen.render.python.validators import OPERATIONS

# The Lambda package root, relative to the project (`CodeUri: src/`).
CODE_ROOT = PurePosixPath(CODE_URI)


def module_name(file: Path | PurePosixPath) -> str:
    """`src/generated/routes.py` -> `generated.routes`, as Lambda imports it."""
    relative = PurePosixPath(file.as_posix()).relative_to(CODE_ROOT).with_suffix("")
    return ".".join(relative.parts)


RUNTIME = module_name(GENERATED / "runtime.py")
VALIDATION = module_name(GENERATED / "validation.py")
OBSERVABILITY = module_name(OBSERVABILITY_FILE)


def code_root(project: Path) -> Path:
    """The directory to put on sys.path for the handlers: the project's `CodeUri`."""
    return project / CODE_ROOT


def routes_file(project: Path) -> Path:
    """The route table's file: present once `python -m codegen` has run."""
    return project / ROUTES_FILE


def operation_module(operation: Operation) -> str:
    """The validator module of `operation` (`generated.operations.<python_name>`)."""
    return module_name(OPERATIONS / f"{operation.python_name}.py")


def load(name: str) -> ModuleType:
    """Import a rendered module (the project's code root must be on sys.path)."""
    return importlib.import_module(name)
