"""What the generator and the tools agree on about the deployed API Gateway and Lambda.

The `x-amazon-apigateway-*` extensions the rendered definition carries (and
`python -m codegen serve` reads back), the stage, the functions' logical ids and limits.
`render/` writes them into template.yaml; `serve/` and `publish/` read them from here
rather than from a renderer.
"""

from __future__ import annotations

from codegen.openapi.model import Operation
from codegen.openapi.naming import pascal_case, python_name

EXTENSION_PREFIX = "x-amazon-apigateway-"
ANY_METHOD = f"{EXTENSION_PREFIX}any-method"
INTEGRATION = f"{EXTENSION_PREFIX}integration"
GATEWAY_RESPONSES = f"{EXTENSION_PREFIX}gateway-responses"
BINARY_MEDIA_TYPES = f"{EXTENSION_PREFIX}binary-media-types"
API_KEY_SOURCE = f"{EXTENSION_PREFIX}api-key-source"
AUTHTYPE = f"{EXTENSION_PREFIX}authtype"
AUTHORIZER = f"{EXTENSION_PREFIX}authorizer"
REQUEST_VALIDATORS = f"{EXTENSION_PREFIX}request-validators"
REQUEST_VALIDATOR = f"{EXTENSION_PREFIX}request-validator"

STAGE_NAME = "v1"
TIMEOUT_SECONDS = 10
MEMORY_MB = 256


def function_logical_id(operation: Operation | str) -> str:
    """The logical id of an operation's function in template.yaml, e.g. `GetUserFunction`.

    From the model's `Operation`, or from an operationId alone (what a route of the local
    server knows): both go through the parser's naming, so they agree.
    """
    if isinstance(operation, str):
        return f"{pascal_case(python_name(operation))}Function"
    return f"{operation.class_name}Function"
