"""Renderers of CloudFormation: template.yaml and its API Gateway DefinitionBody."""
