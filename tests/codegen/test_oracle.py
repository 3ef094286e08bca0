"""The generated validators agree with openapi-core (the oracle) on which requests are valid.

schemathesis generates requests from the spec, valid (positive) and invalid (negative),
for every operation; each becomes an API Gateway event for our `validate` and a
request for openapi-core, and the two verdicts must match.

Where we are deliberately stricter than the oracle, the case is not compared but must be
refused by us (ARCHITECTURE.md: parameters are coerced strictly):
- numbers and booleans in parameters: openapi-core casts with int()/float()/its truthy
  words, so it takes " 1", "1_0", "nan", "yes", "1" for a boolean; we take JSON's spelling;
- a non-array query parameter given twice: openapi-core uses one value, we refuse.
"""

from __future__ import annotations

import base64
import datetime
import json
import re
import uuid
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import email_validator
import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from jsonschema import FormatChecker
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest
from schemathesis import GenerationMode

from codegen.openapi.jsonschema import resolve_schema, simple_type
from codegen.openapi.model import Operation
from codegen.openapi.parser import parse_api
from tests.codegen.helpers import OUR_SPEC, SPECS, load_operations

MAX_EXAMPLES = 25
_STRICT = {
    "integer": re.compile(r"-?[0-9]+", re.ASCII),
    "number": re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?", re.ASCII),
    "boolean": re.compile(r"true|false"),
}


def oracle_uuid(value: str) -> bool:
    """The canonical 8-4-4-4-12 form, checked independently of our regex.

    jsonschema's check is `UUID(value)` plus four hyphen positions, and UUID() drops
    every hyphen, so it also takes e.g. a 37-character value with a trailing "-".
    """
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


_JSONSCHEMA_FORMATS = FormatChecker()
# jsonschema checks date-time only when rfc3339-validator is installed; without it the
# oracle would accept anything and the comparison would prove nothing.
assert "date-time" in _JSONSCHEMA_FORMATS.checkers, "pip install rfc3339-validator"


def oracle_date_time(value: str) -> bool:
    """rfc3339-validator (what jsonschema uses), minus its one quirk: its regex ends in
    `$`, which also matches before a trailing newline."""
    return not value.endswith("\n") and _JSONSCHEMA_FORMATS.conforms(value, "date-time")


_LDH = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?", re.ASCII)


def oracle_email(value: str) -> bool:
    """An independent email check for the oracle.

    The oracle's default (jsonschema's) only asks for an "@", so it would call
    "@example.com" valid. email-validator is a separate, well-known implementation of
    the RFC syntax; we ask it for syntax only (no DNS), ASCII, and a dotted domain, which
    is what our format promises (a bare "localhost"-style domain is refused on purpose).
    """
    # Our format checks RFC 5321 syntax, not IDNA: an ASCII label with "--" in its third and
    # fourth places (an "xn--" A-label, or another reserved LDH label, RFC 5890 2.3.1) is a
    # valid DNS label even when IDNA finds nothing valid in it ("0@A.A.XN--9ET52TU",
    # "0@A.TN--30RR7Y"), which email-validator refuses. Judge such labels by their syntax.
    local, at, domain = value.rpartition("@")
    labels = domain.split(".")
    value = (
        local + at + ".".join("a" if x[2:4] == "--" and _LDH.fullmatch(x) else x for x in labels)
    )
    try:
        email_validator.validate_email(
            value,
            check_deliverability=False,
            allow_smtputf8=False,
            globally_deliverable=False,
            test_environment=True,
        )
    except email_validator.EmailNotValidError:
        return False
    # email-validator accepts internationalised domains (IDNA, e.g. "0@éA.aE"); our format
    # promises plain ASCII addresses (RFC 5321 without SMTPUTF8), so the oracle asks for that.
    return value.isascii() and "." in value.rpartition("@")[2]


# openapi-core warns that it does not check oauth2 schemes; credentials are not what the
# oracle judges (see CREDENTIALS), so the warning says nothing here.
pytestmark = pytest.mark.filterwarnings("ignore:Unsupported scheme type")
CREDENTIALS = {"x-api-key": "oracle-key", "Authorization": "Bearer oracle-token"}


class Oracle:
    def __init__(self, spec_path: Path) -> None:
        raw = yaml.safe_load(spec_path.read_text())
        self.openapi = OpenAPI.from_dict(raw)
        self.openapi.config.extra_format_validators = {
            "email": oracle_email,
            "uuid": oracle_uuid,
            "date-time": oracle_date_time,
        }
        servers = raw.get("servers") or [{"url": "http://localhost"}]
        url = urlsplit(servers[0]["url"])
        # openapi-core matches host_url + path_pattern against the servers.
        self.host = f"{url.scheme}://{url.netloc}"
        self.prefix = url.path.rstrip("/")

    def valid(self, op: Operation, request: dict[str, Any]) -> bool:
        path = op.path
        for name, value in request["path"].items():
            path = path.replace("{" + name + "}", value)
        mock = MockRequest(
            self.host,
            op.method,
            self.prefix + path,
            path_pattern=self.prefix + op.path,
            args=request["query"],
            view_args=request["path"],
            # Credentials are API Gateway's to check (codegen.serve.auth), never the
            # validators': the oracle is given some so it judges the request alone.
            headers={**CREDENTIALS, **request["headers"]},
            data=request["body"],
            content_type=request["content_type"],
        )
        try:
            self.openapi.validate_request(mock)
        except Exception:
            return False
        return True


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return json.dumps(value)


