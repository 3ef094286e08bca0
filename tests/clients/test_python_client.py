"""The whole flow through the generated Python client (openapi-python-client), as a client
team would write it, against the local server on loopback with the checkout's credentials.

Every answer must parse into its typed model: `User`, `UserList`, `Error`, `Hello`.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.support.credentials import auth_headers
from tests.support.servers import ServerProcess, codegen_server

pytestmark = pytest.mark.slow

PACKAGE = "users_api_client"


@pytest.fixture(scope="module")
def sdk(published: Path) -> Iterator[ModuleType]:
    """The generated package, imported from where publish wrote it."""
    sys.path.insert(0, str(published / "clients" / "python"))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(published / "clients" / "python"))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    with codegen_server() as running:
        yield running


def module(name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.{name}")


def authenticated_client(base_url: str) -> Any:
    """As docs/client-teams.md shows it: the token as Bearer, the API key as a header."""
    headers = auth_headers()
    token = headers["Authorization"].removeprefix("Bearer ")
    return module("client").AuthenticatedClient(
        base_url=base_url, token=token, headers={"x-api-key": headers["x-api-key"]}
    )


def test_whole_flow(sdk: ModuleType, server: ServerProcess) -> None:
    models = module("models")
    hello, list_users, create_user = (
        module(f"api.{n}") for n in ("hello.hello", "users.list_users", "users.create_user")
    )
    get_user, update_user, delete_user = (
        module(f"api.users.{n}") for n in ("get_user", "update_user", "delete_user")
    )
    public = module("client").Client(base_url=server.url)
    client = authenticated_client(server.url)

    greeting = hello.sync(client=public)
    assert isinstance(greeting, models.Hello) and greeting.path == "/hello"

    # create: 201, the typed User, and its Location
    run = uuid.uuid4().hex[:8]
    created = []
    for index in range(5):
        answer = create_user.sync_detailed(
            client=client,
            body=models.NewUser(name=f"User {index}", email=f"user{index}.{run}@example.com"),
            idempotency_key=f"{run}-{index}",
        )
        assert answer.status_code == 201, answer.content
        assert isinstance(answer.parsed, models.User)
        assert answer.headers["Location"] == f"/users/{answer.parsed.id}"
        created.append(answer.parsed)
    first = created[0]
    assert isinstance(first.id, uuid.UUID)
    assert isinstance(first.created_at, datetime) and first.created_at.tzinfo is not None

    # get
    fetched = get_user.sync(client=client, id=first.id)
    assert isinstance(fetched, models.User) and fetched == first

    # list, following next_token to the end, two users a page
    seen: list[uuid.UUID] = []
    pages = 0
    token: Any = module("types").UNSET
    while True:
        page = list_users.sync(client=client, limit=2, next_token=token)
        assert isinstance(page, models.UserList), page
        pages += 1
        assert page.count == len(page.users) <= 2
        seen += [user.id for user in page.users]
        if page.next_token is None:
            break
        token = page.next_token
    assert sorted(seen) == sorted(user.id for user in created)  # each exactly once
    assert pages >= 3

    # patch the name, then the email
    renamed = update_user.sync(client=client, id=first.id, body=models.UserPatch(name="Ada King"))
    assert isinstance(renamed, models.User) and renamed.name == "Ada King"
    assert renamed.email == first.email
    moved = update_user.sync(
        client=client, id=first.id, body=models.UserPatch(email=f"ada.{run}@example.com")
    )
    assert isinstance(moved, models.User) and moved.email == f"ada.{run}@example.com"
    assert moved.name == "Ada King"

    # delete, then get -> 404 parsed into Error
    deleted = delete_user.sync_detailed(client=client, id=first.id)
    assert deleted.status_code == 204 and deleted.parsed is None
    gone = get_user.sync_detailed(client=client, id=first.id)
    assert gone.status_code == 404
    assert isinstance(gone.parsed, models.Error) and gone.parsed.message == "User not found"

    # an invalid create -> 400, parsed into the typed Error with its details
    invalid = create_user.sync_detailed(
        client=client, body=models.NewUser(name="", email="not an email")
    )
    assert invalid.status_code == 400
    assert isinstance(invalid.parsed, models.Error)
    assert invalid.parsed.message.startswith("Invalid request")
    locations = {item.location for item in invalid.parsed.errors}
    assert {"body.name", "body.email"} <= locations

    # the same email again (other case) -> 409
    duplicate = create_user.sync_detailed(
        client=client,
        body=models.NewUser(name="Twin", email=created[1].email.upper()),
    )
    assert duplicate.status_code == 409
    assert isinstance(duplicate.parsed, models.Error)
    assert duplicate.parsed.message == "Email already in use"


def test_without_credentials_the_typed_error_is_401(sdk: ModuleType, server: ServerProcess) -> None:
    list_users = module("api.users.list_users")
    answer = list_users.sync_detailed(client=module("client").Client(base_url=server.url))
    assert answer.status_code == 401
    assert isinstance(answer.parsed, module("models").Error)
    assert answer.parsed.message == "Unauthorized"


def test_the_generated_package_passes_mypy_strict(published: Path, tmp_path: Path) -> None:
    """Typed for real: a client team's `mypy --strict` accepts the package as generated."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
            "-p",
            PACKAGE,
        ],
        cwd=published / "clients" / "python",
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout
