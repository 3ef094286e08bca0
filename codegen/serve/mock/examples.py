"""The documented answers of every operation, with their examples, from the published document.

An answer is a documented response (status key, media type, headers) and its examples: the
media type's `example`, its named `examples`, else its schema's own `example`. A response
without content is answered with an empty body. Every example is checked against its schema
first (`check_examples`, the same check `publish` makes); an invalid one is a `SpecError`
naming its pointer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from codegen.openapi.errors import SpecError, join_pointer
from codegen.openapi.http import HTTP_METHODS
from codegen.openapi.published import check_examples
from codegen.openapi.refs import follow_refs, follow_to_object


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


def operation_answers(document: Mapping[str, Any]) -> dict[tuple[str, str], OperationAnswers]:
    """(METHOD, path) -> its answers; `SpecError` for an invalid example or nothing to serve."""
    check_examples(document)
    found: dict[tuple[str, str], OperationAnswers] = {}
    for path, item in (document.get("paths") or {}).items():
        for method, operation in item.items():
            if method not in HTTP_METHODS or not isinstance(operation, Mapping):
                continue
            pointer = join_pointer("/paths", path, method)
            operation_id = str(operation.get("operationId") or f"{method.upper()} {path}")
            answers = {
                str(key): _answer(
                    document, str(key), response, join_pointer(pointer, "responses", key)
                )
                for key, response in (operation.get("responses") or {}).items()
            }
            result = OperationAnswers(operation_id, answers)
            if result.first_answer(None) is None:
                raise SpecError(
                    f"{operation_id}: no response with an example to mock it with: "
                    "add an `example` to its 2xx response",
                    join_pointer(pointer, "responses"),
                )
            found[(method.upper(), path)] = result
    return found


def _answer(document: Mapping[str, Any], key: str, node: Any, pointer: str) -> Answer:
    response, pointer = follow_to_object(document, node, pointer)
    headers = tuple(
        (name, value)
        for name, header in (response.get("headers") or {}).items()
        if (value := _header_example(document, header, join_pointer(pointer, "headers", name)))
        is not None
    )
    content = response.get("content") or {}
    if not content:
        return Answer(key, None, (), headers)
    media_type, media = next(iter(content.items()))
    return Answer(key, str(media_type), _examples(document, media), headers)


def _examples(document: Mapping[str, Any], media: Mapping[str, Any]) -> tuple[Example, ...]:
    if "example" in media:
        return (Example(None, media["example"]),)
    named = []
    for name, node in (media.get("examples") or {}).items():
        example, _ = follow_refs(document, node, "")
        if isinstance(example, Mapping) and "value" in example:
            named.append(Example(str(name), example["value"]))
    if named:
        return tuple(named)
    schema, _ = follow_refs(document, media.get("schema"), "")
    if isinstance(schema, Mapping) and "example" in schema:
        return (Example(None, schema["example"]),)
    return ()


def _header_example(document: Mapping[str, Any], node: Any, pointer: str) -> str | None:
    header, _ = follow_to_object(document, node, pointer)
    examples = _examples(document, header)
    if not examples:
        return None
    value = examples[0].value
    return value if isinstance(value, str) else json.dumps(value)
