"""The job every variant does once it has routed and validated a request, written once:
the same domain calls as our handlers (`users.service` on `users.store`'s tables), the
same service counters and request-line ids, and the same request log line and metrics
line (`generated.observability`). The alternatives differ only in routing, validation
and how they build responses: each turns an `Outcome` into its own framework's response.

The users jobs (bench/alternatives/users_jobs.py) are imported on the first users
request, not at import: the hello route never touches DynamoDB, so a variant's hello
cold start, like ours, never loads boto3. Only modules Lambda's runtime has loaded are
imported here.
"""

from __future__ import annotations

from generated import observability

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any, NamedTuple, Protocol

    class Outcome(NamedTuple):
        status: int
        body: Any  # a JSON-able value; None for no body
        headers: Mapping[str, str]

    class UsersJobs(Protocol):
        """bench/alternatives/users_jobs.py (a module satisfies a protocol)."""

        def list_users(self, limit: int, next_token: str | None) -> Outcome: ...
        def create_user(
            self, event: Mapping[str, Any], body: Mapping[str, Any], key: str | None
        ) -> Outcome: ...
        def get_user(self, user_id: str) -> Outcome: ...
        def update_user(self, user_id: str, changes: Mapping[str, Any]) -> Outcome: ...
        def delete_user(self, user_id: str) -> Outcome: ...

else:
    from collections import namedtuple

    # A NamedTuple class would import typing (2.5 ms of every cold start).
    Outcome = namedtuple("Outcome", ["status", "body", "headers"])

NO_HEADERS: dict[str, str] = {}
INTERNAL_ERROR = '{"message": "Internal server error"}'


def with_lines(handler: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """`handler` writing the request's log line and metrics line, as our `guarded` does
    (`observability.begin` and `finish`); an exception it lets through is a 500."""

    def wrapper(event: Any, context: Any) -> Any:
        started = observability.begin()
        try:
            response = handler(event, context)
        except Exception:
            response = {"statusCode": 500, "headers": {}, "body": INTERNAL_ERROR}
        status = response.get("statusCode") if isinstance(response, dict) else None
        observability.finish(event, context, status if isinstance(status, int) else 502, started)
        return response

    return wrapper


def hello(path: Any) -> Outcome:
    return Outcome(200, {"message": "Hello from Lambda", "path": path}, NO_HEADERS)


_users: UsersJobs | None = None


def users() -> UsersJobs:
    """bench.alternatives.users_jobs, imported once (an `import` statement on every
    request would cost the alternatives about a microsecond each that ours do not pay)."""
    global _users
    if _users is None:
        from bench.alternatives import users_jobs

        _users = users_jobs
    return _users
