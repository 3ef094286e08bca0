"""The CORS headers of the API: one definition for every place that emits them.

The handlers' responses (`generated.runtime.CORS_HEADERS`), API Gateway's own answers
(gateway responses, preflight and 404/405 mocks in the DefinitionBody) and therefore the
local server (which reads the DefinitionBody) must agree, or a browser sees different
rules depending on who answered.
"""

from __future__ import annotations

from codegen.model import Api

# Headers browsers must be allowed to send whatever the spec declares: the JSON body's
# Content-Type, and the credentials of the authentication that comes next (API keys with
# usage plans send X-Api-Key; Cognito and IAM send Authorization / X-Amz-*).
_ALWAYS_ALLOWED = (
    "Authorization",
    "Content-Type",
    "X-Amz-Date",
    "X-Amz-Security-Token",
    "X-Api-Key",
)


def allow_headers(api: Api) -> str:
    """`Access-Control-Allow-Headers`: the fixed set plus every declared header parameter."""
    names = {name.lower(): name for name in _ALWAYS_ALLOWED}
    for operation in api.operations:
        for parameter in operation.parameters:
            if parameter.location == "header":
                names.setdefault(parameter.name.lower(), parameter.name)
    return ",".join(names[key] for key in sorted(names))


def cors_headers(api: Api) -> dict[str, str]:
    """The headers every response carries (the preflight adds Allow-Methods per path)."""
    return {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Headers": allow_headers(api),
    }
