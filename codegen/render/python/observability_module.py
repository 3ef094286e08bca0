"""`src/generated/observability.py`: the request log line and EMF metrics line, from the spec.

The names here are the contract between the functions and the template: the dashboard
(`render/cloudformation/dashboard.py`) and alarms (`render/cloudformation/alarms.py`) read
the metrics the functions write under these names, namespace and dimensions.
"""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path

from codegen.openapi.model import Api
from codegen.render.templating import header, render

GENERATED_MODULE = Path("src/generated/observability.py")
LOGGER_NAME = "generated.observability"
# The environment variable carrying the `Service` dimension's value (the stack's name).
SERVICE_VARIABLE = "SERVICE_NAME"
SERVICE_DIMENSION = "Service"
OPERATION_DIMENSION = "Operation"
OPERATION_DIMENSIONS = (SERVICE_DIMENSION, OPERATION_DIMENSION)
SERVICE_DIMENSIONS = (SERVICE_DIMENSION,)
REQUESTS, LATENCY, ERRORS_4XX, ERRORS_5XX = "Requests", "Latency", "Errors4xx", "Errors5xx"
REQUEST_METRICS = (
    (REQUESTS, "Count"),
    (LATENCY, "Milliseconds"),
    (ERRORS_4XX, "Count"),
    (ERRORS_5XX, "Count"),
)


def error_codes(api: Api) -> dict[int, str]:
    """Each declared 4xx/5xx status -> its reason phrase in PascalCase (404 -> NotFound)."""
    statuses = sorted(
        {
            int(response.status)
            for operation in api.operations
            for response in operation.responses
            if response.status.isdigit() and int(response.status) >= 400
        }
    )
    codes: dict[int, str] = {}
    for status in statuses:
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = f"Http {status}"
        codes[status] = "".join(word[:1].upper() + word[1:] for word in phrase.split())
    return codes


def render_observability(api: Api) -> dict[Path, str]:
    return {
        GENERATED_MODULE: render(
            "observability.py.j2",
            header=header(api.spec_path.name),
            namespace=api.observability.namespace,
            service_variable=SERVICE_VARIABLE,
            operation_dimensions=list(OPERATION_DIMENSIONS),
            service_dimensions=list(SERVICE_DIMENSIONS),
            request_metrics=REQUEST_METRICS,
            logger=LOGGER_NAME,
            operations=api.operations,
            error_codes=error_codes(api),
        )
    }
