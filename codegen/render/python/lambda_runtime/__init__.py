"""Modules of the Lambda package's `generated/` that no spec changes: plain Python, linted
and type-checked here like the rest of the code, and copied verbatim (after the generated
header) by `codegen.render.python.runtime`. They import `generated.*`, which resolves to
`src/generated/` (mypy's `mypy_path`): never import them from the generator itself.
"""
