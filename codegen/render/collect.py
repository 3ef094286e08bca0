"""Collect every rendered file, write the ones that changed, and check they are current.

Renderers are pure: `Api` -> `dict[relative Path, text]`. Generated files belong to
the generator (rewritten on every run, compared by `check`); stubs and their
packages' `__init__.py` belong to people once created (written only when missing,
never checked).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from codegen.openapi.model import Api
from codegen.render.cloudformation.sam import render_template
from codegen.render.python.authorizers import render_authorizer_stubs, render_authorizers
from codegen.render.python.observability_module import render_observability
from codegen.render.python.pre_traffic import render_pre_traffic
from codegen.render.python.routes import render_routes
from codegen.render.python.runtime import GENERATED, render_runtime
from codegen.render.python.stubs import render_stubs
from codegen.render.python.validators import render_validators
from codegen.render.templating import HEADER_PREFIX

TEMPLATE_FILE = Path("template.yaml")


@dataclass(frozen=True)
class Rendered:
    generated: dict[Path, str]  # relative to the spec's directory
    create_only: dict[Path, str]


def render_all(api: Api) -> Rendered:
    generated: dict[Path, str] = {}
    for renderer in (
        render_runtime,
        render_observability,
        render_validators,
        render_routes,
        render_authorizers,
        render_pre_traffic,
    ):
        generated.update(renderer(api))
    generated[TEMPLATE_FILE] = render_template(api)
    stubs = {**render_stubs(api), **render_authorizer_stubs(api)}
    create_only = {path: text for path, text in stubs.items() if path not in generated}
    return Rendered(dict(sorted(generated.items())), create_only)


def write(root: Path, rendered: Rendered) -> list[Path]:
    """Write what changed or is missing; delete stale generated files. Returns the changes."""
    changed: list[Path] = []
    for relative, text in rendered.generated.items():
        target = root / relative
        if _read(target) != text:
            _write(target, text)
            changed.append(relative)
    for relative, text in rendered.create_only.items():
        target = root / relative
        if not target.exists():
            _write(target, text)
            changed.append(relative)
    for relative in stale_files(root, rendered):
        (root / relative).unlink()
        changed.append(relative)
    return changed


def check(root: Path, rendered: Rendered) -> list[str]:
    """One line per generated file that is missing, different or stale; [] when current."""
    problems: list[str] = []
    for relative, text in rendered.generated.items():
        current = _read(root / relative)
        if current is None:
            problems.append(f"missing: {relative.as_posix()}")
        elif current != text:
            problems.append(f"differs: {relative.as_posix()}")
    problems.extend(f"stale: {p.as_posix()}" for p in stale_files(root, rendered))
    return problems


def stale_files(root: Path, rendered: Rendered) -> list[Path]:
    """Generated modules (they carry the header) the spec no longer produces."""
    directory = root / GENERATED
    if not directory.is_dir():
        return []
    stale = []
    for path in sorted(directory.rglob("*.py")):
        relative = path.relative_to(root)
        if relative not in rendered.generated and (_read(path) or "").startswith(HEADER_PREFIX):
            stale.append(relative)
    return stale


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # newline="\n": byte-identical output on every platform.
    path.write_text(text, encoding="utf-8", newline="\n")
