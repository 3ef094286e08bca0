"""utils.dynamodb: the helpers' contracts, on moto."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from samtranslator.yaml_helper import yaml_parse

from tests.support.dynamo import TEMPLATE_PATH
from tests.support.dynamodb_faults import throttling_response
from utils import dynamodb as ddb

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import DynamoDBServiceResource, Table


@pytest.fixture
def table(dynamodb: DynamoDBServiceResource) -> Table:
    dynamodb.create_table(
        TableName="helpers",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return ddb.get_table("helpers")


def _count(table: Table) -> int:
    return len(table.scan(ConsistentRead=True)["Items"])


# --- get_table ------------------------------------------------------------------------


def test_get_table_defaults_to_users(dynamodb: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TABLE_NAME", raising=False)
    assert ddb.get_table().name == "users" == ddb.DEFAULT_TABLE_NAME


def test_get_table_reads_table_name(dynamodb: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TABLE_NAME", "from-env")
    assert ddb.get_table().name == "from-env"
    assert ddb.get_table("explicit").name == "explicit"


def test_get_table_is_built_once_per_name(dynamodb: object) -> None:
    first = ddb.get_table("a")
    assert ddb.get_table("a") is first
    assert ddb.get_table("b") is not first
    assert ddb.get_table("b").meta.client is first.meta.client  # one client for all tables


def test_client_fails_fast_with_standard_retries(dynamodb: object) -> None:
    config: Any = ddb.get_table().meta.client.meta.config  # the stubs omit its attributes
    assert config.connect_timeout == ddb.CONNECT_TIMEOUT_SECONDS <= 2
    assert config.read_timeout == ddb.READ_TIMEOUT_SECONDS <= 5
    assert config.retries == {"mode": "standard", "total_max_attempts": 3}


def test_endpoint_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000")
    ddb.clear_cache()
    try:
        assert ddb.get_table().meta.client.meta.endpoint_url == "http://127.0.0.1:8000"
    finally:
        ddb.clear_cache()


def test_a_new_endpoint_or_table_name_gets_its_own_table_without_clear_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # What the local server does between two servers in one process (tests): its embedded
    # DynamoDB comes back on another port, and nobody calls clear_cache.
    ddb.clear_cache()
    try:
        monkeypatch.setenv("TABLE_NAME", "users")
        monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8001")
        first = ddb.get_table()
        monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8002")
        second = ddb.get_table()
        assert second.meta.client.meta.endpoint_url == "http://127.0.0.1:8002"
        assert first.meta.client.meta.endpoint_url == "http://127.0.0.1:8001"
        monkeypatch.setenv("TABLE_NAME", "people")
        assert ddb.get_table().name == "people"
        assert ddb.get_table().meta.client is second.meta.client  # one client per endpoint
        monkeypatch.setenv("TABLE_NAME", "users")
        monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8001")
        assert ddb.get_table() is first  # still cached: back to the first endpoint
    finally:
        ddb.clear_cache()


# --- items ----------------------------------------------------------------------------


def test_put_item_returns_the_item_and_get_item_finds_it(table: Table) -> None:
    item = {"id": "a", "name": "Ada", "visits": 3}
    assert ddb.put_item(table, item) is item
    # Numbers come back as Decimal: the response helper turns them into JSON numbers.
    assert ddb.get_item(table, {"id": "a"}) == {"id": "a", "name": "Ada", "visits": Decimal(3)}


def test_put_item_replaces(table: Table) -> None:
    ddb.put_item(table, {"id": "a", "name": "old"})
    ddb.put_item(table, {"id": "a", "name": "new"})
    assert ddb.get_item(table, {"id": "a"}) == {"id": "a", "name": "new"}


def test_get_item_missing_is_none(table: Table) -> None:
    assert ddb.get_item(table, {"id": "nope"}) is None


def test_get_item_reads_consistently(table: Table) -> None:
    with Stubber(table.meta.client) as stubber:
        stubber.add_response(
            "get_item",
            {"Item": {"id": {"S": "a"}}},
            expected_params={"TableName": "helpers", "Key": {"id": "a"}, "ConsistentRead": True},
        )
        assert ddb.get_item(table, {"id": "a"}) == {"id": "a"}
        stubber.assert_no_pending_responses()


# --- scan_page ------------------------------------------------------------------------


def test_scan_page_walks_every_item_once(table: Table) -> None:
    for i in range(7):
        ddb.put_item(table, {"id": f"item-{i}"})
    seen: list[str] = []
    start = None
    pages = 0
    while True:
        page = ddb.scan_page(table, 3, start)
        assert len(page.items) <= 3
        seen += [item["id"] for item in page.items]
        pages += 1
        if page.last_key is None:
            break
        start = page.last_key
    assert sorted(seen) == [f"item-{i}" for i in range(7)]
    assert pages >= 3


def test_scan_page_of_an_empty_table(table: Table) -> None:
    assert ddb.scan_page(table, 10) == ddb.ScanPage(items=[], last_key=None)


# --- update_existing_item -------------------------------------------------------------


def test_update_sets_only_the_given_attributes(table: Table) -> None:
    ddb.put_item(table, {"id": "a", "name": "Ada", "email": "ada@example.com"})
    # `name` is a DynamoDB reserved word: this fails unless names go through placeholders.
    updated = ddb.update_existing_item(table, {"id": "a"}, {"name": "Ada L."})
    assert updated == {"id": "a", "name": "Ada L.", "email": "ada@example.com"}
    assert ddb.get_item(table, {"id": "a"}) == updated


def test_update_of_a_missing_item_is_none_and_creates_nothing(table: Table) -> None:
    assert ddb.update_existing_item(table, {"id": "ghost"}, {"name": "x"}) is None
    assert ddb.get_item(table, {"id": "ghost"}) is None
    assert _count(table) == 0


@pytest.mark.parametrize("changes", [{}, {"id": "b"}])
def test_update_refuses_nothing_or_the_key(table: Table, changes: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        ddb.update_existing_item(table, {"id": "a"}, changes)


# --- errors other than a failed condition propagate ------------------------------------

_ID = {"#k": "id"}
_FREE, _HELD = "attribute_not_exists(#k)", "attribute_exists(#k)"


@pytest.mark.parametrize(
    ("operation", "call"),
    [
        ("put_item", lambda t: ddb.put_item_unless(t, {"id": "a"}, _FREE, _ID, {})),
        ("update_item", lambda t: ddb.update_existing_item(t, {"id": "a"}, {"n": "x"})),
        ("delete_item", lambda t: ddb.delete_item_if(t, {"id": "a"}, _HELD, _ID, {})),
    ],
)
def test_other_client_errors_propagate(
    table: Table, operation: str, call: Callable[[Table], object]
) -> None:
    with Stubber(table.meta.client) as stubber:
        stubber.add_client_error(operation, "ProvisionedThroughputExceededException")
        with pytest.raises(ClientError):
            call(table)


def test_a_throttled_call_is_tried_three_times_in_all(table: Table) -> None:
    attempts = []

    def throttle(request: object, **kwargs: object) -> AWSResponse:
        attempts.append(request)
        return throttling_response()

    events: Any = table.meta.client.meta.events  # stubs want handlers returning None
    events.register_first("before-send.dynamodb.GetItem", throttle)
    try:
        with pytest.raises(ClientError) as caught:
            ddb.get_item(table, {"id": "a"})
    finally:
        events.unregister("before-send.dynamodb.GetItem", throttle)
    assert caught.value.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
    assert len(attempts) == ddb.MAX_ATTEMPTS == 3


class _Raw:
    """The raw urllib3 response AWSResponse reads its body from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, *args: object, **kwargs: object) -> list[bytes]:
        return [self._body]


