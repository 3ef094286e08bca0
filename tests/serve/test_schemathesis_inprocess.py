"""Contract fuzzing in-process: schemathesis 4 over the server's WSGI app, every check on.

Embedded moto is started for this module only (fixture `local_api`); every stateful
scenario starts from empty tables (`setup()`), otherwise Hypothesis reports
FlakyStrategyDefinition. No check is switched off.
"""

from __future__ import annotations

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

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi.yaml"
CONFIG = Path(__file__).with_name("schemathesis.toml")  # the one narrowing, with its reason

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
    loaded.app = local_api  # requests go to the WSGI app in-process, never over the network
    return loaded


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
