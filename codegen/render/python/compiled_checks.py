"""JSON-Schema checks compiled by fastjsonschema at generation time, rewritten with `ast`.

`request_checks(api, op)` compiles the schema of every parameter and of the body of one
operation in one fastjsonschema run, keeps one function per value (renamed after it,
`_check_body`, `_check_parameter_limit`), drops the root function that would tie them
together, and rewrites the code so that it imports only what the Lambda has (see
`ALLOWED_IMPORTS`). `render/python/validators.py` puts the result into the operation modules.
"""

from __future__ import annotations

import ast
import copy
import functools
import json
from dataclasses import dataclass
from typing import Any

import fastjsonschema

from codegen.openapi.errors import SpecError, escape_token, join_pointer
from codegen.openapi.jsonschema import DRAFT_04, SchemaConverter, simple_type
from codegen.openapi.model import Api, Operation, RequestBody

CHECK_FUNCTION = "_check"
ROOT_FUNCTION = "validate"  # fastjsonschema's name for the check of the whole document
# What fastjsonschema's code may import; the template imports these names at the top.
ALLOWED_IMPORTS = frozenset({"re", "decimal", "fastjsonschema"})
# fastjsonschema only calls these for strings; the functions live in generated.validation.
_FORMAT_PLACEHOLDERS = {name: bool for name in ("date", "date-time", "email", "uuid")}

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
    body = op.request_body
    if body is not None:  # raw (non-JSON) media types: no check
        for media_type, slot in body_slots(body).items():
            if slot not in slots:
                pointer = body.schema_pointer_of(media_type)
                schema = converter.convert(body.json_schemas[media_type], pointer)
                if schema:  # `{}`: any JSON document
                    slots[slot] = schema
    if not slots:
        return RequestChecks("", {})
    return compile_checks(slots, converter.definitions(), op.pointer)


def body_slots(body: RequestBody) -> dict[str, str]:
    """The slot of the check of each media type the body takes as JSON (as written).

    One slot per distinct schema, in spec order: `body` (`_check_body`) for the first,
    `body 2`, `body 3`... (`_check_body_2`) for others, so JSON media types sharing a
    schema (`application/json`, `text/json`) share its check. A space cannot be in a
    parameter's python_name, so these never meet a parameter's slot.
    """
    slots: dict[str, str] = {}
    distinct: list[Any] = []
    for media_type, schema in body.json_schemas.items():
        if schema not in distinct:
            distinct.append(schema)
        index = distinct.index(schema)
        slots[media_type] = BODY_SLOT if index == 0 else f"{BODY_SLOT} {index + 1}"
    return slots


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
        key = f"x-request-{slot.replace(' ', '-')}"  # a space has no place in a $ref
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
    if slot == BODY_SLOT or slot.startswith(BODY_SLOT + " "):
        return f"{CHECK_FUNCTION}_{slot.replace(' ', '_')}"  # _check_body, _check_body_2
    return f"{CHECK_FUNCTION}_parameter_{slot}"


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
    # Module-level functions only: fastjsonschema defines a local `fn` inside the check of
    # every `uniqueItems`, so two of those in one module are no clash.
    for node in tree.body:
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
