"""The same API with Powertools' `APIGatewayRestResolver(enable_validation=True)` and pydantic:
its routing, its validation (parameters and bodies declared with `Annotated[...,
Query/Path/Header(...)]` and pydantic models, refused with 422, its default), its
responses; our job (bench/alternatives/jobs.py).

Powertools' Idempotency utility is not used: it would not do the same job. Ours keeps
the Idempotency-Key record in the domain (users.idempotency) and completes it in the
same DynamoDB transaction as the user and its email claim; the utility wraps the handler
instead, with a record put before and updated after it (one more DynamoDB call, and a
completion that is not atomic with the create).
"""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from bench.alternatives import jobs, manual
from bench.alternatives.jobs import Outcome

app = APIGatewayRestResolver(enable_validation=True)

UUID_PATTERN = manual.UUID_RE.pattern
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=manual.NAME_PATTERN)]
Email = Annotated[str, Field(max_length=254, pattern=manual.EMAIL_PATTERN)]
UserId = Annotated[str, Path(pattern=UUID_PATTERN)]


class NewUser(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    email: Email


class UserPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    email: Email | None = None


def _json(outcome: Outcome) -> Response[Any]:
    return Response(
        status_code=outcome.status,
        content_type="application/json",
        body=manual.respond(outcome)["body"],
        headers={**manual.CORS_HEADERS, **outcome.headers},
    )


@app.get("/hello")
def hello() -> Response[Any]:
    return _json(jobs.hello(app.current_event.path))


@app.get("/users")
def list_users(
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    next_token: Annotated[str | None, Query(min_length=1, max_length=512)] = None,
) -> Response[Any]:
    return _json(jobs.users().list_users(limit, next_token))


@app.post("/users")
def create_user(
    user: NewUser,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", min_length=1, max_length=255)
    ] = None,
) -> Response[Any]:
    return _json(
        jobs.users().create_user(app.current_event.raw_event, user.model_dump(), idempotency_key)
    )


@app.get("/users/<id>")
def get_user(id: UserId) -> Response[Any]:
    return _json(jobs.users().get_user(id))


@app.patch("/users/<id>")
def update_user(id: UserId, patch: UserPatch) -> Response[Any]:
    changes = patch.model_dump(exclude_unset=True)
    if not changes:
        detail = [{"location": "body", "detail": "must have at least one property"}]
        return _json(manual.invalid(detail))
    return _json(jobs.users().update_user(id, changes))


@app.delete("/users/<id>")
def delete_user(id: UserId) -> Response[Any]:
    return _json(jobs.users().delete_user(id))


@jobs.with_lines
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
