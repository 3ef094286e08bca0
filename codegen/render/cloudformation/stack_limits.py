"""CloudFormation's limits for one stack, checked on the rendered template.

A spec with many operations renders a template that cannot deploy as one stack: each
operation has its function and rollback and operator alarms, and SAM expands each function
into several resources. `generate` says so in one line per limit rather than leaving the
discovery to `sam deploy`.

The limits (AWS CloudFormation User Guide, "CloudFormation quotas"): 500 resources in a
stack, and a template body of at most 1 MB when it is uploaded to S3, as `sam deploy` does.
"""

from __future__ import annotations

import re

MAX_RESOURCES = 500
MAX_TEMPLATE_BYTES = 1_000_000
# A resource of the rendered YAML (two-space indents): `  Name:` under `Resources:`.
_NAME = re.compile(r"^  [A-Za-z0-9]+:$")
_TYPE = re.compile(r"^    Type: (\S+)$")


def deployed_resource_count(template: str) -> int:
    """The resources the stack will have once SAM has translated `template` (the
    expansions counted are those of the resources this generator renders; checked against
    aws-sam-translator in tests/codegen/test_stack_limits.py)."""
    count = 0
    deployment_groups = False
    for kind, body in _resources(template):
        count += 1
        if kind == "AWS::Serverless::Api":
            count += 2  # its deployment and its stage
        elif kind == "AWS::Serverless::Function":
            count += 1  # its execution role
            if "\n      AutoPublishAlias:" in body:
                count += 2  # the version and the alias
            if "\n      DeploymentPreference:" in body:
                count += 1  # the CodeDeploy deployment group
                deployment_groups = True
            count += body.count("\n          Type: Api\n")  # a permission per API event
    if deployment_groups:
        count += 2  # the CodeDeploy application and its service role, shared
    return count


def _resources(template: str) -> list[tuple[str, str]]:
    """(type, text) of each resource under the top-level `Resources:`."""
    found: list[tuple[str, list[str]]] = []
    inside = False
    for line in template.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            inside = line == "Resources:"
            continue
        if not inside:
            continue
        if _NAME.match(line):
            found.append(("", []))
        elif found:
            kind = _TYPE.match(line)
            if kind and not found[-1][0]:
                found[-1] = (kind.group(1), found[-1][1])
            found[-1][1].append(line)
    return [(kind, "\n" + "\n".join(lines) + "\n") for kind, lines in found]


def limit_warnings(template: str) -> list[str]:
    """One line per CloudFormation limit the rendered `template` breaks."""
    warnings = []
    resources = deployed_resource_count(template)
    if resources > MAX_RESOURCES:
        warnings.append(
            f"codegen: warning: template.yaml makes {resources} resources once SAM expands its "
            f"functions; CloudFormation allows {MAX_RESOURCES} in a stack, so it cannot deploy "
            "as one stack (each operation adds its function, alarms, version, alias and "
            "deployment group): split the spec"
        )
    size = len(template.encode("utf-8"))
    if size > MAX_TEMPLATE_BYTES:
        warnings.append(
            f"codegen: warning: template.yaml is {size:,} bytes; CloudFormation takes a "
            f"template of at most {MAX_TEMPLATE_BYTES:,} bytes from S3, so it cannot deploy: "
            "split the spec"
        )
    return warnings
