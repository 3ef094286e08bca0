"""Lambda handlers of the `hello` package (see the routes in generated.routes)."""
