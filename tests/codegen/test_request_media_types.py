"""Every media type a request body declares is accepted: JSON ones (`application/json`,
`text/json`, RFC 6839 `+json`, ranges such as `application/*+json`) are parsed and checked
against their own schema, others are handed to the handler as bytes; an undeclared one is a
415 listing the declared ones (fuzzing public specs found 415s for declared types)."""

from __future__ import annotations

import base64
import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen.openapi.parser import parse_api
from codegen.render.cloudformation.apigw import definition_body
from tests.codegen.helpers import REPO, errors_of, event, generate, load_operations

THING = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string", "minLength": 1}},
    "additionalProperties": False,
}
# A merge patch: every property optional, `null` deletes one (RFC 7396).
PATCH = {
    "type": "object",
    "properties": {"name": {"type": "string", "nullable": True, "minLength": 1}},
    "additionalProperties": False,
}


def _operation(operation_id: str, content: dict[str, Any], required: bool) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "x-handler": f"things.{operation_id}.handler",
        "requestBody": {"required": required, "content": content},
        "responses": {"204": {"description": "done"}},
    }


SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Media types", "version": "1.0.0"},
    "paths": {
        # authentiq.io, callcontrol.com: JSON beside other encodings of one schema.
        "/things": {
            "post": _operation(
                "createThing",
                {
                    "application/json": {"schema": THING},
                    "text/json": {"schema": THING},
                    "application/*+json": {"schema": THING},
                    "multipart/form-data": {"schema": THING},
                    "text/plain": {"schema": {"type": "string"}},
                },
                required=True,
            ),
            # Two JSON media types with different schemas beside text, optional.
            "patch": _operation(
                "updateThing",
                {
                    "application/json": {"schema": THING},
                    "application/merge-patch+json": {"schema": PATCH},
                    "text/plain": {"schema": {"type": "string"}},
                },
                required=False,
            ),
        },
        # blazemeter.com: one object schema under JSON, text/plain and text/csv.
        "/register": {
            "post": _operation(
                "register",
                {
                    "application/json": {"schema": THING},
                    "text/plain": {"schema": THING},
                    "text/csv": {"schema": THING},
                },
                required=True,
            ),
        },
        # JSON under text/json only: no application/json for API Gateway to model.
        "/legacy": {"put": _operation("putLegacy", {"text/json": {"schema": THING}}, True)},
        # Any JSON document (no schema to check) or text, optional.
        "/notes": {
            "post": _operation(
                "postNote", {"application/json": {}, "text/plain": {}}, required=False
            )
        },
        # Anything, with an object schema: JSON is checked, the rest is bytes.
        "/any": {"post": _operation("postAny", {"*/*": {"schema": THING}}, required=True)},
    },
}
NAMES = ["create_thing", "update_thing", "register", "put_legacy", "post_any", "post_note"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("media_types")
    (root / "openapi.yaml").write_text(yaml.safe_dump(SPEC), encoding="utf-8")
    generate(root / "openapi.yaml")
    return root


@pytest.fixture(scope="module")
def ops(project: Path) -> dict[str, Any]:
    return load_operations(project / "src", NAMES)


def send(content_type: str | None, body: str, **kwargs: Any) -> dict[str, Any]:
    return event(
        body=body, headers={"Content-Type": content_type} if content_type else {}, **kwargs
    )


def message(response: Any) -> str:
    assert isinstance(response, dict), response
    assert response["statusCode"] == 415, response
    text: str = json.loads(response["body"])["message"]
    return text


@pytest.mark.parametrize(
    "content_type",
    [
        "text/json",
        "Text/JSON; charset=utf-8",
        "application/merge-patch+json",  # falls under application/*+json
        "application/vnd.thing+json; v=2",
    ],
)
def test_json_under_every_declared_json_type_is_parsed_and_checked(
    ops: dict[str, Any], content_type: str
) -> None:
    create = ops["create_thing"].validate
    request = create(send(content_type, '{"name": "Ada"}'))
    assert not isinstance(request, dict), request
    assert request.body == {"name": "Ada"}
    assert errors_of(create(send(content_type, '{"name": ""}')))[0]["location"] == "body.name"
    assert errors_of(create(send(content_type, "{not json")))[0]["detail"] == "must be valid JSON"
    latin = create(send(content_type.split(";")[0] + "; charset=latin-1", '{"name": "Ada"}'))
    assert message(latin) == "Content-Type charset must be utf-8"


def test_json_sent_base64_encoded_is_decoded(ops: dict[str, Any]) -> None:
    encoded = base64.b64encode(b'{"name": "Ada"}').decode()
    request = ops["create_thing"].validate(send("text/json", encoded, base64=True))
    assert not isinstance(request, dict) and request.body == {"name": "Ada"}


@pytest.mark.parametrize(
    ("content_type", "sent", "received"),
    [
        ("multipart/form-data; boundary=x", "--x\r\n\r\nAda\r\n--x--", b"--x\r\n\r\nAda\r\n--x--"),
        ("text/plain", "name=Ada", b"name=Ada"),
    ],
)
def test_a_declared_type_that_is_not_json_is_handed_over_as_bytes(
    ops: dict[str, Any], content_type: str, sent: str, received: bytes
) -> None:
    request = ops["create_thing"].validate(send(content_type, sent))
    assert not isinstance(request, dict), request
    assert request.body == received


def test_bytes_may_come_base64_encoded(ops: dict[str, Any]) -> None:
    png = b"\x89PNG\r\n\x1a\n"
    sent = send("multipart/form-data", base64.b64encode(png).decode(), base64=True)
    request = ops["create_thing"].validate(sent)
    assert not isinstance(request, dict) and request.body == png


@pytest.mark.parametrize("content_type", ["application/xml", "image/png", None])
def test_an_undeclared_type_is_415_listing_the_declared_ones(
    ops: dict[str, Any], content_type: str | None
) -> None:
    refused = ops["create_thing"].validate(send(content_type, '{"name": "Ada"}'))
    assert message(refused) == (
        "Content-Type must be one of: application/*+json, application/json, "
        "multipart/form-data, text/json, text/plain"
    )


def test_each_json_type_is_checked_against_its_own_schema(ops: dict[str, Any]) -> None:
    update = ops["update_thing"].validate
    patch = update(send("application/merge-patch+json", '{"name": null}'))
    assert not isinstance(patch, dict), patch
    assert patch.body == {"name": None}
    # The same document under application/json breaks THING: name is a non-null string.
    assert errors_of(update(send("application/json", '{"name": null}')))
    assert errors_of(update(send("application/merge-patch+json", '{"name": 1}')))
    assert errors_of(update(send("application/merge-patch+json", '{"age": 1}')))
    assert message(update(send("text/json", "{}"))) == (
        "Content-Type must be one of: application/json, application/merge-patch+json, text/plain"
    )
    text = update(send("text/plain", '{"name": 1}'))
    assert not isinstance(text, dict) and text.body == b'{"name": 1}'
    absent = update(event())
    assert not isinstance(absent, dict) and absent.body is None


def test_an_object_schema_under_text_plain_is_not_parsed(ops: dict[str, Any]) -> None:
    register = ops["register"].validate
    for content_type in ("text/plain", "text/csv; charset=utf-8"):
        request = register(send(content_type, '{"name": ""}'))  # not parsed, so not checked
        assert not isinstance(request, dict) and request.body == b'{"name": ""}', content_type
    assert errors_of(register(send("application/json", '{"name": ""}')))
    assert message(register(send("image/png", "{}"))) == (
        "Content-Type must be one of: application/json, text/csv, text/plain"
    )


def test_an_empty_body_is_the_empty_text_but_no_json_document(ops: dict[str, Any]) -> None:
    """API Gateway hands over an empty body as null: under a declared type that is not
    JSON, the Content-Type makes it the empty representation (blazemeter.com's required
    text/plain body, as schemathesis sends it); without one, or under JSON, it is absent."""
    register = ops["register"].validate
    for content_type in ("text/plain", "text/csv; charset=utf-8"):
        request = register(send(content_type, ""))
        assert not isinstance(request, dict) and request.body == b"", content_type
    assert errors_of(register(send(None, ""))) == [{"location": "body", "detail": "is required"}]
    assert errors_of(register(send("application/json", ""))) == [
        {"location": "body", "detail": "is required"}
    ]


def test_text_json_alone_is_json_and_application_json_is_not_declared(
    ops: dict[str, Any],
) -> None:
    put = ops["put_legacy"].validate
    assert not isinstance(put(send("text/json", '{"name": "Ada"}')), dict)
    assert errors_of(put(send("text/json", "{}")))[0]["location"] == "body.name"
    assert message(put(send("application/json", '{"name": "Ada"}'))) == (
        "Content-Type must be one of: text/json"
    )


def test_any_json_document_or_text(ops: dict[str, Any]) -> None:
    post = ops["post_note"].validate
    document = post(send("application/json", "[1, null]"))
    assert not isinstance(document, dict) and document.body == [1, None]
    text = post(send("text/plain", "[1"))
    assert not isinstance(text, dict) and text.body == b"[1"
    assert errors_of(post(send("application/json", "[1")))[0]["detail"] == "must be valid JSON"
    absent = post(event())
    assert not isinstance(absent, dict) and absent.body is None


def test_a_range_with_an_object_schema_checks_json_and_passes_the_rest(
    ops: dict[str, Any],
) -> None:
    post = ops["post_any"].validate
    assert errors_of(post(send("application/json", "{}")))[0]["location"] == "body.name"
    request = post(send("application/problem+json", '{"name": "Ada"}'))
    assert not isinstance(request, dict) and request.body == {"name": "Ada"}
    text = post(send("text/plain", "{}"))
    assert not isinstance(text, dict) and text.body == b"{}"


# A handler that reads the body as JSON without asking whether it is bytes, and one that asks.
HANDLERS = """\
from generated.operations.create_thing import CreateThingRequest


def careless(request: CreateThingRequest) -> object:
    return request.body["name"]


def careful(request: CreateThingRequest) -> object:
    if isinstance(request.body, bytes):
        return request.body.decode()
    return request.body["name"]
"""


def test_mypy_makes_a_handler_tell_json_from_bytes(project: Path) -> None:
    """The generated package is ruff and mypy --strict clean, and the body's type
    (`dict[str, Any] | bytes`) refuses a handler that takes JSON for granted."""
    operations = project / "src/generated/operations"
    assert "    body: dict[str, Any] | bytes\n" in (operations / "create_thing.py").read_text()
    assert (
        "    body: dict[str, Any] | bytes | None\n" in (operations / "update_thing.py").read_text()
    )
    assert "    body: dict[str, Any]\n" in (operations / "put_legacy.py").read_text()
    assert "    body: dict[str, Any] | bytes\n" in (operations / "post_any.py").read_text()
    # An untyped schema: mypy keeps `Any | bytes` a union, so bytes must still be ruled out.
    assert "    body: Any | bytes | None\n" in (operations / "post_note.py").read_text()
    src = project / "src"
    (src / "handlers_check.py").write_text(HANDLERS, encoding="utf-8")
    config = str(REPO / "pyproject.toml")
    ruff = [sys.executable, "-m", "ruff"]
    mypy = [sys.executable, "-m", "mypy", "--strict", "--explicit-package-bases"]
    results = [
        subprocess.run(
            command,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env={**os.environ, "MYPYPATH": str(src)},
        )
        for command, cwd in (
            ([*ruff, "check", "--config", config, "src/generated"], project),
            ([*ruff, "format", "--check", "--config", config, "src/generated"], project),
            ([*mypy, "generated", "handlers_check.py"], src),
        )
    ]
    for result in results[:2]:
        assert result.returncode == 0, result.stdout + result.stderr
    errors = [line for line in results[2].stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1 and errors[0].startswith("handlers_check.py:5:"), results[2].stdout


def test_json_spellings_with_different_schemas_are_no_spec_error(tmp_path: Path) -> None:
    """Each JSON media type is checked against its own schema; two spellings of one type
    are told apart no more than API Gateway does: the first one's schema applies. API
    Gateway models the `application/json` schema only (a text/json-only body: nothing)."""
    spec = copy.deepcopy(SPEC)
    spec["paths"]["/things"]["patch"]["requestBody"]["content"] = {
        "application/json": {"schema": THING},
        "application/json; charset=utf-8": {"schema": {"type": "array"}},
        "text/json": {"schema": PATCH},
    }
    (tmp_path / "openapi.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    generate(tmp_path / "openapi.yaml")
    update = load_operations(tmp_path / "src", ["update_thing"])["update_thing"].validate
    assert errors_of(update(send("application/json; charset=utf-8", '{"name": null}')))
    assert not isinstance(update(send("text/json", '{"name": null}')), dict)
    paths = definition_body(parse_api(tmp_path / "openapi.yaml"))["paths"]
    modelled = paths["/things"]["patch"]["requestBody"]["content"]
    assert list(modelled) == ["application/json"]
    assert modelled["application/json"]["schema"]["required"] == ["name"]  # THING's
    assert list(paths["/things"]["post"]["requestBody"]["content"]) == ["application/json"]
    assert "requestBody" not in paths["/legacy"]["put"]  # text/json only: nothing modelled
