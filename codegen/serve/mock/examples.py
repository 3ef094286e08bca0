"""The documented answers of every operation, with their examples, from the published document.

An answer is a documented response (status key, media type, headers) and its examples: the
media type's `example`, its named `examples`, else its schema's own `example`, else a body
built from its schema (`codegen.serve.mock.sample`, Prism's static order). A response
without content is answered with an empty body. Every example and every built body is
checked against its schema at start:

- strict (`--strict-examples`, as `publish`): an invalid example is a `SpecError` naming its
  pointer;
- otherwise an example that breaks its own schema (common in public specs) is one warning
  line naming its pointer, and a body built from the schema answers in its place, so a
  client team still gets a valid mock of a spec it does not own.

A schema no built body satisfies is one warning line naming the schema; that response
cannot be mocked (an operation left with none is a `SpecError`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from codegen.openapi.errors import SpecError, join_pointer
from codegen.openapi.http import HTTP_METHODS
from codegen.openapi.published import SchemaChecker, check_examples, example_errors
from codegen.openapi.refs import follow_refs, follow_to_object
from codegen.serve.mock.sample import Sampler


@dataclass(frozen=True)
class Example:
    name: str | None  # None: the single `example`
    value: Any


@dataclass(frozen=True)
class Answer:
    status_key: str  # "201", "4XX", "default"
    media_type: str | None  # None: no content
    examples: tuple[Example, ...]
    headers: tuple[tuple[str, str], ...]
    schema_pointer: str | None = None  # the media type's schema, for dynamic bodies

    @property
    def servable(self) -> bool:
        return self.media_type is None or bool(self.examples)


@dataclass(frozen=True)
class Choice:
    status: int
    answer: Answer
    example: Example | None


def _status_order(key: str) -> tuple[int, str]:
    """2xx first, then by code; ranges (`4XX`) after their codes, `default` last."""
    digits = key[0] if key[:1].isdigit() else "9"
    rank = 0 if digits == "2" else 1
    return rank, key.replace("X", "~") if key != "default" else "~~~"


class OperationAnswers:
    def __init__(self, operation_id: str, answers: Mapping[str, Answer]) -> None:
        self.operation_id = operation_id
        self.answers = dict(sorted(answers.items(), key=lambda item: _status_order(item[0])))

    def choose(self, prefer: Mapping[str, str]) -> Choice | str:
        """The answer `prefer` asks for, or why there is none (one line, for a 400)."""
        code, name = prefer.get("code"), prefer.get("example")
        if code is not None:
            answer = self._by_code(code)
            if answer is None:
                documented = ", ".join(self.answers)
                return (
                    f"Prefer: code={code}: {self.operation_id} documents no such response "
                    f"(documented: {documented})"
                )
            status = int(code)
        else:
            answer = self.first_answer(name)
            if answer is None:
                return f"Prefer: example={name}: no response of {self.operation_id} has it"
            status = _status_of(answer.status_key)
        if not answer.servable:
            return (
                f"{self.operation_id} documents its {answer.status_key} response "
                "without an example to mock it with"
            )
        if name is None:
            return Choice(status, answer, answer.examples[0] if answer.examples else None)
        for example in answer.examples:
            if example.name == name:
                return Choice(status, answer, example)
        names = ", ".join(e.name for e in answer.examples if e.name) or "none"
        return (
            f"Prefer: example={name}: {self.operation_id}'s {answer.status_key} response "
            f"has no such example (named examples: {names})"
        )

    def _by_code(self, code: str) -> Answer | None:
        if len(code) != 3 or not code.isdigit():
            return None
        for key in (code, f"{code[0]}XX", "default"):
            if key in self.answers:
                return self.answers[key]
        return None

    def first_answer(self, name: str | None) -> Answer | None:
        if name is not None:
            for answer in self.answers.values():
                if any(example.name == name for example in answer.examples):
                    return answer
            return None
        servable = [answer for answer in self.answers.values() if answer.servable]
        return servable[0] if servable else None


def _status_of(key: str) -> int:
    if key.isdigit():
        return int(key)
    if key[:1].isdigit():  # a range, e.g. 2XX
        return int(key[0]) * 100
    return 200  # default


def operation_answers(
    document: Mapping[str, Any], *, strict: bool = True, warnings: list[str] | None = None
) -> dict[tuple[str, str], OperationAnswers]:
    """(METHOD, path) -> its answers; `SpecError` for nothing to serve, or (strict) for an
    invalid example. Not strict, each invalid example and each schema no built body
    satisfies is one line appended to `warnings`."""
    if strict:
        check_examples(document)
    bad = {} if strict else {e.pointer: str(e) for e in example_errors(document)}
    lines = warnings if warnings is not None else []
    lines.extend(
        f"{message}; a body built from the schema answers instead" for message in bad.values()
    )
    builder = _Builder(document, frozenset(bad), lines)
    found: dict[tuple[str, str], OperationAnswers] = {}
    for path, item in (document.get("paths") or {}).items():
        for method, operation in item.items():
            if method not in HTTP_METHODS or not isinstance(operation, Mapping):
                continue
            pointer = join_pointer("/paths", path, method)
            operation_id = str(operation.get("operationId") or f"{method.upper()} {path}")
            answers = {
                str(key): builder.answer(
                    str(key), response, join_pointer(pointer, "responses", key)
                )
                for key, response in (operation.get("responses") or {}).items()
            }
            result = OperationAnswers(operation_id, answers)
            if result.first_answer(None) is None:
                raise SpecError(
                    f"{operation_id}: no response with an example or a schema to mock it "
                    "with: add an `example` or a `schema` to its 2xx response",
                    join_pointer(pointer, "responses"),
                )
            found[(method.upper(), path)] = result
    return found


class _Builder:
    """Answers of one document: examples that match their schema, else built bodies."""

    def __init__(
        self, document: Mapping[str, Any], bad: frozenset[str], warnings: list[str]
    ) -> None:
        self._document = document
        self._bad = bad  # pointers of examples that break their schema
        self._warnings = warnings
        self._sampler = Sampler(document, "response", skip_examples=bad)
        self._checker = SchemaChecker(document)

    def answer(self, key: str, node: Any, pointer: str) -> Answer:
        response, pointer = follow_to_object(self._document, node, pointer)
        headers = tuple(
            (name, value)
            for name, header in (response.get("headers") or {}).items()
            if (value := self._header(header, join_pointer(pointer, "headers", name))) is not None
        )
        content = response.get("content") or {}
        if not content:
            return Answer(key, None, (), headers)
        media_type, media = next(iter(content.items()))
        where = join_pointer(pointer, "content", media_type)
        examples = self._examples(media, where)
        if not examples and isinstance(media, Mapping):
            built = self._built(media.get("schema"), join_pointer(where, "schema"))
            examples = () if built is None else (built,)
        has_schema = isinstance(media, Mapping) and "schema" in media
        schema_pointer = join_pointer(where, "schema") if has_schema else None
        return Answer(key, str(media_type), examples, headers, schema_pointer)

    def _examples(self, media: Any, where: str) -> tuple[Example, ...]:
        """The media type's examples that match its schema (each checked here: a named
        example may be a `$ref` that `check_examples` does not follow)."""
        if not isinstance(media, Mapping):
            return ()
        schema_pointer = join_pointer(where, "schema")
        has_schema = "schema" in media
        candidates: list[tuple[str, Example]] = []
        if "example" in media:
            candidates.append((join_pointer(where, "example"), Example(None, media["example"])))
        else:
            for name, node in (media.get("examples") or {}).items():
                example, at = follow_refs(
                    self._document, node, join_pointer(where, "examples", name)
                )
                if isinstance(example, Mapping) and "value" in example:
                    candidates.append(
                        (join_pointer(at, "value"), Example(str(name), example["value"]))
                    )
        if not candidates and has_schema:
            schema, at = follow_refs(self._document, media.get("schema"), schema_pointer)
            if isinstance(schema, Mapping) and "example" in schema:
                candidates.append((join_pointer(at, "example"), Example(None, schema["example"])))
        kept = []
        for example_pointer, example in candidates:
            if example_pointer in self._bad:
                continue  # already reported
            problem = self._checker.problem(example.value, schema_pointer) if has_schema else None
            if problem is not None and example_pointer not in self._bad:
                self._warnings.append(
                    f"{example_pointer}: example does not match its schema: {problem}; a body "
                    "built from the schema answers instead"
                )
                continue
            kept.append(example)
        return tuple(kept)

    def _built(self, schema: Any, schema_pointer: str) -> Example | None:
        if schema is None:
            return None
        try:
            value = self._sampler.sample(schema, schema_pointer)
        except SpecError as error:
            self._warnings.append(f"{error}; that response cannot be mocked")
            return None
        problem = self._checker.problem(value, schema_pointer)
        if problem is not None:
            self._warnings.append(
                f"{schema_pointer}: no body built from this schema matches it ({problem}); "
                "that response cannot be mocked: add an example"
            )
            return None
        return Example(None, value)

    def _header(self, node: Any, pointer: str) -> str | None:
        header, pointer = follow_to_object(self._document, node, pointer)
        examples = self._examples(header, pointer)
        if examples:
            value = examples[0].value
        else:
            built = self._built(header.get("schema"), join_pointer(pointer, "schema"))
            if built is None:
                return None
            value = built.value
        return value if isinstance(value, str) else json.dumps(value)