def to_request(case: Any) -> dict[str, Any] | None:
    """A schemathesis case as plain strings and bytes, the same for both validators."""
    query = {
        str(k): [_text(x) for x in v] if isinstance(v, list) else [_text(v)]
        for k, v in (case.query or {}).items()
    }
    path = {
        str(k): ",".join(_text(x) for x in v) if isinstance(v, list) else _text(v)
        for k, v in (case.path_parameters or {}).items()
    }
    headers = {str(k): _text(v) for k, v in (case.headers or {}).items()}
    if any(not v.isprintable() or not v.isascii() for v in headers.values()):
        return None  # not sendable over HTTP: API Gateway would never deliver it
    body = case.body
    if isinstance(body, schemathesis.core.NotSet) or body is None:
        data = None
    elif isinstance(body, bytes):
        data = body
    else:
        try:
            data = json.dumps(body, allow_nan=False).encode()
        except (TypeError, ValueError):
            return None
    return {
        "path": path,
        "query": query,
        "headers": headers,
        "body": data,
        "content_type": case.media_type or "application/json",
    }


def to_event(request: dict[str, Any]) -> dict[str, Any]:
    headers = dict(request["headers"])
    body = request["body"]
    encoded = False
    if body is not None:
        headers["Content-Type"] = request["content_type"]
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:  # API Gateway hands over binary bodies in base64
            body, encoded = base64.b64encode(body).decode(), True
    return {
        "pathParameters": request["path"] or None,
        "multiValueQueryStringParameters": request["query"] or None,
        "queryStringParameters": {k: v[-1] for k, v in request["query"].items() if v} or None,
        "headers": headers or None,
        "multiValueHeaders": {k: [v] for k, v in headers.items()} or None,
        "body": body,
        "isBase64Encoded": encoded,
    }


def stricter_by_design(op: Operation, request: dict[str, Any], components: Any) -> bool:
    """Is this one of the documented cases where we refuse what openapi-core accepts?"""
    for param in op.parameters:
        key = param.name
        if param.location == "header":
            values = [v for k, v in request["headers"].items() if k.lower() == key.lower()]
        elif param.location == "query":
            values = request["query"].get(key, [])
        else:
            values = [request["path"][key]] if key in request["path"] else []
        kind = simple_type(param.schema, components)
        if kind == "array":
            item_kind = simple_type(
                resolve_schema(param.schema, components).get("items", {}), components
            )
            texts = [
                p
                for v in values
                for p in (v.split(",") if not param.explode or param.location != "query" else [v])
            ]
        else:
            item_kind, texts = kind, values
            if param.location == "query" and len(values) > 1:
                return True
        pattern = _STRICT.get(item_kind or "")
        if pattern and any(not pattern.fullmatch(text) for text in texts):
            return True
    return False


SPEC_CASES = [OUR_SPEC, SPECS / "catalog.yaml", SPECS / "petstore-expanded.yaml"]


@pytest.fixture(scope="module", params=SPEC_CASES, ids=lambda p: p.stem)
def subject(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    spec: Path = request.param
    api = parse_api(spec)
    names = [op.python_name for op in api.operations]
    if spec == OUR_SPEC:
        import importlib

        modules = {n: importlib.import_module(f"generated.operations.{n}") for n in names}
    else:
        from tests.codegen.helpers import copy_spec, generate

        copied = copy_spec(spec, tmp_path_factory.mktemp(spec.stem))
        generate(copied)
        modules = load_operations(copied.parent / "src", names)
    return (
        api,
        modules,
        Oracle(spec),
        schemathesis.openapi.from_dict(yaml.safe_load(spec.read_text())),
    )


def _compare(
    op: Operation,
    module: ModuleType,
    oracle: Oracle,
    strategy: Any,
    components: Any,
    compared: dict[str, int],
) -> None:
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,  # the same cases on every run: a failure is reproducible
        database=None,
        deadline=None,
        # Health checks judge the data generator (speed, filtering, example size), which
        # here is schemathesis's strategy built from the spec, not our code; the checks
        # that judge our code are the assertions themselves.
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case: Any) -> None:
        request = to_request(case)
        if request is None:
            return
        ours = module.validate(to_event(request))
        ours_valid = not isinstance(ours, dict)
        if stricter_by_design(op, request, components):
            assert not ours_valid, (op.operation_id, request)
            compared["stricter"] += 1
            return
        expected = oracle.valid(op, request)
        assert ours_valid == expected, (
            f"{op.operation_id}: ours={'valid' if ours_valid else ours['body']} "
            f"oracle={'valid' if expected else 'invalid'} request={request!r}"
        )
        compared["valid" if expected else "invalid"] += 1

    check()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_validators_agree_with_openapi_core(subject: Any, mode: GenerationMode) -> None:
    api, modules, oracle, schema = subject
    compared = {"valid": 0, "invalid": 0, "stricter": 0}
    for op in api.operations:
        strategy = schema[op.path][op.method].as_strategy(generation_mode=mode)
        try:
            _compare(
                op, modules[op.python_name], oracle, strategy, api.component_schemas(), compared
            )
        except Unsatisfiable:
            # Nothing to get wrong (no parameters, no body): no negative cases exist.
            assert mode == GenerationMode.NEGATIVE and not op.parameters and not op.request_body
    # The comparison must have compared something, of the kind the mode is about.
    if mode == GenerationMode.POSITIVE:
        assert compared["valid"] >= len(api.operations) * 5, compared
    else:
        assert compared["invalid"] >= len(api.operations) * 5, compared


