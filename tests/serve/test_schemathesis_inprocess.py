"""Contract fuzzing in-process: schemathesis 4 over the server's WSGI app, every check on.

Embedded moto is started for this module only (fixture `local_api`); every stateful
scenario starts from empty tables (`setup()`), otherwise Hypothesis reports
FlakyStrategyDefinition. No check is switched off. Every request carries the checkout's
credentials (headers of schemathesis.toml), so the operations are really exercised, and
`ignored_auth` checks that they are refused without them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.schemas import BaseSchema

from codegen.serve import LocalApi, create_app
from tests.support.credentials import export_credentials

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi.yaml"
CONFIG = Path(__file__).with_name("schemathesis.toml")  # the one narrowing, with its reason
CREDENTIALS = export_credentials()  # the config's headers: an API key and an access token

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def local_api() -> Iterator[LocalApi]:
    app = create_app(ROOT)
    try:
        yield app
    finally:
        app.close()


@pytest.fixture(scope="module")
def api_schema(local_api: LocalApi) -> BaseSchema:
    loaded = schemathesis.openapi.from_path(SPEC, config=SchemathesisConfig.from_path(CONFIG))
    # Requests go to the WSGI app in-process, never over the network, through a recorder of
    # which operations answered what (see the last test).
    loaded.app = recording(local_api)
    return loaded


# (method, resource path pattern) -> statuses answered, over the whole module.
ANSWERS: dict[tuple[str, str], set[int]] = {}


def recording(app: Any) -> Any:
    def record(environ: Any, start_response: Any) -> Any:
        def start(status: str, headers: Any, *exc_info: Any) -> Any:
            path = re.sub(r"^/users/[^/]+$", "/users/{id}", environ.get("PATH_INFO", ""))
            ANSWERS.setdefault((environ["REQUEST_METHOD"], path), set()).add(int(status[:3]))
            return start_response(status, headers, *exc_info)

        return app(environ, start)

    return record


lazy_schema = schemathesis.pytest.from_fixture("api_schema")


def test_every_check_is_enabled_by_default() -> None:
    """`call_and_validate()` runs the checks enabled in the config: all of them by default."""
    load_all_checks()
    names = set(CHECKS.get_all_names())
    expected = {
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
        "negative_data_rejection",
        "positive_data_acceptance",
        "unsupported_method",
        "missing_required_header",
        "use_after_free",
        "ensure_resource_availability",
    }
    assert expected <= names
    config = SchemathesisConfig.from_path(CONFIG)
    checks = schemathesis.openapi.from_path(SPEC, config=config).config.checks
    assert all(checks.get_by_name(name=name).enabled for name in names)


@lazy_schema.parametrize()
# Health checks judge the data generator (speed, filtering, example size), which
# here is schemathesis's strategy built from the spec, not our code; the checks
# that judge our code are the assertions themselves.
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_operation_honours_the_spec(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate()


def test_stateful_workflows(api_schema: BaseSchema, local_api: LocalApi) -> None:
    class UsersWorkflow(api_schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            local_api.reset_storage()  # each scenario starts from empty tables

    UsersWorkflow.run(
        settings=settings(
            max_examples=60,
            stateful_step_count=8,
            deadline=None,
            # Health checks judge the data generator (speed, filtering, example size), which
            # here is schemathesis's strategy built from the spec, not our code; the checks
            # that judge our code are the assertions themselves.
            suppress_health_check=list(HealthCheck),
        )
    )


def test_the_credentials_reached_every_secured_operation() -> None:
    """Not a hollow pass: with the config's credentials each /users operation answered a
    2xx, and `ignored_auth`'s probes without them were refused (401, or 403 for the key)."""
    for method, path in [
        ("GET", "/users"),
        ("POST", "/users"),
        ("GET", "/users/{id}"),
        ("PATCH", "/users/{id}"),
        ("DELETE", "/users/{id}"),
    ]:
        statuses = ANSWERS.get((method, path), set())
        assert any(200 <= status < 300 for status in statuses), (method, path, statuses)
        # schemathesis removes the credentials it can model (the x-api-key scheme): 403.
        assert statuses & {401, 403}, (method, path, statuses)