def test_the_request_budget_fits_the_function_timeout() -> None:
    """The arithmetic beside CLIENT_CONFIG, line by line, against botocore's own backoff."""
    from botocore.retries.standard import ExponentialBackoff

    timeout = yaml_parse(TEMPLATE_PATH.read_text())["Globals"]["Function"]["Timeout"]
    from botocore.retries.standard import (
        RetryContext,
        RetryEventAdapter,
        ThrottlingErrorDetector,
    )

    # The longest pause of each retry (random() == 1), as standard mode computes it.
    backoff = ExponentialBackoff(
        random=lambda: 1.0,
        service_name="dynamodb",
        throttling_detector=ThrottlingErrorDetector(RetryEventAdapter()),
    )

    def throttled(n: int) -> RetryContext:
        return RetryContext(n, parsed_response={"Error": {"Code": "ThrottlingException"}})

    pauses = [backoff.delay_amount(throttled(n)) for n in range(1, ddb.MAX_ATTEMPTS)]
    assert max(pauses) == ddb.LONGEST_BACKOFF_SECONDS
    from users.service import MAX_PAUSE_SECONDS

    after_budget = ddb.REQUEST_BUDGET_SECONDS + max(ddb.LONGEST_BACKOFF_SECONDS, MAX_PAUSE_SECONDS)
    cleanup = ddb.CLEANUP_SECONDS + pauses[0]  # one attempt, then its first backoff
    assert ddb.CLEANUP_SECONDS >= ddb.ATTEMPT_SECONDS
    assert after_budget + cleanup <= timeout - 1


def test_worst_case_fits_the_function_timeout() -> None:
    timeout = yaml_parse(TEMPLATE_PATH.read_text())["Globals"]["Function"]["Timeout"]
    # Every attempt hangs to its timeouts, and each retry first waits the longest
    # standard-mode backoff (rand(0, 1) * 2 ** (attempt - 1) after a throttling error).
    backoff = sum(2**i for i in range(ddb.MAX_ATTEMPTS - 1))
    per_attempt = ddb.CONNECT_TIMEOUT_SECONDS + ddb.READ_TIMEOUT_SECONDS
    worst = ddb.MAX_ATTEMPTS * per_attempt + backoff
    assert worst <= timeout - 1, f"{worst} s of retries do not fit a {timeout} s function"


def test_the_read_timeout_override_is_for_local_runs_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    template = TEMPLATE_PATH.read_text(encoding="utf-8")
    assert ddb.READ_TIMEOUT_VARIABLE not in template  # deployed functions keep 1 s
    monkeypatch.delenv(ddb.READ_TIMEOUT_VARIABLE, raising=False)
    assert ddb._client_config() is ddb.CLIENT_CONFIG
    monkeypatch.setenv(ddb.READ_TIMEOUT_VARIABLE, "7.5")
    config: Any = ddb._client_config()  # botocore's stubs do not declare the options
    assert config.read_timeout == 7.5
    assert config.connect_timeout == ddb.CONNECT_TIMEOUT_SECONDS
    assert config.retries == {"mode": "standard", "total_max_attempts": ddb.MAX_ATTEMPTS}
