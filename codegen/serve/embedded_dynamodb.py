"""The embedded DynamoDB of `python -m codegen serve`: moto's, one request at a time, without
moto's HTTP emulation on the hot path.

moto answers an SDK call in three layers: a generic HTTP emulation (it rebuilds the request
as a werkzeug request, parses the body against botocore's service model, and serialises the
result by walking the output shape member by member), moto's `DynamoHandler` actions (the
DynamoDB rules: validation, expressions, conditions, error answers), and its models. This
module sits on botocore's `before-send` for DynamoDB, ahead of moto's own hook, and changes
four things for the local server:

- **One request at a time.** The server runs every request on its own thread, and moto's
  models are not thread-safe: 8 concurrent creates made `TransactWriteItems` fail with
  "dictionary changed size during iteration" (its backup copies a table another thread is
  writing), answered 500. DynamoDB applies each request atomically; a lock around each call
  does the same here.
- **The item operations skip the HTTP emulation.** A `GetItem` cost about 3.5 ms through it
  and 14 us in the models (bench/speed-profile.md). For the operations in `ITEM_ACTIONS`
  the JSON body is handed to moto's own `DynamoHandler` action as-is (the DynamoDB JSON
  protocol *is* the action's parameters), and a result that is plain JSON is answered as
  JSON; errors, binary attributes and every other operation take moto's full path, so the
  rules and the error answers stay moto's. `tests/serve/test_embedded_dynamodb.py` checks
  that both paths answer the same.
- **A transaction backs up only its own items.** moto backs a `TransactWriteItems` up by
  deep-copying every table it touches (moto/dynamodb/models, `transact_write_items`): a
  cost that grows with the table, about a tenth of a second per create once the users
  table holds a few thousand items. Here the touched items are copied and put back if the
  transaction is cancelled, which is all moto's copy is for.
- **An expression is parsed once.** moto parses every condition and filter expression on
  every call; on the short path a parse is kept per (expression, names, values)
  (`_expressions_parsed_once`).

Requests to any other endpoint (DynamoDB Local via `--dynamodb-endpoint`) pass untouched,
and so does every request while no embedded server runs in the process. Faults injected on
`before-send` (`codegen/serve/faults.py`, `--chaos`, the tests) are registered first and
still replace whole attempts before this runs.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import os
import re
import threading
from collections.abc import Iterator
from typing import Any

from botocore.awsrequest import AWSPreparedRequest, AWSResponse, HTTPHeaders
from botocore.handlers import BUILTIN_HANDLERS

from codegen.serve.faults import ResponseBody

# DynamoDB's JSON-protocol operations on items, answered by moto's actions directly.
ITEM_ACTIONS = frozenset(
    {
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "BatchWriteItem",
        "TransactGetItems",
        "TransactWriteItems",
    }
)
EVENT = "before-send.dynamodb"
# The endpoints moto answers for DynamoDB (botocore's default for each region).
_AWS_HOST = re.compile(r"^https://dynamodb\.([a-z0-9-]+)\.amazonaws\.com(?:/|$)")
# What the request is pointed at once answered: botocore calls every `before-send` handler
# and takes the first answer, so moto's own hook runs after this one; at this address it
# finds nothing to answer (as codegen/serve/faults.py does for an injected fault).
_ANSWERED = "https://embedded-dynamodb.invalid/"
_SNAKE = re.compile(r"(?<!^)(?=[A-Z])")
# DynamoDB's binary attribute types: moto's parser decodes their base64, the raw JSON does
# not; requests carrying them take moto's full path.
_BINARY = re.compile(rb'"(?:B|BS)"\s*:')

Answer = tuple[int, dict[str, Any], Any]  # status, headers, body (moto's TYPE_RESPONSE)


class EmbeddedDynamoDB:
    """The `before-send` hook; active while at least one embedded server runs."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._users = 0

    @property
    def active(self) -> bool:
        return self._users > 0

    def acquire(self) -> None:
        with self._lock:
            self._users += 1

    def release(self) -> None:
        with self._lock:
            self._users = max(0, self._users - 1)

    def __call__(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
        if not self.active:
            return None
        found = _AWS_HOST.match(request.url or "")
        if found is None:
            return None
        body = _bytes(request.body)
        if body is None:  # a streamed body: never DynamoDB's; moto's hook reads it itself
            return None
        action = _action(request)
        answer: Answer | None
        with self._lock:
            if action in ITEM_ACTIONS and not _BINARY.search(body):
                answer = _answer(action, json.loads(body or b"{}"), request, found.group(1))
            else:
                answer = _moto_full_path(request)
        if answer is None:
            return None
        status, headers, content = answer
        url = request.url
        request.url = _ANSWERED
        http_headers = HTTPHeaders()
        for name, value in headers.items():
            http_headers[name] = str(value)
        data = content.encode("utf-8") if isinstance(content, str) else content
        return AWSResponse(url, status, http_headers, ResponseBody(data))


HOOK = EmbeddedDynamoDB()


def start() -> None:
    """Route DynamoDB calls of every client created from now on through `HOOK` (ahead of
    moto's hook, which `moto` adds to the same list when imported)."""
    import moto.core.models  # noqa: F401 - moto's hook must be in the list first

    HOOK.acquire()
    ours = (EVENT, HOOK)
    if ours not in BUILTIN_HANDLERS:
        position = next(
            (i for i, handler in enumerate(BUILTIN_HANDLERS) if handler[0] == "before-send"),
            len(BUILTIN_HANDLERS),
        )
        BUILTIN_HANDLERS.insert(position, ours)


def unsigned(client: Any) -> None:
    """Skip SigV4 on `client` while an embedded server runs: moto checks no signature, and
    signing each request (hashing the body and the canonical request) was about 9 % of a
    GET's time (bench/speed-profile.md). Per client, for the handlers' own, which the server
    knows to point at moto: a client of DynamoDB Local in the same process keeps signing."""

    def choose_signer(**_: Any) -> Any:
        from botocore import UNSIGNED

        return UNSIGNED if HOOK.active else None

    client.meta.events.register(
        "choose-signer.dynamodb", choose_signer, unique_id="codegen-embedded-unsigned"
    )


def moto_config() -> Any:
    """`mock_aws(config=...)`: moto's defaults, plus `_ANSWERED` as a passthrough address,
    so that moto's hook lets an answered request go at once instead of trying every
    service's URL patterns on it (about 80 us a call)."""
    from moto.core.config import default_user_config

    core = dict(default_user_config.get("core", {}))
    core["passthrough"] = {"urls": [re.escape(_ANSWERED)], "services": []}
    return {"core": core}


def stop() -> None:
    """The server stopped: its clients' hooks (if any remain) pass every request on."""
    HOOK.release()


def _action(request: AWSPreparedRequest) -> str:
    return _text(request.headers.get("X-Amz-Target") or "").rsplit(".", 1)[-1]


def _text(value: str | bytes) -> str:
    """A header value (botocore keeps some as bytes)."""
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _bytes(body: Any) -> bytes | None:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    return None


def _moto_full_path(request: AWSPreparedRequest) -> Answer | None:
    from moto.core.models import botocore_stubber

    if not botocore_stubber.enabled:
        return None
    return botocore_stubber.process_request(request)


def _answer(
    action: str, params: dict[str, Any], request: AWSPreparedRequest, region: str
) -> Answer:
    handler = _handler_class()()
    handler.params = params
    handler.body = params
    handler.headers = {name: _text(value) for name, value in request.headers.items()}
    handler.querystring = {}
    handler.response_headers = {"server": "amazon.com"}
    handler.region = region
    handler.current_account = _account()
    handler.method = "POST"
    if action != "TransactWriteItems":
        return _call(handler, action)
    saved = _backup(handler.dynamodb_backend, params)
    try:
        with _tables_kept():
            answer = _call(handler, action)
    except BaseException:
        _restore(saved)
        raise
    if answer[0] >= 400:  # cancelled or refused: nothing it wrote may stay
        _restore(saved)
    return answer


def _call(handler: Any, action: str) -> Answer:
    """The action, answered as moto's `BaseResponse.call_action` answers it, minus what
    the local server never uses: IAM policy checks (off unless moto's
    INITIAL_NO_AUTH_ACTION_COUNT is set) and finding the method by listing the class's
    members on every call (`inspect.getmembers`, about 0.5 ms)."""
    from moto.core.exceptions import ServiceException
    from moto.core.responses import ActionResult
    from werkzeug.exceptions import HTTPException  # what moto's JSON errors derive from

    method = getattr(handler, _SNAKE.sub("_", action).lower())
    try:
        with _expressions_parsed_once():
            response = method()
    except ServiceException as error:
        answer: Answer = handler.serialized(ActionResult(error))
        return answer
    except HTTPException as error:
        headers = dict(handler.response_headers)
        headers.update(error.get_headers() or [])
        return int(error.code or 500), headers, error.description
    if isinstance(response, ActionResult):
        answer = handler.serialized(response)
        return answer
    if isinstance(response, str):
        return 200, dict(handler.response_headers), response
    answer = handler._transform_response(dict(handler.response_headers), response)
    return answer


def _account() -> str:
    from moto.core.models import DEFAULT_ACCOUNT_ID

    return os.environ.get("MOTO_ACCOUNT_ID") or DEFAULT_ACCOUNT_ID


_handler: type[Any] | None = None


def _handler_class() -> type[Any]:
    """moto's `DynamoHandler`, answering a plain-JSON result as JSON (moto's serialiser
    walks the output shape for the same text, member by member)."""
    global _handler
    if _handler is None:
        from moto.core.responses import ActionResult
        from moto.dynamodb.responses import DynamoHandler

        class FastDynamoHandler(DynamoHandler):
            def serialized(self, action_result: ActionResult) -> Any:
                result = action_result.result
                if isinstance(result, dict):
                    try:
                        body = json.dumps(result, allow_nan=False)
                    except (TypeError, ValueError):
                        pass  # bytes, datetimes...: moto's serialiser formats those
                    else:
                        headers = {"Content-Type": "application/x-amz-json-1.0"}
                        headers.update(self.response_headers)
                        return 200, headers, body
                return super().serialized(action_result)

        _handler = FastDynamoHandler
    return _handler


Saved = list[tuple[Any, Any, Any, Any]]  # (table, hash key, range key, item or None)


def _backup(backend: Any, params: dict[str, Any]) -> Saved:
    """For `TransactWriteItems`: a copy of each item it names (None when absent), instead
    of moto's copy of each whole table; `_restore` puts them back if it fails."""
    saved: Saved = []
    for entry in params.get("TransactItems") or []:
        if not isinstance(entry, dict) or len(entry) != 1:
            continue
        ((op_type, op),) = entry.items()
        table = backend.tables.get(op.get("TableName")) if isinstance(op, dict) else None
        if table is None:
            continue
        attrs = op.get("Item") if op_type == "Put" else op.get("Key")
        if not isinstance(attrs, dict):
            continue
        hash_value, range_value = _key_of(table, attrs)
        if hash_value is None:
            continue
        current = table.get_item(hash_value, range_value)
        saved.append((table, hash_value, range_value, copy.deepcopy(current)))
    return saved


def _restore(saved: Saved) -> None:
    for table, hash_value, range_value, item in reversed(saved):
        _put_back(table, hash_value, range_value, item)


@contextlib.contextmanager
def _tables_kept() -> Iterator[None]:
    """moto's transaction deep-copies each table it touches (for its rollback) through the
    `copy` module of moto.dynamodb.models; meanwhile a table is "copied" as itself, so
    its rollback puts the live table back, and `_restore` puts the items back. Safe
    because every call into moto holds `EmbeddedDynamoDB._lock`."""
    import moto.dynamodb.models as models

    namespace = vars(models)
    original = namespace["copy"]
    namespace["copy"] = _TablesKept
    try:
        yield
    finally:
        namespace["copy"] = original


# Where moto looks up its expression parser: the models call `get_filter_expression`
# (parse a condition or filter); the responses build a parser to validate the names and
# values a request declares against those its expressions use.
_PARSE_FUNCTIONS = (
    ("moto.dynamodb.models", "get_filter_expression"),
    ("moto.dynamodb.models.table", "get_filter_expression"),
    ("moto.dynamodb.responses", "create_condition_expression_parser"),
)
EXPRESSION_CACHE_SIZE = 256
ParseKey = tuple[str | None, tuple[tuple[str, str], ...] | None, str | None]


@contextlib.contextmanager
def _expressions_parsed_once() -> Iterator[None]:
    """moto parses a condition or filter expression on every call, twice in a transaction
    (its `ConditionExpressionParser`: a lexer and a parser in Python): a create's two
    conditional puts spent about a sixth of the local server's time there (py-spy,
    bench/speed-profile.md). The parse depends only on the expression, its names and its
    values, and moto evaluates the tree without changing it, so a tree (and the names and
    values it uses) is kept per (expression, names, values), bounded. While an action runs
    here, under `EmbeddedDynamoDB._lock`; moto's own path (the tests' reference) parses as
    before."""
    import importlib

    replacements = {
        "get_filter_expression": _parsed_expression,
        "create_condition_expression_parser": _parser,
    }
    patched = [(vars(importlib.import_module(module)), name) for module, name in _PARSE_FUNCTIONS]
    originals = [namespace[name] for namespace, name in patched]
    for namespace, name in patched:
        namespace[name] = replacements[name]
    try:
        yield
    finally:
        for (namespace, name), original in zip(patched, originals, strict=True):
            namespace[name] = original


class _ParsedOnce:
    """What moto's responses use of a `ConditionExpressionParser`: `parse()`, after which
    `expr_attr_names_found` and `expr_attr_values_found` list what the expression used.
    Fresh lists on every use: moto extends them with a projection's names."""

    def __init__(self, key: ParseKey) -> None:
        self._key = key
        self.expr_attr_names_found: list[str] = []
        self.expr_attr_values_found: list[str] = []

    def parse(self) -> Any:
        tree, names, values = _parse_cached(self._key)
        self.expr_attr_names_found[:] = names
        self.expr_attr_values_found[:] = values
        return tree


def _parser(expr: str | None, names: Any, values: Any) -> Any:
    try:
        # Names are strings to strings: a sorted tuple is their key; values are the
        # request's JSON (often none), their key a canonical dump.
        key: ParseKey = (
            expr,
            None if names is None else tuple(sorted(names.items())),
            None if values is None else json.dumps(values, sort_keys=True) if values else "",
        )
        hash(key)
    except (TypeError, AttributeError):  # not from a JSON body: moto's parser, uncached
        from moto.dynamodb.comparisons import create_condition_expression_parser

        return create_condition_expression_parser(expr, names, values)
    return _ParsedOnce(key)


def _parsed_expression(expr: str | None, names: Any, values: Any) -> Any:
    return _parser(expr, names, values).parse()


@functools.lru_cache(maxsize=EXPRESSION_CACHE_SIZE)
def _parse_cached(key: ParseKey) -> tuple[Any, tuple[str, ...], tuple[str, ...]]:
    """moto's parse of one expression; an invalid one raises on every use, as in moto."""
    from moto.dynamodb.comparisons import create_condition_expression_parser

    expr, names_key, values_key = key
    names = None if names_key is None else dict(names_key)
    values = None if values_key is None else json.loads(values_key) if values_key else {}
    parser = create_condition_expression_parser(expr, names, values)
    tree = parser.parse()
    return tree, tuple(parser.expr_attr_names_found), tuple(parser.expr_attr_values_found)


def _key_of(table: Any, attrs: dict[str, Any]) -> tuple[Any, Any]:
    from moto.dynamodb.models.dynamo_type import DynamoType

    hash_attr = attrs.get(table.hash_key_attr)
    if not isinstance(hash_attr, dict):
        return None, None
    range_value = None
    if table.range_key_attr is not None:
        range_attr = attrs.get(table.range_key_attr)
        if not isinstance(range_attr, dict):
            return None, None
        range_value = DynamoType(range_attr)
    return DynamoType(hash_attr), range_value


def _put_back(table: Any, hash_value: Any, range_value: Any, item: Any) -> None:
    """Restore one item in moto's own store (`Table.items`: hash -> item, or hash -> range
    -> item), where moto's put_item and delete_item write."""
    if range_value is None:
        if item is None:
            table.items.pop(hash_value, None)
        else:
            table.items[hash_value] = item
        return
    if item is None:
        table.items.get(hash_value, {}).pop(range_value, None)
    else:
        table.items[hash_value][range_value] = item


class _TablesKept:
    """The `copy` module as moto's DynamoDB models see it under `_tables_kept`: a table is
    "copied" as itself (`_backup` has copied its items), anything else as before."""

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        from moto.dynamodb.models.table import Table

        if isinstance(value, Table):
            return value
        return copy.deepcopy(value, memo)

    copy = staticmethod(copy.copy)
