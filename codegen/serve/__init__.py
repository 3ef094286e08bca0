"""Local API Gateway REST emulation: `python -m codegen serve`.

- `main(argv) -> int`: the command (see `codegen.serve.cli`).
- `create_app(root, *, validate_responses=True, dynamodb_endpoint=None)`: the WSGI app
  (`LocalApi`), e.g. for schemathesis in-process; call `close()` when done.

One module per gateway behaviour: `routing` (resources, trailing slash, %-encoding),
`events` (request -> proxy event), `context` (Lambda context), `handlers` (import),
`proxy` (proxy response -> HTTP, malformed -> 502), `definition` (what the deployed
DefinitionBody answers by itself: mocks, gateway responses with CORS, method security,
binary media types), `validation` (openapi-core response checks), `storage`
(moto / DynamoDB endpoint), `local_secrets` (random values for the spec's secrets),
`spec_documents`, `docs_hook`, `gateway` (the WSGI app), `app`.
"""

from codegen.serve.app import LocalApi, StartupError, create_app
from codegen.serve.cli import main

__all__ = ["LocalApi", "StartupError", "create_app", "main"]
