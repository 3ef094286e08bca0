"""Route matching as API Gateway REST does it: resource templates, trailing slash, %-encoding.

The routes come from the generated route table (`generated.routes.ROUTES`); this module
only answers "which resource and method does this request path name?".

API Gateway REST behaviours emulated here:
- A request path matches a resource segment by segment; `{name}` matches exactly one
  non-empty segment and `{name+}` (greedy) one or more. A literal resource wins over a
  path variable at the same position (`/users/me` before `/users/{id}`).
- One trailing slash is ignored: API Gateway routes `/users/` to the `/users` resource
  (observed on deployed REST APIs: aws/chalice#65, aws-powertools/powertools-lambda-python#1552;
  chalice/local.py does the same).
- Matching works on the percent-encoded segments, so `%2F` inside a segment does not split
  it; the captured values are then URL-decoded (`%20` -> space, `%2B` -> `+`), as the
  deployed API passes them in `pathParameters` (dherault/serverless-offline#638).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import unquote


class RouteLike(Protocol):
    """What the gateway needs of a `generated.routes.Route` (fake tables in tests fit too)."""

    @property
    def method(self) -> str: ...

    @property
    def path(self) -> str: ...

    @property
    def operation_id(self) -> str: ...

    @property
    def handler(self) -> str: ...

    @property
    def operation_module(self) -> str: ...


@dataclass(frozen=True, slots=True)
class ResourceMatch:
    resource: str  # the template, e.g. /users/{id}
    path_parameters: dict[str, str]  # decoded


class PathNotFound(Exception):
    """No resource has this path."""


@dataclass(frozen=True, slots=True)
class _Resource:
    template: str  # e.g. /users/{id}
    segments: tuple[str, ...]  # e.g. ("users", "{id}")

    @property
    def specificity(self) -> tuple[int, ...]:
        """Sort key: literal segments before variables, left to right; greedy last."""
        return tuple(_segment_rank(segment) for segment in self.segments)

    def capture(self, raw_segments: list[str]) -> dict[str, str] | None:
        """The decoded path parameters when the raw (still %-encoded) segments match."""
        captured: dict[str, str] = {}
        for index, pattern in enumerate(self.segments):
            if pattern.startswith("{") and pattern.endswith("+}"):
                rest = raw_segments[index:]
                if not rest or any(segment == "" for segment in rest):
                    return None
                captured[pattern[1:-2]] = unquote("/".join(rest))
                return captured
            if index >= len(raw_segments):
                return None
            segment = raw_segments[index]
            if pattern.startswith("{") and pattern.endswith("}"):
                if segment == "":
                    return None
                captured[pattern[1:-1]] = unquote(segment)
            elif unquote(segment) != pattern:
                return None
        return captured if len(raw_segments) == len(self.segments) else None


def _segment_rank(segment: str) -> int:
    if segment.startswith("{") and segment.endswith("+}"):
        return 2
    if segment.startswith("{") and segment.endswith("}"):
        return 1
    return 0


def _split(path: str) -> tuple[str, ...]:
    return () if path == "/" else tuple(path.strip("/").split("/"))


def normalize_path(raw_path: str) -> str:
    """The path API Gateway routes on: one trailing slash dropped (except for `/`)."""
    if not raw_path.startswith("/"):
        raw_path = "/" + raw_path
    if raw_path != "/" and raw_path.endswith("/"):
        return raw_path[:-1]
    return raw_path


class RouteMatcher:
    """Finds the resource of a raw (percent-encoded) path, then the route of a method on it.

    `extra_resources` are resources the gateway answers itself (mocks such as `/{proxy+}`);
    they take part in resource matching but have no Lambda route.
    """

    def __init__(self, routes: Iterable[RouteLike], extra_resources: Iterable[str] = ()) -> None:
        self._routes: dict[tuple[str, str], RouteLike] = {
            (route.path, route.method.upper()): route for route in routes
        }
        templates = {path for path, _ in self._routes} | set(extra_resources)
        resources = (_Resource(template, _split(template)) for template in templates)
        self._resources = sorted(resources, key=lambda r: (r.specificity, r.template))

    @property
    def routes(self) -> tuple[RouteLike, ...]:
        return tuple(self._routes.values())

    def find_resource(self, raw_path: str) -> ResourceMatch:
        """The most specific resource matching the path, or `PathNotFound`."""
        path = normalize_path(raw_path)
        raw_segments = [] if path == "/" else path[1:].split("/")
        for resource in self._resources:
            captured = resource.capture(raw_segments)
            if captured is not None:
                return ResourceMatch(resource.template, captured)
        raise PathNotFound(raw_path)

    def route(self, resource: str, method: str) -> RouteLike | None:
        """The Lambda route declared for `method` on `resource`, if any."""
        return self._routes.get((resource, method.upper()))
