"""template.yaml's Lambda authorizers: per authorizer a function, its permission, its scheme.

For each `LambdaAuthorizer` of the model (`Api.authorizers`):
- `<Name>Authorizer`: an `AWS::Serverless::Function` running
  `generated.authorizers.<name>.handler`, with no event and no policy of its own, so SAM
  gives it its own role with only AWSLambdaBasicExecutionRole (+ X-Ray, Tracing is on):
  it reads the request, calls no AWS service (least privilege);
- `<Name>AuthorizerPermission`: API Gateway may invoke it, from this API's authorizers
  only (`SourceArn` `.../<api id>/authorizers/*`: "Grant API Gateway permission to invoke
  the Lambda authorizer", Amazon API Gateway Developer Guide). SAM's Api events create
  the permissions of the integrations, never of an authorizer named in a DefinitionBody;
- the DefinitionBody's security scheme: `x-amazon-apigateway-authtype: custom` and an
  `x-amazon-apigateway-authorizer` of type `request` with its identity sources and
  result TTL (see `LambdaAuthorizer.identity_sources`), which each method's `security`
  names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from codegen.openapi.authorizers import LambdaAuthorizer
from codegen.openapi.aws_names import AUTHORIZER, AUTHTYPE
from codegen.openapi.model import Api
from codegen.render.cloudformation.deployments import alias_ref, invocation_uri


def security_scheme(authorizer: LambdaAuthorizer) -> dict[str, Any]:
    """The DefinitionBody's scheme of a REQUEST authorizer (type apiKey is what API
    Gateway's importer expects of every custom authorizer; its `name` is unused)."""
    settings: dict[str, Any] = {"type": "request"}
    if authorizer.identity_sources:
        settings["identitySource"] = ", ".join(authorizer.identity_sources)
    settings["authorizerUri"] = invocation_uri(authorizer.logical_id)  # its alias
    settings["authorizerResultTtlInSeconds"] = authorizer.ttl
    return {
        "type": "apiKey",
        "name": "Unused",
        "in": "header",
        AUTHTYPE: "custom",
        AUTHORIZER: settings,
    }


def resources(
    api: Api,
    api_logical_id: str,
    function_properties: Mapping[str, Any],
    metadata: Mapping[str, Any],
) -> dict[str, Any]:
    """Function + permission per authorizer; `function_properties` are the ones every
    function of the template shares (reserved concurrency, environment decryption)."""
    found: dict[str, Any] = {}
    for authorizer in api.authorizers:
        found[authorizer.logical_id] = {
            "Type": "AWS::Serverless::Function",
            "Metadata": dict(metadata),
            "Properties": {
                "Handler": authorizer.handler,
                "Description": f"Lambda authorizer {authorizer.name}",
                **function_properties,
            },
        }
        found[f"{authorizer.logical_id}Permission"] = {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "Action": "lambda:InvokeFunction",
                # On the alias that API Gateway invokes (a permission on the function
                # alone does not cover its aliases).
                "FunctionName": alias_ref(authorizer.logical_id),
                "Principal": "apigateway.amazonaws.com",
                "SourceArn": {
                    "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:"
                    f"${{AWS::AccountId}}:${{{api_logical_id}}}/authorizers/*"
                },
            },
        }
    return found
