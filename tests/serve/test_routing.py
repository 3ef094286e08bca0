"""RouteMatcher: resources, priorities, trailing slash and percent-encoding as API Gateway REST."""

from __future__ import annotations

import pytest

from codegen.serve.routing import PathNotFound, RouteMatcher, normalize_path
from tests.serve.fake_routes import ROUTES


@pytest.fixture
def matcher() -> RouteMatcher:
    return RouteMatcher(ROUTES, extra_resources=["/", "/{proxy+}"])


def resource(matcher: RouteMatcher, path: str) -> str:
    return matcher.find_resource(path).resource


def test_literal_resource_and_its_route(matcher: RouteMatcher) -> None:
    found = matcher.find_resource("/items")
    assert (found.resource, found.path_parameters) == ("/items", {})
    route = matcher.route("/items", "post")
    assert route is not None and route.operation_id == "createItem"
    assert matcher.route("/items", "PUT") is None


def test_path_variable_is_captured(matcher: RouteMatcher) -> None:
    found = matcher.find_resource("/items/42")
    assert (found.resource, found.path_parameters) == ("/items/{id}", {"id": "42"})


def test_literal_segment_wins_over_variable(matcher: RouteMatcher) -> None:
    # The resource is chosen first, then the method: DELETE /items/special does not fall
    # back to /items/{id}.
    assert resource(matcher, "/items/special") == "/items/special"
    assert matcher.route("/items/special", "DELETE") is None


@pytest.mark.parametrize(
    ("path", "expected"), [("/items/", "/items"), ("/items/42/", "/items/{id}")]
)
def test_one_trailing_slash_is_ignored(matcher: RouteMatcher, path: str, expected: str) -> None:
    assert resource(matcher, path) == expected


def test_normalize_path() -> None:
    assert [normalize_path(p) for p in ("/", "/a/", "/a", "a", "/a//")] == [
        "/",
        "/a",
        "/a",
        "/a",
        "/a/",
    ]


@pytest.mark.parametrize("path", ["/items/42/extra", "/x", "/x/y/"])
def test_anything_else_falls_to_the_catch_all(matcher: RouteMatcher, path: str) -> None:
    assert resource(matcher, path) == "/{proxy+}"


@pytest.mark.parametrize("path", ["/items//", "/items//42", "//items"])
def test_empty_segments_match_no_resource(matcher: RouteMatcher, path: str) -> None:
    # No path variable matches an empty segment; the gateway answers these like any
    # unknown path (MISSING_AUTHENTICATION_TOKEN, 404 in the deployed definition).
    with pytest.raises(PathNotFound):
        matcher.find_resource(path)


def test_root_is_its_own_resource(matcher: RouteMatcher) -> None:
    assert resource(matcher, "/") == "/"
    with pytest.raises(PathNotFound):
        RouteMatcher(ROUTES).find_resource("/")


def test_without_catch_all_unknown_paths_are_not_found() -> None:
    with pytest.raises(PathNotFound):
        RouteMatcher(ROUTES).find_resource("/nope")


def test_path_parameters_are_url_decoded(matcher: RouteMatcher) -> None:
    assert matcher.find_resource("/items/a%20b%2Bc%C3%A9").path_parameters == {"id": "a b+cé"}


def test_encoded_slash_stays_inside_one_segment(matcher: RouteMatcher) -> None:
    found = matcher.find_resource("/items/a%2Fb")
    assert (found.resource, found.path_parameters) == ("/items/{id}", {"id": "a/b"})


def test_greedy_variable_takes_the_rest(matcher: RouteMatcher) -> None:
    found = matcher.find_resource("/files/a/b%20c/d")
    assert (found.resource, found.path_parameters) == ("/files/{path+}", {"path": "a/b c/d"})
    assert resource(matcher, "/files") == "/{proxy+}"
