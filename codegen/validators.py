"""Render `src/generated/operations/<python_name>.py`: one request validator per operation.

Each module holds a typed request dataclass, the `ParamSpec`s that say how to read
the event, and a JSON-Schema check compiled by fastjsonschema *now*, at generation
time, so that the Lambda package needs no validator library and no compile step at
cold start. One draft-04 schema per operation covers the whole request:
`{"path": {...}, "query": {...}, "header": {...}, "body": ...}`, so fastjsonschema's
error names (`data.body.email`) become our locations (`body.email`) directly.
"""

from __future__ import annotations

import ast
import copy
from pathlib import Path
from typing import Any

import fastjsonschema

from codegen.errors import SpecError, join_pointer
from codegen.jsonschema import DRAFT_04, SchemaConverter, resolve_schema, simple_type
from codegen.model import Api, Operation, Parameter
from codegen.parser import JSON_MEDIA_TYPE
from codegen.templating import header, render

GENERATED = Path("src/generated")
OPERATIONS = GENERATED / "operations"
CHECK_FUNCTION = "_check"
# What fastjsonschema's code may import; the template imports these names at the top.
ALLOWED_IMPORTS = frozenset({"re", "decimal", "fastjsonschema"})
# fastjsonschema only calls these for strings; the functions live in generated.validation.
_FORMAT_PLACEHOLDERS = {name: bool for name in ("date", "date-time", "email", "uuid")}

_PY_TYPES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
_BODY_TYPES = {"object": "dict[str, Any]", "array": "list[Any]"}


def render_validators(api: Api) -> dict[Path, str]:
    files = {
        OPERATIONS / f"{op.python_name}.py": render_operation(api, op) for op in api.operations
    }
    files[OPERATIONS / "__init__.py"] = render(
        "package_init.py.j2",
        header=header(api.spec_path.name),
        doc="One request validator per operation of the spec.",
    )
    return files


def render_operation(api: Api, op: Operation) -> str:
    components = api.component_schemas()
    fields = [(p.python_name, _field_type(p, components)) for p in op.parameters]
    body_schema = _body_schema(op)
    if op.request_body is not None:
        body_type = _BODY_TYPES.get(simple_type(body_schema, components) or "", "Any")
        if not op.request_body.required and body_type != "Any":
            body_type += " | None"
        fields.append(("body", body_type))
    return render(
        "operation.py.j2",
        header=header(api.spec_path.name),
        op=op,
        fields=fields,
        params=[_param_spec(p, components) for p in op.parameters],
        body=op.request_body,
        check_code=compile_check(request_schema(api, op), op.pointer),
        check_function=CHECK_FUNCTION,
    )


def request_schema(api: Api, op: Operation) -> dict[str, Any]:
    """The draft-04 schema of the whole (coerced) request of one operation."""
    converter = SchemaConverter(api.component_schemas(), "request")
    locations: dict[str, dict[str, Any]] = {}
    for p in op.parameters:
        key = p.name.lower() if p.location == "header" else p.name
        locations.setdefault(p.location, {})[key] = converter.convert(
            p.schema, join_pointer(p.pointer, "schema")
        )
    properties: dict[str, Any] = {
        location: {"type": "object", "properties": props} for location, props in locations.items()
    }
    if op.request_body is not None:
        properties["body"] = converter.convert(
            _body_schema(op),
            join_pointer(op.request_body.pointer, "content", JSON_MEDIA_TYPE, "schema"),
        )
    schema: dict[str, Any] = {"$schema": DRAFT_04, "type": "object", "properties": properties}
    definitions = converter.definitions()
    if definitions:
        schema["definitions"] = definitions
    return schema


