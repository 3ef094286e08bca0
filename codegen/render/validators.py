"""Render `src/generated/operations/<python_name>.py`: one request validator per operation.

Each module holds a typed, immutable request class, a `validate(event)` of straight-line
code that reads only the parameters and the body the operation declares, and the
JSON-Schema checks compiled by fastjsonschema *now*, at generation time, so that the
Lambda package needs no validator library and no compile step at cold start. Each
parameter and the body has its own check function, called with its name
(`data.query.limit`, `data.body`), so fastjsonschema's error names (`data.body.email`)
become our locations (`body.email`) directly.
"""

from __future__ import annotations

import ast
import copy
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastjsonschema

from codegen.render.templating import header, render
from codegen.spec.errors import SpecError, escape_token, join_pointer
from codegen.spec.jsonschema import DRAFT_04, SchemaConverter, resolve_schema, simple_type
from codegen.spec.model import Api, Operation, Parameter

GENERATED = Path("src/generated")
OPERATIONS = GENERATED / "operations"
CHECK_FUNCTION = "_check"
ROOT_FUNCTION = "validate"  # fastjsonschema's name for the check of the whole document
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
    params = [_param_spec(p, components) for p in op.parameters]
    checks = request_checks(api, op)
    for spec in params:
        spec["check"] = checks.functions.get(spec["slot"])
    fields = [(p["python_name"], p["field_type"]) for p in params]
    body: dict[str, Any] | None = None
    if op.request_body is not None:
        json_schema = op.request_body.json_schema
        if json_schema is None:  # no JSON media type: the raw bytes, for the handler to read
            body_type = "bytes"
        else:
            body_type = _BODY_TYPES.get(simple_type(json_schema, components) or "", "Any")
        if not op.request_body.required and body_type != "Any":
            body_type += " | None"
        fields.append(("body", body_type))
        body = {
            "required": op.request_body.required,
            "type": body_type,
            "json": json_schema is not None,
            # The bare media types the raw body may be sent as (only used without JSON).
            "media_types": sorted(
                {m.split(";", 1)[0].strip().lower() for m in op.request_body.media_types}
            ),
            "check": checks.functions.get(BODY_SLOT),
        }
    headers = sorted({p["name"] for p in params if p["location"] == "header"})
    return render(
        "operation.py.j2",
        header=header(api.spec_path.name),
        op=op,
        fields=fields,
        self_name=_free_name("self", {name for name, _ in fields}),
        params=params,
        locations={p["location"] for p in params},
        header_names=headers,
        body=body,
        check_code=checks.code,
        imports=_validation_imports(params, body, checks),
        uses_re="re." in checks.code,
        uses_decimal="Decimal" in checks.code,
    )


BODY_SLOT = "body"


@dataclass(frozen=True)
class RequestChecks:
    """fastjsonschema's code for one operation, and which function checks what."""

    code: str  # module-level Python: the check functions (and the patterns they use)
    functions: dict[str, str]  # slot ("body" or a parameter's python_name) -> function


def request_checks(api: Api, op: Operation) -> RequestChecks:
    """The compiled checks of every parameter and of the body of one operation.

    Each value is checked on its own, by a function the operation module calls directly
    with the value's name (`data.query.limit`), so that a request runs only the checks of
    what it carries and never builds a whole-request document for one check
    (bench: 1.3 us of a 12 us DELETE). A parameter whose schema says nothing beyond the
    type it is coerced to has no check at all.
    """
    converter = SchemaConverter(api.component_schemas(), "request")
    slots: dict[str, dict[str, Any]] = {}
    for p in op.parameters:
        schema = converter.convert(p.schema, join_pointer(p.pointer, "schema"))
        if not _implied_by_coercion(schema, simple_type(p.schema, api.component_schemas())):
            slots[p.python_name] = schema
    body_schema = op.request_body.json_schema if op.request_body is not None else None
    body_pointer = op.request_body.schema_pointer if op.request_body is not None else None
    if body_schema is not None and body_pointer is not None:  # raw (non-JSON) bodies: no check
        schema = converter.convert(body_schema, body_pointer)
        if schema:  # `{}`: any JSON document
            slots[BODY_SLOT] = schema
    if not slots:
        return RequestChecks("", {})
    return compile_checks(slots, converter.definitions(), op.pointer)


def _implied_by_coercion(schema: dict[str, Any], kind: str | None) -> bool:
    """Does every value coercion can produce already satisfy `schema`?"""
    return schema in ({}, {"type": kind}) and kind != "array"


