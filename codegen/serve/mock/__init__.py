"""`python -m codegen serve --mock` / `--mock-stubs`: answers from the spec's examples.

The gateway stays as it is (routing, 404/405/413/415, CORS, authentication verified for
real); only the Lambda behind a method changes: the mock validates the request with the
operation's generated validator, as the real handler does (so 400/415 are the real ones),
then answers one documented response with its example, as Stoplight Prism does, chosen by
the `Prefer` header (`code=404`, `example=NAME`).

- `examples`: the documented answers of each operation, from the published document, every
  example checked against its schema at start (`SpecError` naming the pointer);
- `prefer`: the `Prefer` header;
- `stubs`: which handlers are still the generated 501 stub (for `--mock-stubs`);
- `handler`: the mock Lambda and the resolver that puts it in place of the real ones.
"""

from codegen.serve.mock.handler import MOCK_MODES, MockSetup, allow_prefer, build_mock

__all__ = ["MOCK_MODES", "MockSetup", "allow_prefer", "build_mock"]
