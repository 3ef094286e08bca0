"""A load driver that knows what the store must hold afterwards ("nothing lost"): a
correctness check under load (tests/integration/test_load_nothing_lost.py; `python -m
bench.load` runs it longer and reports its figures).

N clients, each a thread with one keep-alive `http.client` connection, mix createUser
(with an Idempotency-Key), getUser, updateUser, listUsers and deleteUser against the
local server, bounded by time and by requests, on loopback. Each client only changes
users it created (emails are unique per create), so its own sequence of answers defines
exactly what the store must hold for it: the union over clients is the expected set a
final full scan must equal. Checked on the way:

- every 201'd user reads back as created/updated until it is deleted (no lost write);
- every 204'd user answers 404 and never shows up in a list again (no phantom);
- no 5xx, except 503s that a retry then got past (`--chaos`): a 503 is retried with the
  same request (the same Idempotency-Key for a create), as a client team's retry logic
  would; a 500, or a 503 still there after MAX_RETRIES, is a failure.

Why threads and http.client rather than locust: locust (with gevent, its web UI and its
own statistics) weighs far more than the 200 lines a model-checking driver needs, and its
statistics would still need this per-client model beside them; threads are enough at
8-32 clients on loopback, where the server, not the driver, is the bottleneck.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

OPERATIONS = ("create", "get", "update", "list", "delete")
# How often each operation is chosen (a client with no user of its own creates one).
WEIGHTS = {"create": 30, "get": 30, "update": 20, "list": 10, "delete": 10}
MAX_RETRIES = 30
RETRY_PAUSE_SECONDS = 0.05  # not Retry-After's 1 s: a load test wants the retries
# A create's 409 "still in progress" says in Retry-After when its key's lock expires (the
# lock outlasts the worst case of the request holding it: 28 s with the 10 s read timeout
# the load tests give DynamoDB Local). The driver waits as told, at most this long in all.
LOCK_WAIT_LIMIT_SECONDS = 90.0


@dataclass
class Settings:
    host: str
    port: int
    headers: Mapping[str, str]
    clients: int = 8
    seconds: float = 10.0
    max_requests: int = 100_000
    seed: int = 14


@dataclass
class Outcome:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    retried_503: int = 0
    retried_409: int = 0
    violations: list[str] = field(default_factory=list)
    expected: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> name, email
    deleted: set[str] = field(default_factory=set)
    elapsed: float = 0.0

    @property
    def requests(self) -> int:
        return sum(len(values) for values in self.latencies.values())

    @property
    def server_errors(self) -> int:
        """5xx answers that stood (a 503 a retry got past is not one)."""
        return sum(count for status, count in self.statuses.items() if status >= 500)


class _Failure(Exception):
    pass


class Client:
    def __init__(self, number: int, settings: Settings, stop_at: float, budget: Any) -> None:
        self.number = number
        self.settings = settings
        self.stop_at = stop_at
        self.budget = budget  # shared request counter
        self.random = random.Random(settings.seed * 1000 + number)
        self.users: dict[str, dict[str, str]] = {}  # id -> the user as last answered
        self.deleted: set[str] = set()
        self.latencies: dict[str, list[float]] = {op: [] for op in OPERATIONS}
        self.statuses: Counter[int] = Counter()
        self.retried_503 = 0
        self.retried_409 = 0
        self.violations: list[str] = []
        self.connection = http.client.HTTPConnection(settings.host, settings.port, timeout=30)

    # -- HTTP --------------------------------------------------------------------------

    def _send(
        self, operation: str, method: str, path: str, body: Any = None, extra: Any = None
    ) -> tuple[int, Any]:
        """One request, retried on 503 (same method, path, body and headers); a create is
        also retried on 409 "still in progress": its key's lock, held when a failed
        attempt could not release it, expires with the function timeout."""
        headers = dict(self.settings.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        headers.update(extra or {})
        waited_for_lock = 0.0
        for attempt in range(MAX_RETRIES + 1):
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException):
                self.connection.close()  # reconnects on the next request
                raise
            self.latencies[operation].append(time.perf_counter() - started)
            status = response.status
            if status == 503 and attempt < MAX_RETRIES:
                if response.getheader("Retry-After") is None:
                    self.violations.append(f"{operation}: 503 without Retry-After")
                self.retried_503 += 1
                time.sleep(RETRY_PAUSE_SECONDS * (1 + self.random.random()))
                continue
            in_progress = status == 409 and operation == "create" and b"in progress" in payload
            if in_progress and waited_for_lock < LOCK_WAIT_LIMIT_SECONDS:
                retry_after = response.getheader("Retry-After")
                if retry_after is None or not retry_after.isdigit():
                    self.violations.append(f"{operation}: 409 in progress without Retry-After")
                    retry_after = "1"
                self.retried_409 += 1
                pause = min(float(retry_after), LOCK_WAIT_LIMIT_SECONDS - waited_for_lock)
                waited_for_lock += pause
                time.sleep(pause)
                continue
            self.statuses[status] += 1
            return status, json.loads(payload) if payload else None
        raise AssertionError("unreachable")

    def _expect(self, what: str, status: int, wanted: int, body: Any) -> None:
        if status != wanted:
            raise _Failure(f"{what}: {status} instead of {wanted}: {body}")

    # -- operations --------------------------------------------------------------------

    def create(self) -> None:
        name = f"Load {self.number}"
        email = f"c{self.number}-{uuid.uuid4().hex[:12]}@Load.Example.com"
        key = str(uuid.uuid4())
        status, body = self._send(
            "create", "POST", "/users", {"name": name, "email": email}, {"Idempotency-Key": key}
        )
        self._expect("create", status, 201, body)
        if body["name"] != name or body["email"] != email or body["id"] in self.users:
            raise _Failure(f"create answered another user: {body}")
        self.users[body["id"]] = {"name": name, "email": email}

    def get(self) -> None:
        user_id = self.random.choice(sorted(self.users))
        status, body = self._send("get", "GET", f"/users/{user_id}")
        self._expect(f"get of a created user {user_id} (lost write)", status, 200, body)
        self._same(user_id, body)

    def update(self) -> None:
        user_id = self.random.choice(sorted(self.users))
        changes = {"name": f"Load {self.number} v{self.random.randrange(10**6)}"}
        if self.random.random() < 0.3:  # an email change moves the claim
            changes["email"] = f"c{self.number}-{uuid.uuid4().hex[:12]}@load.example.com"
        status, body = self._send("update", "PATCH", f"/users/{user_id}", changes)
        self._expect(f"update of {user_id}", status, 200, body)
        self.users[user_id] = {**self.users[user_id], **changes}
        self._same(user_id, body)

    def list(self) -> None:
        limit = self.random.choice((10, 50, 100))
        status, body = self._send("list", "GET", f"/users?limit={limit}")
        self._expect("list", status, 200, body)
        for user in body["users"]:
            if user["id"] in self.deleted:
                raise _Failure(f"list shows a deleted user {user['id']} (phantom)")
            if user["id"] in self.users:
                self._same(user["id"], user)

    def delete(self) -> None:
        user_id = self.random.choice(sorted(self.users))
        status, body = self._send("delete", "DELETE", f"/users/{user_id}")
        self._expect(f"delete of {user_id}", status, 204, body)
        del self.users[user_id]
        self.deleted.add(user_id)
        status, body = self._send("get", "GET", f"/users/{user_id}")
        self._expect(f"get of a deleted user {user_id} (phantom)", status, 404, body)

    def _same(self, user_id: str, body: Mapping[str, Any]) -> None:
        wanted = self.users[user_id]
        got = {"name": body.get("name"), "email": body.get("email")}
        if body.get("id") != user_id or got != wanted:
            raise _Failure(f"user {user_id} is {body}, expected {wanted}")

    # -- loop --------------------------------------------------------------------------

    def run(self) -> None:
        operations = list(WEIGHTS)
        weights = list(WEIGHTS.values())
        try:
            while time.monotonic() < self.stop_at and self.budget():
                operation = self.random.choices(operations, weights)[0]
                if not self.users:
                    operation = "create"
                getattr(self, operation)()
        except _Failure as failure:
            self.violations.append(str(failure))
        except Exception as error:
            self.violations.append(f"client {self.number}: {type(error).__name__}: {error}")
        finally:
            self.connection.close()


def run(settings: Settings) -> Outcome:
    """Drive the server; the outcome holds the expected users and every violation."""
    lock = threading.Lock()
    sent = [0]

    def budget() -> bool:
        with lock:
            sent[0] += 1
            return sent[0] <= settings.max_requests

    started = time.monotonic()
    clients = [
        Client(number, settings, started + settings.seconds, budget)
        for number in range(settings.clients)
    ]
    threads = [threading.Thread(target=client.run, daemon=True) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(settings.seconds + 120)
    outcome = Outcome(elapsed=time.monotonic() - started)
    for client in clients:
        for operation, values in client.latencies.items():
            outcome.latencies.setdefault(operation, []).extend(values)
        outcome.statuses.update(client.statuses)
        outcome.retried_503 += client.retried_503
        outcome.retried_409 += client.retried_409
        outcome.violations += client.violations
        outcome.expected.update(client.users)
        outcome.deleted |= client.deleted
    if any(thread.is_alive() for thread in threads):
        outcome.violations.append("a client did not finish")
    for status, count in outcome.statuses.items():
        if status >= 500:
            outcome.violations.append(f"{count} answers with status {status}")
    return outcome


def normalise(email: str) -> str:
    """users.emails.normalise: the claim's key."""
    return email.strip().lower()


