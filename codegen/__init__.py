"""Spec-first code generator: openapi.yaml -> validators, routes, stubs, template.yaml.

Run `python -m codegen`; the pieces are `codegen.parser.parse_api` (spec -> model)
and `codegen.render.render_all` (model -> files).
"""
