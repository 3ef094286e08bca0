"""`python -m codegen diff OLD NEW` and `python -m codegen diff --against-published`.

Exit codes: 0 no breaking change (or the version policy holds), 1 a breaking change (or
the policy is violated), 2 bad input (one line on stderr).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from codegen.diff.compare import diff_documents
from codegen.diff.policy import check_version_policy
from codegen.diff.report import format_json, format_text
from codegen.diff.sources import load_source
from codegen.openapi.errors import SpecError
from codegen.openapi.published import PUBLISHED_SPEC, load_spec, published_document


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m codegen diff",
        description=(
            "Compare two OpenAPI 3.0 specs (files or git revisions such as HEAD~1:openapi.yaml) "
            "and classify every change as breaking or not."
        ),
    )
    parser.add_argument("old", nargs="?", help="the old spec: a file or REV:PATH")
    parser.add_argument("new", nargs="?", help="the new spec: a file or REV:PATH")
    parser.add_argument(
        "--against-published",
        action="store_true",
        help="compare the spec (as `publish` would write it) with the last published spec "
        "and enforce the version policy instead",
    )
    parser.add_argument(
        "--spec", type=Path, default=Path("openapi.yaml"), help="with --against-published"
    )
    parser.add_argument(
        "--published",
        type=Path,
        default=None,
        help="with --against-published (default api/openapi.published.yaml)",
    )
    parser.add_argument("--json", action="store_true", help="print the changes as JSON")
    return parser


def main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.against_published == bool(args.old or args.new) or (
        not args.against_published and not (args.old and args.new)
    ):
        print("error: give OLD and NEW, or --against-published", file=sys.stderr)
        return 2
    try:
        if args.against_published:
            return _against_published(args.spec, args.published, as_json=args.json)
        changes = diff_documents(load_source(args.old), load_source(args.new))
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(format_json(changes) if args.json else format_text(changes))
    return 1 if any(change.breaking for change in changes) else 0


def _against_published(spec: Path, published_file: Path | None, *, as_json: bool) -> int:
    document, spec_path = load_spec(spec)
    current = published_document(document, spec_path)
    published = load_source(str(published_file or spec_path.parent / PUBLISHED_SPEC))
    verdict = check_version_policy(published, current)
    sys.stdout.write(format_json(verdict.changes) if as_json else format_text(verdict.changes))
    for problem in verdict.problems:
        print(f"version policy: {problem}", file=sys.stderr)
    if verdict.ok:
        print("version policy: ok", file=sys.stderr)
    return 0 if verdict.ok else 1