def compare_store(
    outcome: Outcome, users: Sequence[Mapping[str, Any]], claims: Sequence[Mapping[str, Any]]
) -> list[str]:
    """The final full scans against the expected set: ids, names, emails and claims."""
    problems: list[str] = []
    stored = {str(item["id"]): {"name": item["name"], "email": item["email"]} for item in users}
    lost = outcome.expected.keys() - stored.keys()
    phantom = stored.keys() - outcome.expected.keys()
    if lost:
        problems.append(f"{len(lost)} users lost, e.g. {sorted(lost)[:3]}")
    if phantom:
        problems.append(f"{len(phantom)} phantom users, e.g. {sorted(phantom)[:3]}")
    changed = [
        i for i in stored.keys() & outcome.expected.keys() if stored[i] != outcome.expected[i]
    ]
    if changed:
        problems.append(f"{len(changed)} users differ, e.g. {changed[:3]}")
    wanted_claims = {normalise(user["email"]): i for i, user in outcome.expected.items()}
    got_claims = {str(item["email"]): str(item["owner"]) for item in claims}
    if got_claims != wanted_claims:
        extra = got_claims.keys() - wanted_claims.keys()
        missing = wanted_claims.keys() - got_claims.keys()
        both = got_claims.keys() & wanted_claims.keys()
        moved = sum(1 for email in both if got_claims[email] != wanted_claims[email])
        problems.append(
            f"email claims differ: {len(missing)} missing, {len(extra)} left over, "
            f"{moved} with another owner"
        )
    return problems
