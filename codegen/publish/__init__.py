"""`python -m codegen publish [--spec openapi.yaml] [--out dist/] [--write-published]`.

Writes what client teams get: `openapi.json` and `openapi.yaml` (one self-contained
OpenAPI 3.0 document without the generator's and API Gateway's extensions, `servers`
set to the deployed URL pattern and the local server, every example checked against
its schema) and `index.html`, the offline API reference, with its assets in `assets/`,
and typed clients generated from that document in `clients/` (`codegen.publish.typed_clients`:
Python from openapi-python-client, TypeScript types from openapi-typescript; `--no-clients`
skips them).
`--write-published` also records the document as the project's last published spec
(`api/openapi.published.yaml`), which `python -m codegen diff --against-published`
compares against.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from codegen.openapi.errors import SpecError
from codegen.openapi.published import PUBLISHED_SPEC, load_spec, published_document
from codegen.publish.docs_page import asset_files, render_docs_html
from codegen.publish.typed_clients import ClientGenerationError, write_clients

ASSETS_SUBDIR = "assets"


# -- output ----------------------------------------------------------------------------


def render_outputs(document: Mapping[str, Any]) -> dict[str, str]:
    """File name (relative to the output folder) -> text, for the text files."""
    title = str((document.get("info") or {}).get("title") or "API reference")
    return {
        "openapi.json": json.dumps(document, indent=2, ensure_ascii=False) + "\n",
        "openapi.yaml": dump_yaml(document),
        "index.html": render_docs_html(
            "openapi.json", assets_url=ASSETS_SUBDIR, title=title, spec=document
        ),
    }


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (descriptions) as `|` blocks, as people write them."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(document: Mapping[str, Any]) -> str:
    text: str = yaml.dump(
        dict(document), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
    )
    return text


def write_outputs(document: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Write the documents, the page and its assets; returns the files written."""
    written: list[Path] = []
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in render_outputs(document).items():
        target = out_dir / name
        target.write_text(text, encoding="utf-8")
        written.append(target)
    assets = out_dir / ASSETS_SUBDIR
    assets.mkdir(exist_ok=True)
    for name, source in sorted(asset_files().items()):
        shutil.copyfile(source, assets / name)
        written.append(assets / name)
    return written


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m codegen publish",
        description="Write the published spec (JSON, YAML) and its offline reference page.",
    )
    parser.add_argument(
        "--spec", type=Path, default=Path("openapi.yaml"), help="the spec (default openapi.yaml)"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("dist"), help="output folder (default dist/)"
    )
    parser.add_argument(
        "--write-published",
        action="store_true",
        help=f"also record the result as the last published spec ({PUBLISHED_SPEC})",
    )
    parser.add_argument(
        "--no-clients",
        dest="clients",
        action="store_false",
        help="do not generate the typed clients (dist/clients/python, dist/clients/typescript)",
    )
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        document, spec_path = load_spec(args.spec)
        published = published_document(document, spec_path)
        written = write_outputs(published, args.out)
        if args.clients:
            written += write_clients(args.out / "openapi.yaml", args.out)
        if args.write_published:
            target = spec_path.parent / PUBLISHED_SPEC
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(dump_yaml(published), encoding="utf-8")
            written.append(target)
    except (SpecError, ClientGenerationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    version = (published.get("info") or {}).get("version")
    print(f"published {published['info']['title']} {version}: {len(written)} files in {args.out}")
    return 0
