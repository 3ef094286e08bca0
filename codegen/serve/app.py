"""`create_app`: wire the spec, the generated route table, DynamoDB and the gateway.

    app = create_app(Path("."))          # a WSGI app; embedded moto until app.close()
    schema.app = app                     # e.g. schemathesis in-process
    app.reset_storage()                  # empty every table between scenarios
    app.close()

Everything comes from one source, the model the spec is parsed into
(`codegen.openapi.parser.parse_api`): the routes, the spec documents, and the template the
render layer builds from it (`codegen.render.cloudformation.sam.build_template`, the data
template.yaml is written from), whose tables the storage creates and whose DefinitionBody
says what API Gateway answers by itself. The generated Python modules are imported only
as the handlers (and the mock) use them.
The app's own modules are never imported by name: only what the generator rendered
(`codegen/serve/rendered.py`) and the handlers the routes name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from codegen.openapi.model import Api
from codegen.serve import local_secrets, rendered, terminal_log
from codegen.serve.auth.setup import AuthOptions, AuthSetupError, build_auth
from codegen.serve.chaos import Chaos
from codegen.serve.definition import GatewayDefinition
from codegen.serve.docs_hook import DocsPage, load_docs_site
from codegen.serve.handlers import HandlerResolver, add_to_sys_path
from codegen.serve.local_gateway import LocalGateway
from codegen.serve.proxy_events import LambdaEventConverter
from codegen.serve.response_checks import CompiledResponseValidator
from codegen.serve.routing import RouteLike, RouteMatcher
from codegen.serve.spec_documents import SpecDocuments
from codegen.serve.storage import Storage

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

DEFAULT_SPEC_FILE = "openapi.yaml"


@dataclass(frozen=True, slots=True)
class Route:
    """One operation as the gateway routes it (the fields of `generated.routes.Route`)."""

    method: str  # upper case
    path: str  # as in the spec, e.g. /users/{id}
    operation_id: str
    handler: str  # dotted, relative to src/, e.g. users.get_user.handler
    operation_module: str  # its validator, e.g. generated.operations.get_user


def routes_of(api: Api) -> tuple[Route, ...]:
    """The route table, from the model (what `generated/routes.py` is rendered from)."""
    return tuple(
        Route(
            method=op.method.upper(),
            path=op.path,
            operation_id=op.operation_id,
            handler=op.handler.dotted,
            operation_module=rendered.operation_module(op),
        )
        for op in api.operations
    )


class StartupError(Exception):
    """The server cannot start; the message says why in one line (no traceback).

    `exit_code` 2 for a problem in the spec itself (e.g. an invalid example for --mock).
    """

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class LocalApi:
    """The WSGI app of `python -m codegen serve`, owning its DynamoDB for its lifetime."""

    def __init__(
        self,
        gateway: LocalGateway,
        storage: Storage,
        spec_path: Path,
        provided_secrets: tuple[str, ...] = (),
        auth_banner: tuple[str, ...] = (),
        mock_banner: tuple[str, ...] = (),
        warnings: tuple[str, ...] = (),
    ) -> None:
        self.gateway = gateway
        self.storage = storage
        self.spec_path = spec_path
        # Environment variables of x-codegen.secrets that were unset and got a random value.
        self.provided_secrets = provided_secrets
        # How requests are authenticated, and the API keys, for the start banner.
        self.auth_banner = auth_banner
        # What `--mock` / `--mock-stubs` answer from examples, for the start banner.
        self.mock_banner = mock_banner
        # The spec's operations left out of the API (`Api.skipped`), one line each, for stderr.
        self.warnings = warnings

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return self.gateway(environ, start_response)

    @property
    def routes(self) -> tuple[RouteLike, ...]:
        return self.gateway.matcher.routes

    def reset_storage(self) -> None:
        self.storage.reset()

    def close(self) -> None:
        self.storage.stop()


def create_app(
    root: Path,
    *,
    validate_responses: bool = True,
    dynamodb_endpoint: str | None = None,
    auth: AuthOptions | None = None,
    mock: str | None = None,
    strict_examples: bool = False,
    mock_seed: int | None = None,
    spec_file: str = DEFAULT_SPEC_FILE,
    docs_page: DocsPage | None = None,
    chaos: Chaos | None = None,
) -> LocalApi:
    """The local API for the project at `root` (`spec_file`, src/).

    `dynamodb_endpoint=None` embeds moto; otherwise the tables are created on that endpoint.
    `mock="all"` answers every operation from the spec's examples, `mock="stubs"` only those
    whose handler is still the generated 501 stub (`codegen.serve.mock`); `strict_examples`
    refuses an example that breaks its schema instead of mocking from the schema; `mock_seed`
    seeds the bodies of `Prefer: dynamic=true` (None: a random seed, printed). `docs_page`
    (`codegen.publish.docs_page`) serves `/docs`; without it `/docs` is an unknown path.
    `chaos` injects DynamoDB faults at the endpoint the handlers use (`serve --chaos`).
    """
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    from codegen.openapi import aws_names as deployed
    from codegen.openapi.errors import SpecError
    from codegen.openapi.parser import parse_api
    from codegen.render.cloudformation.apigw import API_LOGICAL_ID
    from codegen.render.cloudformation.sam import build_template
    from codegen.serve.auth.jwks import JwksError
    from codegen.serve.auth.local_credentials import CredentialsError
    from codegen.serve.dynamodb_tables import TemplateError

    root = root.resolve()
    add_to_sys_path(rendered.code_root(root))
    # The handlers import the generated modules: without them, nothing would answer.
    if not rendered.routes_file(root).is_file():
        missing = rendered.routes_file(root)
        raise StartupError(f"{missing} is missing: run `python -m codegen` first")
    try:
        api = parse_api(root / spec_file)
    except SpecError as error:
        raise StartupError(f"{root / spec_file}: {error}") from error
    routes = routes_of(api)
    # The functions' metrics lines, human-readable (`serve/terminal_log.py`).
    terminal_log.install()
    # The handlers run in this process: give them the secrets the template would resolve.
    provided_secrets = local_secrets.provide(api.secrets)
    # The template as the render layer builds it from the model, the very data template.yaml
    # is written from: its tables for the storage, its DefinitionBody for what API Gateway
    # answers by itself (mocks, gateway responses, security, binary media types).
    template = build_template(api)
    body = template["Resources"][API_LOGICAL_ID]["Properties"]["DefinitionBody"]
    if mock is not None:  # a browser must be allowed to send `Prefer` to the mock
        from codegen.serve.mock import allow_prefer

        body = allow_prefer(body)
    definition = GatewayDefinition.from_body(body)
    if mock is not None:
        from codegen.serve.mock.stubs import stub_authorizers

        auth = dataclasses.replace(auth or AuthOptions(), presence_only=stub_authorizers(api, root))
    try:
        authentication = build_auth(root, api, definition, auth)
    except (AuthSetupError, CredentialsError, JwksError) as error:
        raise StartupError(str(error)) from error
    resolver = HandlerResolver()
    mock_banner: tuple[str, ...] = ()
    if mock is not None:
        from codegen.serve.mock import build_mock

        try:
            setup = build_mock(api, root, mock, strict=strict_examples, seed=mock_seed)
        except SpecError as error:
            raise StartupError(f"{root / spec_file}: {error}", exit_code=2) from error
        resolver, mock_banner = setup.resolver, setup.banner
    functions = {op.operation_id: deployed.function_logical_id(op) for op in api.operations}
    storage = Storage(template, dynamodb_endpoint, chaos)
    try:
        try:
            storage.start()
        except TemplateError as error:
            raise StartupError(f"{root / spec_file}: x-codegen.tables: {error}") from error
        except NoCredentialsError as error:
            hint = "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (any value for DynamoDB Local)"
            raise StartupError(f"DynamoDB ({storage.description}): {error}: {hint}") from error
        except (BotoCoreError, ClientError) as error:
            raise StartupError(f"DynamoDB ({storage.description}): {error}") from error
        except ValueError as error:  # botocore: "Invalid endpoint: ..."
            raise StartupError(f"DynamoDB ({storage.description}): {error}") from error
        gateway = LocalGateway(
            RouteMatcher(routes, extra_resources=definition.resources),
            resolver,
            definition,
            validator=CompiledResponseValidator(api) if validate_responses else None,
            spec_documents=SpecDocuments(api.document),
            docs=load_docs_site(docs_page),
            converter=LambdaEventConverter(
                stage=deployed.STAGE_NAME, binary_media_types=definition.binary_media_types
            ),
            function_name=lambda route: functions.get(route.operation_id, route.operation_id),
            timeout_ms=deployed.TIMEOUT_SECONDS * 1000,
            memory_mb=deployed.MEMORY_MB,
            gatekeeper=authentication.gatekeeper,
            local_documents=authentication.local_documents,
            local_endpoints=authentication.local_endpoints,
        )
    except BaseException:
        storage.stop()
        raise
    return LocalApi(
        gateway,
        storage,
        root / spec_file,
        provided_secrets,
        tuple(authentication.banner),
        mock_banner,
        tuple(skipped.warning for skipped in api.skipped),
    )
