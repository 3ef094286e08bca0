"""The same API with Powertools `APIGatewayRestResolver(enable_validation=True)` + pydantic.

Parameters and bodies are declared with `Annotated[..., Query/Path(...)]` and
pydantic models; Powertools validates them (answering 422 on failure, its
default). The email rule is a pattern, so no email-validator is needed.
"""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import BaseModel, ConfigDict, Field

from bench.alternatives import manual, storage

app = APIGatewayRestResolver(enable_validation=True)

UUID_PATTERN = manual.UUID_RE.pattern
Name = Annotated[str, Field(min_length=1, max_length=100)]
Email = Annotated[str, Field(max_length=254, pattern=manual.EMAIL_PATTERN)]


class NewUser(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    email: Email


class UserPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    email: Email | None = None


def _json(status: int, body: Any = None, headers: dict[str, str] | None = None) -> Response[Any]:
    out = {**manual.CORS_HEADERS, **(headers or {})}
    return Response(
        status_code=status,
        content_type="application/json",
        body=manual.respond(status, body)["body"],
        headers=out,
    )


@app.get("/hello")
def hello() -> Response[Any]:
    return _json(200, {"message": "Hello from Lambda", "path": app.current_event.path})


@app.get("/users")
def list_users(
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    next_token: Annotated[str | None, Query(min_length=1, max_length=512)] = None,
) -> Response[Any]:
    start, errors = manual.decode_token(next_token)
    if errors:
        return _json(400, {"message": "Invalid request", "errors": errors})
    return _json(200, manual.op_list(storage.table(), limit, start))


@app.post("/users")
def create_user(user: NewUser) -> Response[Any]:
    item = manual.op_create(storage.table(), user.model_dump())
    return _json(201, item, {"Location": f"/users/{item['id']}"})


@app.get("/users/<id>")
def get_user(id: Annotated[str, Path(pattern=UUID_PATTERN)]) -> Response[Any]:
    item = manual.op_get(storage.table(), id)
    if item is None:
        return _json(404, {"message": "User not found"})
    return _json(200, item)


@app.patch("/users/<id>")
def update_user(id: Annotated[str, Path(pattern=UUID_PATTERN)], patch: UserPatch) -> Response[Any]:
    changes = patch.model_dump(exclude_unset=True)
    if not changes:
        return _json(
            400,
            {
                "message": "Invalid request",
                "errors": [{"location": "body", "detail": "must have at least one property"}],
            },
        )
    item = manual.op_update(storage.table(), id, changes)
    if item is None:
        return _json(404, {"message": "User not found"})
    return _json(200, item)


@app.delete("/users/<id>")
def delete_user(id: Annotated[str, Path(pattern=UUID_PATTERN)]) -> Response[Any]:
    if not manual.op_delete(storage.table(), id):
        return _json(404, {"message": "User not found"})
    return _json(204)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