def compile_checks(
    slots: dict[str, dict[str, Any]], definitions: dict[str, Any], pointer: str
) -> RequestChecks:
    """One fastjsonschema compilation for all the slots of an operation.

    Each slot becomes a definition (or, when it is a bare `$ref`, uses the definition it
    points to), so fastjsonschema emits one function per slot, sharing the component
    definitions; the root function that would tie them together is dropped.
    """
    definitions = dict(definitions)
    properties: dict[str, Any] = {}
    own: list[str] = []  # the slots with a definition (and a function) of their own
    for slot, schema in slots.items():
        if set(schema) == {"$ref"}:
            properties[slot] = schema
            continue
        key = f"x-request-{slot}"
        while key in definitions:
            key += "-"
        definitions[key] = schema
        own.append(slot)
        properties[slot] = {"$ref": f"#/definitions/{escape_token(key)}"}
    schema = {
        "$schema": DRAFT_04,
        "type": "object",
        "properties": properties,
        "definitions": definitions,
    }
    try:
        code, called = _compile(json.dumps(schema, sort_keys=True))
    except _CompileError as exc:
        raise SpecError(str(exc), pointer) from None
    missing = sorted(slots.keys() - called.keys())
    if missing:
        raise SpecError(f"fastjsonschema output checks no {missing}: unexpected shape", pointer)
    renames = tuple(sorted((called[slot], _slot_function(slot)) for slot in own))
    functions = {slot: dict(renames).get(called[slot], called[slot]) for slot in slots}
    return RequestChecks(_rename_functions(code, renames) if renames else code, functions)


def _slot_function(slot: str) -> str:
    return f"{CHECK_FUNCTION}_body" if slot == BODY_SLOT else f"{CHECK_FUNCTION}_parameter_{slot}"


class _CompileError(Exception):
    pass


# Memoised by the schema's JSON: operations often share one (the bench's 500-operation spec
# has 5 distinct ones), and compiling was 37% of the generator's time (cProfile).
@functools.cache
def _compile(schema_json: str) -> tuple[str, dict[str, str]]:
    """fastjsonschema's code for a schema, self-contained and deterministic, and for each
    root property the (renamed) function that checks it. The root function is dropped."""
    try:
        code = fastjsonschema.compile_to_code(
            json.loads(schema_json),
            formats=_FORMAT_PLACEHOLDERS,  # callables: the generated code calls custom_formats[...]
            use_default=False,  # never invent body fields: a PATCH must stay partial
            detailed_exceptions=True,  # for each error's `name` and `rule`
            fast_fail=False,  # collect every error, not just the first
        )
    except fastjsonschema.JsonSchemaDefinitionException as exc:
        raise _CompileError(f"schema cannot be compiled: {exc}") from None
    except Exception as exc:  # e.g. re.error for an invalid `pattern`
        raise _CompileError(f"schema cannot be compiled: {exc}") from None
    tree = ast.parse(code)
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = (
                [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            )
            if not set(modules) <= ALLOWED_IMPORTS:
                # A new fastjsonschema version needing more than we import: fail loudly.
                raise _CompileError(f"fastjsonschema output imports {modules}")
        if isinstance(node, ast.FunctionDef):
            if node.name in names:  # two schema names that differ only in case or punctuation
                raise _CompileError(f"two schemas compile to the same function {node.name}")
            names.add(node.name)
    called = {slot: _renamed(name) for slot, name in _root_calls(tree).items()}
    tree = _Rewriter().visit(tree)
    return ast.unparse(ast.fix_missing_locations(tree)), called


def _root_calls(tree: ast.Module) -> dict[str, str]:
    """Root property -> the function fastjsonschema's root `validate` calls to check it:
    `if "<property>" in data_keys: ... validate___definitions_x(data__<property>, ...)`."""
    called: dict[str, str] = {}
    for root in tree.body:
        if not (isinstance(root, ast.FunctionDef) and root.name == ROOT_FUNCTION):
            continue
        for node in ast.walk(root):
            if not (
                isinstance(node, ast.If)
                and isinstance(node.test, ast.Compare)
                and isinstance(node.test.left, ast.Constant)
                and isinstance(node.test.left.value, str)
            ):
                continue
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Name)
                    and inner.func.id.startswith(ROOT_FUNCTION + "_")
                ):
                    called.setdefault(node.test.left.value, inner.func.id)
                    break
    return called


