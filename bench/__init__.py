"""Side-by-side benchmark of our handlers and generator against the alternatives.

`python -m bench` runs everything and judges the budgets; `python -m bench --quick` is
the short version; `python -m bench.load` drives the local server on DynamoDB Local.
This package is deliberately empty at import: the cold-start child imports
`bench.alternatives.*` and must not pay for anything else.
"""
