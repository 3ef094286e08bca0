"""`serve --mock` / `--mock-stubs`: answers from the published spec's examples, with the
gateway's own behaviour (validation, authentication, CORS, 404/405/413/415) still in front."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from codegen.openapi.parser import parse_api
from codegen.openapi.published import published_document
from codegen.openapi.refs import follow_refs
from codegen.render.python.stubs import render_stubs
from codegen.serve import LocalApi, create_app
from codegen.serve.mock.prefer import preferences
from codegen.serve.mock.stubs import stub_operations
from tests.support.credentials import auth_headers, authenticated
from tests.support.ports import free_port
from tests.support.servers import serve_command

ROOT = Path(__file__).resolve().parents[2]
USER_ID = "3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b"
NEW_USER = {"name": "Grace Hopper", "email": "grace@example.com"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    api = parse_api(ROOT / "openapi.yaml")
    return published_document(api.document, api.spec_path)


def documented(document: dict[str, Any], path: str, method: str, status: str) -> Any:
    """The documented JSON media type object of one response (refs followed)."""
    response, _ = follow_refs(document, document["paths"][path][method]["responses"][status], "")
    return response


@pytest.fixture(scope="module")
def app() -> Iterator[LocalApi]:
    local = create_app(ROOT, mock="all")
    try:
        yield local
    finally:
        local.close()


@pytest.fixture
def client(app: LocalApi) -> Client:
    return Client(authenticated(app))


def test_every_operation_answers_its_first_success_example(
    client: Client, document: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    calls = [
        ("/hello", "get", "200", client.get("/hello")),
        ("/users", "get", "200", client.get("/users")),
        ("/users", "post", "201", client.post("/users", json=NEW_USER)),
        ("/users/{id}", "get", "200", client.get(f"/users/{USER_ID}")),
        ("/users/{id}", "patch", "200", client.patch(f"/users/{USER_ID}", json={"name": "G"})),
    ]
    with caplog.at_level(logging.ERROR, logger="codegen.serve.contract"):
        for path, method, status, answer in calls:
            expected = documented(document, path, method, status)
            assert answer.status_code == int(status), (path, method, answer.get_data())
            assert answer.get_json() == expected["content"]["application/json"]["example"]
            assert answer.headers["Access-Control-Allow-Origin"] == "*"
        deleted = client.delete(f"/users/{USER_ID}")
    assert (deleted.status_code, deleted.get_data()) == (204, b"")
    created = calls[2][3]
    location = documented(document, "/users", "post", "201")["headers"]["Location"]["example"]
    assert created.headers["Location"] == location
    # every answer passed the server's own response validation against the spec
    assert not [r for r in caplog.records if "CONTRACT VIOLATION" in r.getMessage()]


def test_nothing_is_stored(app: LocalApi, client: Client) -> None:
    client.post("/users", json=NEW_USER)
    table = app.storage.tables["TABLE_NAME"]
    import boto3

    assert boto3.resource("dynamodb").Table(table).scan()["Count"] == 0


def test_prefer_picks_a_documented_answer(client: Client, document: dict[str, Any]) -> None:
    missing = client.get(f"/users/{USER_ID}", headers={"Prefer": "code=404"})
    assert (missing.status_code, missing.get_json()) == (404, {"message": "User not found"})
    examples = documented(document, "/users", "post", "409")["content"]["application/json"]
    in_progress = client.post("/users", json=NEW_USER, headers={"Prefer": "example=in_progress"})
    assert in_progress.status_code == 409
    assert in_progress.get_json() == examples["examples"]["in_progress"]["value"]
    both = client.post(
        "/users", json=NEW_USER, headers={"Prefer": 'code=409, example="created_user_deleted"'}
    )
    assert both.get_json() == examples["examples"]["created_user_deleted"]["value"]
    busy = client.get("/users", headers={"Prefer": "code=503"})
    assert (busy.status_code, busy.headers["Retry-After"]) == (503, "1")


@pytest.mark.parametrize(
    ("prefer", "words"),
    [
        ("code=418", "getUser documents no such response (documented: 200, 400,"),
        ("code=abc", "getUser documents no such response"),
        ("example=nope", "Prefer: example=nope: no response of getUser has it"),
        ("code=404, example=nope", "404 response has no such example"),
    ],
)
def test_prefer_for_nothing_documented_is_a_400(client: Client, prefer: str, words: str) -> None:
    answer = client.get(f"/users/{USER_ID}", headers={"Prefer": prefer})
    assert answer.status_code == 400
    assert words in answer.get_json()["message"]
    assert answer.headers["Access-Control-Allow-Origin"] == "*"


def test_request_validation_still_applies(client: Client) -> None:
    invalid = client.post("/users", json={"name": "", "email": "nope"})
    assert invalid.status_code == 400
    assert {e["location"] for e in invalid.get_json()["errors"]} == {"body.name", "body.email"}
    # validation comes first: a Prefer does not turn an invalid request into a success
    bad_id = client.get("/users/not-a-uuid", headers={"Prefer": "code=200"})
    assert bad_id.status_code == 400
    text = client.post("/users", data="name=x", content_type="text/plain")
    assert text.status_code == 415


def test_authentication_still_applies(app: LocalApi) -> None:
    anonymous = Client(app)
    assert anonymous.get("/users").status_code == 401
    token_only = {"Authorization": auth_headers()["Authorization"]}
    assert anonymous.get("/users", headers=token_only).status_code == 403
    assert anonymous.get("/hello").status_code == 200  # public


def test_gateway_answers_still_apply(client: Client) -> None:
    assert client.put("/users").status_code == 405
    assert client.get("/nowhere").status_code == 404
    too_large = client.post(
        "/users", data=b"x" * (10 * 1024 * 1024 + 1), content_type="application/json"
    )
    assert too_large.status_code == 413


def test_a_browser_may_send_prefer(client: Client) -> None:
    preflight = client.options(
        "/users",
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "prefer,content-type",
        },
    )
    assert preflight.status_code == 204
    allowed = preflight.headers["Access-Control-Allow-Headers"].split(",")
    assert "Prefer" in allowed and "Idempotency-Key" in allowed


def test_prefer_header_parsing() -> None:
    assert preferences(["code=404"]) == {"code": "404"}
    assert preferences(['respond-async, example="a b"; wait=5', "code=200"]) == {
        "example": "a b",
        "code": "200",
    }
    assert preferences(["Code=201", "code=404"]) == {"code": "201"}  # the first one wins
    assert preferences(["dynamic=TRUE"]) == {"dynamic": "true"}
    assert preferences(["lenient, wait=5"]) == {}


# -- --mock-stubs -------------------------------------------------------------------------


def project_copy(tmp_path: Path) -> Path:
    for name in ("openapi.yaml", "template.yaml"):
        shutil.copyfile(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_stub_detection(tmp_path: Path) -> None:
    api = parse_api(ROOT / "openapi.yaml")
    assert stub_operations(api, ROOT) == []  # every handler is written
    root = project_copy(tmp_path)
    stub = render_stubs(api)[Path("src/users/get_user.py")]
    (root / "src/users/get_user.py").write_text(stub)
    assert [op.operation_id for op in stub_operations(api, root)] == ["getUser"]
    # a changed stub belongs to somebody: it serves for real
    (root / "src/users/get_user.py").write_text(stub.replace("501", "500"))
    assert stub_operations(api, root) == []


def test_mock_stubs_mocks_the_stub_and_serves_the_rest_for_real(tmp_path: Path) -> None:
    root = project_copy(tmp_path)
    api = parse_api(root / "openapi.yaml")
    (root / "src/users/get_user.py").write_text(render_stubs(api)[Path("src/users/get_user.py")])
    app = create_app(root, mock="stubs")  # puts the copy's src/ first on sys.path
    try:
        assert any("stub handlers only (getUser)" in line for line in app.mock_banner)
        # the copy has credentials of its own (.local/ under its root)
        client = Client(authenticated(app, auth_headers(spec=root / "openapi.yaml")))
        created = client.post("/users", json=NEW_USER)  # the real handler
        assert created.status_code == 201
        assert created.get_json()["id"] != USER_ID and created.get_json()["name"] == "Grace Hopper"
        fetched = client.get(f"/users/{created.get_json()['id']}")  # the mock
        assert (fetched.status_code, fetched.get_json()["id"]) == (200, USER_ID)
        listed = client.get("/users")  # real: the one user created
        assert [user["id"] for user in listed.get_json()["users"]] == [created.get_json()["id"]]
    finally:
        app.close()
        forget_modules_under(root)


def forget_modules_under(root: Path) -> None:
    """The copy's handler modules must not stand in for the checkout's in later tests."""
    sys.path[:] = [entry for entry in sys.path if not entry.startswith(str(root))]
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", None) or "").startswith(str(root)):
            del sys.modules[name]


@pytest.mark.slow
def test_an_invalid_example_stops_the_strict_mock_with_its_pointer(tmp_path: Path) -> None:
    root = project_copy(tmp_path)
    spec = root / "openapi.yaml"
    text = spec.read_text()
    broken = text.replace("example: {message: User not found}", "example: {message: 404}")
    assert broken != text
    spec.write_text(broken)
    result = subprocess.run(
        serve_command(free_port(), ["--spec", str(spec), "--mock", "--strict-examples"]),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "/components/responses/NotFound/content/application~1json/example" in lines[0]
    assert "example does not match its schema" in lines[0]
    assert "Traceback" not in result.stdout + result.stderr