def compile_check(schema: dict[str, Any], pointer: str) -> str:
    """fastjsonschema's code for `schema`, made self-contained and deterministic."""
    try:
        code = fastjsonschema.compile_to_code(
            schema,
            formats=_FORMAT_PLACEHOLDERS,  # callables: the generated code calls custom_formats[...]
            use_default=False,  # never invent body fields: a PATCH must stay partial
            detailed_exceptions=True,  # for each error's `name` and `rule`
            fast_fail=False,  # collect every error, not just the first
        )
    except fastjsonschema.JsonSchemaDefinitionException as exc:
        raise SpecError(f"schema cannot be compiled: {exc}", pointer) from None
    except Exception as exc:  # e.g. re.error for an invalid `pattern`
        raise SpecError(f"schema cannot be compiled: {exc}", pointer) from None
    tree = ast.parse(code)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = (
                [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            )
            if not set(modules) <= ALLOWED_IMPORTS:
                # A new fastjsonschema version needing more than we import: fail loudly.
                raise SpecError(f"fastjsonschema output imports {modules}", pointer)
    tree = _Rewriter().visit(tree)
    return ast.unparse(ast.fix_missing_locations(tree))


class _Rewriter(ast.NodeTransformer):
    """Post-process fastjsonschema's module.

    - its imports dropped: the template imports `re`, `Decimal` and our own
      `JsonSchemaValueException`s at the top (so no fastjsonschema at run time, and
      no import below code);
    - `VERSION = ...` dropped (the pinned version is in pyproject.toml);
    - `validate*` functions renamed `_check*` (the module's `validate` is ours);
    - the `value=` and `definition=` arguments of each error dropped: they embed the
      whole schema in every error and nothing reads them;
    - `str(<keys set>)` in messages sorted, so that messages do not depend on hashing;
    - functions annotated with `Any` and `errors = []` typed, for mypy --strict.
    """

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        return None  # the template imports Decimal and the exception classes at the top

    def visit_Import(self, node: ast.Import) -> None:
        return None  # `import re`: likewise

    def visit_Assign(self, node: ast.Assign) -> ast.Assign | ast.AnnAssign | None:
        if any(isinstance(t, ast.Name) and t.id == "VERSION" for t in node.targets):
            return None
        self.generic_visit(node)
        target = node.targets[0]
        if (
            isinstance(target, ast.Name)
            and isinstance(node.value, ast.List)
            and not node.value.elts
        ):
            # `errors = []` needs a type for mypy --strict.
            annotation = ast.parse("list[Any]", mode="eval").body
            return ast.AnnAssign(target, annotation, node.value, simple=1)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        node.name = _renamed(node.name)
        # Annotated as Any, so that mypy --strict accepts calls between them.
        for arg in node.args.args:
            arg.annotation = ast.Name("Any", ast.Load())
        node.returns = ast.Name("Any", ast.Load())
        self.generic_visit(node)
        return node

    def visit_Name(self, node: ast.Name) -> ast.Name:
        node.id = _renamed(node.id)
        return node

    def visit_If(self, node: ast.If) -> ast.AST:
        """`if missing_keys: <one error listing them>` -> one `is required` error per key.

        So that a missing property is reported where it belongs (`body.name`),
        like every other error, rather than as a list on its parent object.
        """
        self.generic_visit(node)
        name = _required_error_name(node)
        if name is None or not isinstance(node.test, ast.Name):
            return node
        loop = ast.parse(
            f"for missing in sorted({node.test.id}):\n"
            "    errors.append(JsonSchemaValueException("
            "NAME + '.' + missing + ' is required', name=NAME + '.' + missing, rule='required'))"
        ).body[0]
        result: ast.AST = _Substitute(name).visit(loop)
        return result

    def visit_Call(self, node: ast.Call) -> ast.Call:
        self.generic_visit(node)
        func = node.func
        if isinstance(func, ast.Name) and func.id == "JsonSchemaValueException":
            node.keywords = [k for k in node.keywords if k.arg not in ("value", "definition")]
        if (
            isinstance(func, ast.Name)
            and func.id == "str"
            and len(node.args) == 1
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id.endswith("_keys")
        ):
            node.args = [ast.Call(ast.Name("sorted", ast.Load()), [node.args[0]], [])]
        return node


class _Substitute(ast.NodeTransformer):
    """Replace the placeholder `NAME` with a copy of an expression."""

    def __init__(self, expression: ast.expr) -> None:
        self._expression = expression

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return copy.deepcopy(self._expression) if node.id == "NAME" else node


def _required_error_name(node: ast.If) -> ast.expr | None:
    """The `name=` of the error in fastjsonschema's `required` check, if `node` is one."""
    if not (isinstance(node.test, ast.Name) and node.test.id.endswith("_missing_keys")):
        return None
    if len(node.body) != 1 or node.orelse or not isinstance(node.body[0], ast.Expr):
        return None
    append = node.body[0].value
    if not (isinstance(append, ast.Call) and len(append.args) == 1):
        return None
    error = append.args[0]
    if not isinstance(error, ast.Call):
        return None
    keywords = {k.arg: k.value for k in error.keywords}
    rule = keywords.get("rule")
    if not (isinstance(rule, ast.Constant) and rule.value == "required"):
        return None
    return keywords.get("name")


def _renamed(name: str) -> str:
    if name == "validate" or name.startswith("validate_"):
        return CHECK_FUNCTION + name.removeprefix("validate")
    return name


# -- parameters ------------------------------------------------------------------------


def _body_schema(op: Operation) -> Any:
    if op.request_body is None:
        return {}
    return op.request_body.content.get(JSON_MEDIA_TYPE, {})


def _field_type(p: Parameter, components: Any) -> str:
    kind = simple_type(p.schema, components)
    if kind == "array":
        items = resolve_schema(p.schema, components).get("items", {})
        base = f"list[{_PY_TYPES.get(simple_type(items, components) or '', 'str')}]"
    else:
        base = _PY_TYPES.get(kind or "", "str")
    if p.required or "default" in resolve_schema(p.schema, components):
        return base
    return f"{base} | None"


def _param_spec(p: Parameter, components: Any) -> dict[str, Any]:
    resolved = resolve_schema(p.schema, components)
    kind = simple_type(p.schema, components) or ""
    item_kind = ""
    if kind == "array":
        item_kind = simple_type(resolved.get("items", {}), components) or ""
    return {
        "name": p.name.lower() if p.location == "header" else p.name,
        "location": p.location,
        "python_name": p.python_name,
        "kind": kind,
        "item_kind": item_kind,
        "required": p.required,
        "explode": p.explode,
        "has_default": "default" in resolved,
        "default": resolved.get("default"),
    }
