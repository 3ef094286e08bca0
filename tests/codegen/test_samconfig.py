"""samconfig.toml: dev and prod, each overriding only parameters the template declares."""

from __future__ import annotations

import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest

from codegen.render.cloudformation.deployments import DEPLOYMENT_TYPE_PARAMETER
from tests.support import aws_checks

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    return tomllib.loads((ROOT / "samconfig.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def parameters() -> dict[str, Any]:
    sam = aws_checks.parse_sam((ROOT / "template.yaml").read_text(encoding="utf-8"))
    found: dict[str, Any] = sam["Parameters"]
    return found


def overrides(deploy: dict[str, Any]) -> dict[str, str]:
    return dict(item.split("=", 1) for item in shlex.split(deploy["parameter_overrides"]))


@pytest.mark.parametrize("environment", ["default", "dev", "prod"])
def test_each_environment_deploys_its_own_stack_with_known_parameters(
    environment: str, config: dict[str, Any], parameters: dict[str, Any]
) -> None:
    deploy = config[environment]["deploy"]["parameters"]
    assert deploy["stack_name"].startswith("users-api-")
    assert deploy["region"]
    assert "CAPABILITY_IAM" in deploy["capabilities"]
    for name, value in overrides(deploy).items():
        assert name in parameters, name
        allowed = parameters[name].get("AllowedValues")
        assert allowed is None or value in allowed, (name, value)


def test_prod_shifts_traffic_gradually_and_confirms_its_change_set(config: dict[str, Any]) -> None:
    dev = config["dev"]["deploy"]["parameters"]
    prod = config["prod"]["deploy"]["parameters"]
    assert dev["stack_name"] != prod["stack_name"]
    assert overrides(dev)[DEPLOYMENT_TYPE_PARAMETER] == "AllAtOnce"
    assert overrides(prod)[DEPLOYMENT_TYPE_PARAMETER].startswith(("Canary", "Linear"))
    assert prod["confirm_changeset"] is True
    assert config["default"]["deploy"]["parameters"] == dev
