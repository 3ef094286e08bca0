"""Lambda REQUEST authorizers, end to end: every scheme and combination API Gateway cannot
enforce natively (specs/authorizers.yaml) renders, passes the offline AWS checks, and is
served locally with filled-in verification functions, answering as deployed."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from codegen.openapi.parser import parse_api
from codegen.serve import LocalApi, create_app
from tests.codegen.helpers import SPECS, copy_spec, generate, run_codegen
from tests.support import aws_checks

SPEC = SPECS / "authorizers.yaml"
OPERATIONS = 8
# The verification functions a developer writes: accepted credentials -> granted scopes.
VERIFY = """
ACCEPTED = {"right-key", "right-token", ("ada", "right-password"), "tok-ab", "tok-a"}
SCOPES = {"tok-ab": {"a/read", "b/read", "things/read", "things/write"}, "tok-a": {"a/read",
          "things/read"}}
CALLS = []


def verify(credential, scopes):
    CALLS.append(scopes)
    if credential not in ACCEPTED or not set(scopes) <= SCOPES.get(credential, set()):
        return None
    return {"principalId": "team-a", "team": "a", "level": 3, "admin": False}
"""
HANDLERS = """
import json


def _echo(event, context):
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps(event["requestContext"].get("authorizer"))}


query_key = header_key = cookie_key = basic = bearer = _echo
both_oauth = key_or_token = two_scopes = _echo
"""
BASIC_RIGHT = "Basic YWRhOnJpZ2h0LXBhc3N3b3Jk"  # ada:right-password
BASIC_WRONG = "Basic YWRhOndyb25n"  # ada:wrong


def _forget_project_modules() -> None:
    for name in list(sys.modules):
        if name.split(".")[0] in ("generated", "authorizers", "things"):
            del sys.modules[name]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("authorizers")
    generate(copy_spec(SPEC, root))
    for stub in (root / "src/authorizers").glob("*.py"):
        if stub.name != "__init__.py":
            stub.write_text(VERIFY, encoding="utf-8")
    (root / "src/things/echo.py").write_text(HANDLERS, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def app(project: Path) -> Iterator[LocalApi]:
    saved = {n: m for n, m in sys.modules.items() if n.split(".")[0] == "generated"}
    _forget_project_modules()
    local = create_app(project)
    yield local
    local.close()
    sys.path.remove(str((project / "src").resolve()))
    _forget_project_modules()
    sys.modules.update(saved)


@pytest.fixture(scope="module")
def cfn(project: Path) -> dict[str, Any]:
    return aws_checks.translate((project / "template.yaml").read_text(encoding="utf-8"))


def call(app: LocalApi, path: str, **headers: str) -> tuple[int, Any, Any]:
    response = Client(app, use_cookies=False).get(path, headers=headers)
    return response.status_code, json.loads(response.get_data(as_text=True)), response.headers


def test_stubs_refuse_everything_until_filled_in(tmp_path: Path) -> None:
    generate(copy_spec(SPEC, tmp_path))
    stub = (tmp_path / "src/authorizers/basic_auth.py").read_text(encoding="utf-8")
    assert "def verify(credential: tuple[str, str], scopes: tuple[str, ...])" in stub
    namespace: dict[str, Any] = {}
    exec(compile(stub, "basic_auth.py", "exec"), namespace)
    assert namespace["verify"](("ada", "right-password"), ()) is None
    (tmp_path / "src/authorizers/basic_auth.py").write_text("# mine\n", encoding="utf-8")
    generate(tmp_path / "openapi.yaml")  # never overwritten
    assert (tmp_path / "src/authorizers/basic_auth.py").read_text(encoding="utf-8") == "# mine\n"
    assert run_codegen("check", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize(
    ("path", "right", "wrong"),
    [
        ("/query-key?api-key=right-key", {}, None),
        ("/header-key", {"X-APISETU-APIKEY": "right-key"}, {"X-APISETU-APIKEY": "nope"}),
        ("/cookie-key", {"Cookie": "a=1; session=right-key"}, {"Cookie": "session=nope"}),
        ("/basic", {"Authorization": BASIC_RIGHT}, {"Authorization": BASIC_WRONG}),
        ("/bearer", {"Authorization": "Bearer right-token"}, {"Authorization": "Bearer x"}),
        ("/both-oauth", {"Authorization": "Bearer tok-ab"}, {"Authorization": "Bearer tok-a"}),
        ("/key-or-token", {"X-APISETU-APIKEY": "right-key"}, {"X-APISETU-APIKEY": "no"}),
        ("/key-or-token", {"Authorization": "bearer right-token"}, {"Authorization": "Bearer x"}),
        ("/two-scopes", {"Authorization": "Bearer tok-ab"}, {"Authorization": "Bearer tok-a"}),
    ],
)
def test_right_credentials_pass_wrong_get_403_missing_get_401(
    app: LocalApi, path: str, right: dict[str, str], wrong: dict[str, str] | None
) -> None:
    status, body, headers = call(app, path, **right)
    assert status == 200, body
    # requestContext.authorizer, as API Gateway passes a Lambda authorizer's context.
    assert body == {"team": "a", "level": "3", "admin": "false", "principalId": "team-a"}
    bare = path.split("?")[0]
    status, body, headers = call(app, bare)
    assert (status, body) == (401, {"message": "Unauthorized"})
    assert headers["Access-Control-Allow-Origin"] == "*"
    refused = wrong if wrong is not None else {}
    target = bare + "?api-key=nope" if wrong is None else bare
    status, body, headers = call(app, target, **refused)
    assert (status, body) == (403, {"message": "Forbidden"})
    assert headers["Access-Control-Allow-Origin"] == "*"


def test_answers_are_cached_by_identity_source(app: LocalApi) -> None:
    verification = sys.modules["authorizers.query_key"]
    calls: list[Any] = verification.CALLS
    before = len(calls)
    assert call(app, "/query-key?api-key=right-key")[0] == 200
    assert call(app, "/query-key?api-key=right-key")[0] == 200
    assert call(app, "/query-key?api-key=nope")[0] == 403
    assert len(calls) - before <= 1 + 1  # the first right key may be cached already
    assert call(app, "/query-key?api-key=nope")[0] == 403
    assert len(calls) - before <= 2  # the wrong key's Deny is cached too
    # Alternatives over different sources are never cached: every call verifies.
    header = sys.modules["authorizers.header_key"].CALLS
    before = len(header)
    for _ in range(2):
        assert call(app, "/key-or-token", **{"X-APISETU-APIKEY": "right-key"})[0] == 200
    assert len(header) - before == 2


def test_template_translates_and_lints_clean(
    project: Path, cfn: dict[str, Any], tmp_path: Path
) -> None:
    cfn_file = aws_checks.write_json(cfn, tmp_path / "template.cfn.json")
    errors = aws_checks.cfn_lint_errors(project / "template.yaml")
    errors += aws_checks.cfn_lint_errors(cfn_file)
    assert errors == []


def test_every_method_and_every_authorizer_has_its_permission(
    project: Path, cfn: dict[str, Any]
) -> None:
    body = aws_checks.definition_body(cfn)
    integrated = aws_checks.integration_routes(body)
    assert len(integrated) == OPERATIONS
    assert aws_checks.permission_routes(cfn) == integrated
    api = parse_api(project / "openapi.yaml")
    assert len(api.authorizers) == OPERATIONS  # key-or-token is one of its own
    assert set(aws_checks.authorizer_permissions(cfn)) == {a.logical_id for a in api.authorizers}
    schemes = body["components"]["securitySchemes"]
    for authorizer in api.authorizers:
        settings = schemes[authorizer.name]["x-amazon-apigateway-authorizer"]
        assert settings["type"] == "request"
        # API Gateway invokes the authorizer's alias `live`, which CodeDeploy shifts.
        (alias,) = re.findall(r'"Ref": "(\w+)"', json.dumps(settings["authorizerUri"]))
        assert aws_checks.alias_functions(cfn)[alias] == authorizer.logical_id
        # Its own role, with nothing but the basic execution policy (least privilege).
        assert aws_checks.function_statements(cfn, authorizer.logical_id) == []
    assert body["paths"]["/key-or-token"]["get"]["security"] == [
        {"header_key_or_opaque_bearer": []}
    ]


def test_generated_authorizers_and_their_stubs_pass_ruff_and_mypy_strict(tmp_path: Path) -> None:
    """The project's own spec has no Lambda authorizer, so its checks never see these."""
    import os
    import subprocess

    generate(copy_spec(SPEC, tmp_path))
    src = tmp_path / "src"
    config = str(Path(__file__).resolve().parents[2] / "pyproject.toml")
    # ruff from the project folder, where the config's `src/generated/*` ignores apply.
    targets = ["generated/authorizers", "authorizers"]
    ruff = [sys.executable, "-m", "ruff"]
    mypy = [sys.executable, "-m", "mypy", "--strict", "--explicit-package-bases"]
    commands = [
        ([*ruff, "check", "--config", config, *(f"src/{t}" for t in targets)], tmp_path),
        (
            [*ruff, "format", "--check", "--config", config, *(f"src/{t}" for t in targets)],
            tmp_path,
        ),
        ([*mypy, "--no-incremental", *targets], src),
    ]
    for command, cwd in commands:
        result = subprocess.run(
            command,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env={**os.environ, "MYPYPATH": str(src)},
        )
        assert result.returncode == 0, result.stdout + result.stderr
