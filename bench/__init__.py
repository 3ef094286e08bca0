"""Side-by-side benchmark of our handlers against the alternatives (issue 5).

`python -m bench` runs everything; `python -m bench --quick` is the short version.
This package is deliberately empty at import: the cold-start child imports
`bench.alternatives.*` and must not pay for anything else.
"""
