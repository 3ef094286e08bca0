"""The spec's secrets locally: a random CURSOR_SECRET when unset, so cursors sign and verify."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from werkzeug.test import Client

from codegen.openapi.model import Secret
from codegen.serve import LocalApi, create_app, local_secrets
from tests.support.credentials import auth_headers, authenticated
from tests.support.servers import codegen_server

AUTH = auth_headers()  # /users needs a token and an API key (issue 11)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_without_secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalApi]:
    monkeypatch.delenv("CURSOR_SECRET")  # restored (to the tests' value) afterwards
    local = create_app(ROOT)
    try:
        yield local
    finally:
        local.close()


def test_an_unset_secret_gets_a_random_value_and_cursors_work(
    app_without_secret: LocalApi,
) -> None:
    assert app_without_secret.provided_secrets == ("CURSOR_SECRET",)
    assert len(os.environ["CURSOR_SECRET"]) >= 40
    client = Client(authenticated(app_without_secret))
    for name in ("Ada", "Grace", "Edsger"):
        created = client.post("/users", json={"name": name, "email": f"{name}@example.com"})
        assert created.status_code == 201, created.get_data(as_text=True)
    first = client.get("/users?limit=1")
    assert first.status_code == 200, first.get_data(as_text=True)
    page = first.get_json()
    assert len(page["users"]) == 1 and page["next_token"]
    second = client.get("/users", query_string={"limit": "1", "next_token": page["next_token"]})
    assert second.status_code == 200, second.get_data(as_text=True)
    assert len(second.get_json()["users"]) == 1
    assert second.get_json()["users"] != page["users"]
    # A cursor with the payload kept and the signature changed is refused, not a 500.
    payload, signature = page["next_token"].split(".")
    forged_signature = ("A" if signature[0] != "A" else "B") + signature[1:]
    for forged in (f"{payload}.{forged_signature}", "eyJpZCI6ICJ4In0.AAAAAAAAAAAAAAAAAAAAAA"):
        refused = client.get("/users", query_string={"limit": "1", "next_token": forged})
        assert refused.status_code == 400, (forged, refused.get_data(as_text=True))


def test_a_value_already_set_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINE", "exported by the developer")
    monkeypatch.delenv("OTHER", raising=False)
    declared = [Secret("Mine", "MINE"), Secret("Other", "OTHER")]
    assert local_secrets.provide(declared) == ("OTHER",)
    assert os.environ["MINE"] == "exported by the developer"
    value = os.environ["OTHER"]
    assert local_secrets.provide(declared) == ()  # idempotent: no new value on a second call
    assert os.environ["OTHER"] == value


def test_the_start_up_line_names_the_variables_never_the_values() -> None:
    assert local_secrets.describe(()) is None
    line = local_secrets.describe(("CURSOR_SECRET", "PEPPER"))
    assert line is not None and "\n" not in line
    assert line.startswith("Secrets: random value for CURSOR_SECRET, PEPPER")


@pytest.mark.slow
def test_the_server_process_announces_the_generated_secret() -> None:
    # An empty value counts as unset (pagination refuses an empty key too).
    with codegen_server(env={"CURSOR_SECRET": ""}) as server:
        for name in ("Ada", "Grace"):
            created = requests.post(
                f"{server.url}/users",
                json={"name": name, "email": f"{name}@example.com"},
                headers=AUTH,
                timeout=10,
            )
            assert created.status_code == 201, created.text
        first = requests.get(f"{server.url}/users", params={"limit": 1}, headers=AUTH, timeout=10)
        assert first.status_code == 200, first.text
        token = first.json()["next_token"]
        second = requests.get(
            f"{server.url}/users",
            params={"limit": 1, "next_token": token},
            headers=AUTH,
            timeout=10,
        )
        assert second.status_code == 200, second.text
        output = server.process.output()
    (line,) = [line for line in output.splitlines() if line.startswith("Secrets:")]
    assert "CURSOR_SECRET" in line and "not printed" in line
