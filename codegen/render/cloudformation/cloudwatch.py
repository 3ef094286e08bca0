"""The CloudWatch metrics of the deployed API, named once for the alarms and the dashboard.

- API Gateway (`AWS/ApiGateway`), per method: `ApiName`, `Resource`, `Method`, `Stage`.
  Per-method metrics exist only with detailed metrics on (the stage's MethodSettings
  `MetricsEnabled`, which render/cloudformation/sam.py sets for every method). `ApiName` is the REST
  API's name, which the template sets to the stack's name, so it is known in advance and
  two stacks never share it.
- Lambda (`AWS/Lambda`), per function: `FunctionName` (`Ref` of the function).
- DynamoDB (`AWS/DynamoDB`): `ThrottledRequests` and `SystemErrors` exist per `TableName`
  *and* `Operation` only (DynamoDB Developer Guide, "DynamoDB Metrics and dimensions"),
  so a table's alarm sums the operations the spec lets the functions call on it.
- The functions' own metrics (EMF, `generated.observability`): the spec's namespace,
  `Service` (the stack's name) and `Operation` (the operationId).
"""

from __future__ import annotations

from typing import Any

from codegen.openapi.aws_names import STAGE_NAME
from codegen.openapi.model import Api, Operation, Table

API_GATEWAY = "AWS/ApiGateway"
LAMBDA = "AWS/Lambda"
DYNAMODB = "AWS/DynamoDB"
# The REST API's `Name` in the template (and so its metrics' ApiName): the stack's name.
API_NAME: dict[str, Any] = {"Ref": "AWS::StackName"}
# IAM actions of x-codegen-dynamodb that are not DynamoDB operations of their own (a
# condition check is part of a TransactWriteItems call), so no metric carries them.
_NOT_OPERATIONS = frozenset({"ConditionCheckItem"})


def method_dimensions(operation: Operation, api_name: Any = None) -> list[dict[str, Any]]:
    return [
        {"Name": "ApiName", "Value": API_NAME if api_name is None else api_name},
        {"Name": "Resource", "Value": operation.path},
        {"Name": "Method", "Value": operation.method},
        {"Name": "Stage", "Value": STAGE_NAME},
    ]


def table_operations(api: Api, table: Table) -> list[str]:
    """The DynamoDB operations the functions may call on `table`, in spec order."""
    found: dict[str, None] = {}
    for operation in api.operations:
        for access in operation.table_access:
            if access.table == table.logical_id:
                found.update(dict.fromkeys(a for a in access.actions if a not in _NOT_OPERATIONS))
    return list(found)