# -- formats at their boundaries ----------------------------------------------------------
# schemathesis's valid values are clearly valid and its invalid ones are mostly of the
# wrong type, so format checks are compared again here on near-misses: valid values with
# one or two characters inserted, deleted or replaced.


def _mutate(value: str, edits: list[tuple[str, int, str]]) -> str:
    for action, position, char in edits:
        at = position % (len(value) + 1)
        if action == "insert":
            value = value[:at] + char + value[at:]
        elif action == "delete":
            value = value[:at] + value[at + 1 :]
        else:
            value = value[:at] + char + value[at + 1 :]
    return value


def near_misses(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    edits = st.lists(
        st.tuples(
            st.sampled_from(["insert", "delete", "replace"]),
            st.integers(0, 80),
            st.sampled_from(list(' @.-_:"é\nTtZz+0a{')),
        ),
        max_size=2,
    )
    return st.builds(_mutate, valid, edits)


def _rfc3339(moment: datetime.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


EMAILS = near_misses(st.emails())
UUIDS = near_misses(st.uuids().map(str))
DATES = near_misses(st.dates().map(datetime.date.isoformat))
DATE_TIMES = near_misses(
    st.datetimes(
        timezones=st.sampled_from([datetime.UTC, datetime.timezone(datetime.timedelta(hours=-5))])
    ).map(_rfc3339)
)
FORMAT_SETTINGS = settings(max_examples=150, derandomize=True, database=None, deadline=None)


@pytest.fixture(scope="module")
def our_api() -> Any:
    return parse_api(OUR_SPEC), Oracle(OUR_SPEC)


@pytest.fixture(scope="module")
def catalog(catalog_ops: dict[str, ModuleType]) -> Any:
    spec = SPECS / "catalog.yaml"
    return parse_api(spec), catalog_ops, Oracle(spec)


def _agree(module: ModuleType, oracle: Oracle, op: Operation, request: dict[str, Any]) -> None:
    ours = module.validate(to_event(request))
    assert (not isinstance(ours, dict)) == oracle.valid(op, request), (request, ours)


def _request(
    path: Mapping[str, str] | None = None,
    query: Mapping[str, list[str]] | None = None,
    body: Any = None,
) -> dict[str, Any]:
    return {
        "path": dict(path or {}),
        "query": dict(query or {}),
        "headers": {},
        "body": None if body is None else json.dumps(body).encode(),
        "content_type": "application/json",
    }


@FORMAT_SETTINGS
@given(email=EMAILS)
# Found by hypothesis: reserved LDH labels ("--" in the third and fourth places) that are
# not valid IDNA are still valid by syntax, for us and for the oracle.
@example(email="0@A.A.XN--9ET52TU")
@example(email="0000000000000@A0000.A.A.A.A.TN--30RR7Y")
def test_email_format_agrees(our_api: Any, email: str) -> None:
    from generated.operations import create_user

    api, oracle = our_api
    _agree(create_user, oracle, api.operations[2], _request(body={"name": "Ada", "email": email}))


@FORMAT_SETTINGS
@given(value=UUIDS)
def test_uuid_format_agrees(our_api: Any, value: str) -> None:
    from generated.operations import get_user

    api, oracle = our_api
    _agree(get_user, oracle, api.operations[3], _request(path={"id": value}))


@FORMAT_SETTINGS
@given(date=DATES, moment=DATE_TIMES, email=EMAILS)
def test_catalog_formats_agree(catalog: Any, date: str, moment: str, email: str) -> None:
    api, modules, oracle = catalog
    ops = {op.python_name: op for op in api.operations}
    name = "get_shops_shop_id_items"
    _agree(
        modules[name], oracle, ops[name], _request(path={"shopId": "abc"}, query={"since": [date]})
    )
    item = {
        "name": "Cup",
        "price": {"amount": 5, "currency": "EUR"},
        "tags": [],
        "available_from": moment,
        "contact": email,
    }
    _agree(
        modules["create_item"],
        oracle,
        ops["create_item"],
        _request(path={"shopId": "abc"}, body=item),
    )
