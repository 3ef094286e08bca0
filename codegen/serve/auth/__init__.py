"""Authentication as API Gateway enforces it, verified for real by the local server.

The deployed API checks, before any Lambda runs and in this order (`gatekeeper`): the
Cognito user pools authorizer (an RS256 access token from the pool, unexpired, carrying
one of the method's scopes: else 401 UNAUTHORIZED), then the API key (`x-api-key` must
name a key of a usage plan on the stage: else 403 INVALID_API_KEY). Locally:

- `local_credentials`: the per-checkout signing key, pool issuer, and one client id and
  API key per client team of `x-codegen.clients`, in a git-ignored file (0600);
- `jwks`: the public keys tokens are checked against (the local key, or a real pool's
  JWKS from a file or URL with `serve --jwks`);
- `tokens`: token verification (`TokenVerifier`), claims handed on as API Gateway does;
- `api_keys`: the configured keys (`ApiKeyRegistry`);
- `minting`: access tokens signed with the local key (`python -m codegen credentials`);
- `gatekeeper`: the per-method decision, refusals as the deployed gateway responses;
- `setup`: builds the gatekeeper for `serve`; `credentials_cli`: the credentials command.

Nothing here runs in the Lambda package: the deployed authorizer is API Gateway's own.
"""