@functools.cache
def _rename_functions(code: str, renames: tuple[tuple[str, str], ...]) -> str:
    tree = _FunctionRenamer(dict(renames)).visit(ast.parse(code))
    return ast.unparse(ast.fix_missing_locations(tree))


class _FunctionRenamer(ast.NodeTransformer):
    def __init__(self, renames: dict[str, str]) -> None:
        self._renames = renames

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        node.name = self._renames.get(node.name, node.name)
        self.generic_visit(node)
        return node

    def visit_Name(self, node: ast.Name) -> ast.Name:
        node.id = self._renames.get(node.id, node.id)
        return node


def _dropped_arguments(call: ast.Call) -> tuple[str, ...]:
    """`value=` stays on additionalProperties errors only: it is the object whose extra keys
    the error then names one by one (`body.emal: is not allowed`)."""
    rules = [k.value for k in call.keywords if k.arg == "rule"]
    keep_value = any(
        isinstance(rule, ast.Constant) and rule.value == "additionalProperties" for rule in rules
    )
    return ("definition",) if keep_value else ("value", "definition")


class _Rewriter(ast.NodeTransformer):
    """Post-process fastjsonschema's module.

    - its imports dropped: the template imports `re`, `Decimal` and our own
      `JsonSchemaValueException`s at the top (so no fastjsonschema at run time, and
      no import below code);
    - `VERSION = ...` dropped (the pinned version is in pyproject.toml);
    - the root `validate` dropped, the other `validate_*` functions renamed `_check_*`
      (the module's `validate` is ours);
    - the `definition=` argument of each error dropped (it embeds the whole schema in
      every error), and `value=` too except on additionalProperties errors;
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

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef | None:
        if node.name == ROOT_FUNCTION:
            return None  # the operation module calls each slot's function itself
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
            node.keywords = [k for k in node.keywords if k.arg not in _dropped_arguments(node)]
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
    name = p.name.lower() if p.location == "header" else p.name
    return {
        "name": name,
        "label": f"{p.location}.{name}",  # its errors' location
        "location": p.location,
        "python_name": p.python_name,
        "slot": p.python_name,
        "local": p.python_name + "_",  # never one of validate()'s own names, none ends in _
        "field_type": _field_type(p, components),
        "kind": kind,
        "item_kind": item_kind,
        "required": p.required,
        "explode": p.explode,
        "parts": _array_parts(p.location, p.explode),
        "has_default": "default" in resolved,
        "default": resolved.get("default"),
    }


def _array_parts(location: str, explode: bool) -> str:
    """The expression of an array parameter's item texts in `validate` (see the template)."""
    if location == "path":
        return 'raw.split(",")'  # one string, comma-separated (style simple)
    if location == "query" and explode:
        return "values"  # ?tag=a&tag=b (style form, explode)
    return "split_values(values)"  # ?ids=1,2 (form, no explode); headers (simple)


_COERCIONS = {"integer": "integer", "number": "number", "boolean": "boolean"}


def _validation_imports(
    params: list[dict[str, Any]], body: dict[str, Any] | None, checks: RequestChecks
) -> list[str]:
    """The names the operation module takes from generated.validation."""
    names = {"RequestBase"}
    locations = {p["location"] for p in params}
    if params or body:
        names.add("invalid_request")
    if "path" in locations:
        names.add("path_parameters")
    if "query" in locations:
        names.update({"query_parameters", "query_values"})
    if "header" in locations:
        names.add("header_values")
    for p in params:
        kind = p["item_kind"] if p["kind"] == "array" else p["kind"]
        if kind in _COERCIONS:
            names.update({_COERCIONS[kind], "Invalid"})
        if p["kind"] == "array" and p["parts"].startswith("split_values("):
            names.add("split_values")
    if body is not None:
        reader = "json_body" if body["json"] else "raw_body"
        names.update({"Invalid", "UnsupportedMediaType", reader, "unsupported_media_type"})
        if not body["required"]:
            names.add("NO_BODY")
    if checks.functions:
        names.update({"FORMATS", "SCHEMA_ERRORS", "schema_errors"})
    if checks.code:
        names.update({"JsonSchemaValueException", "JsonSchemaValuesException"})
    return sorted(names, key=lambda n: (not n.isupper(), not n[0].isupper(), n.lower()))


def _free_name(name: str, taken: set[str]) -> str:
    while name in taken:
        name += "_"
    return name
