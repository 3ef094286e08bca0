"""Spec-first code generator: openapi.yaml -> validators, routes, stubs, template.yaml.

Run `python -m codegen`; the pieces are `codegen.openapi.parser.parse_api` (spec -> model)
and `codegen.render.collect.render_all` (model -> files).
"""
