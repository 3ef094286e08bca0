"""CloudFormation YAML: short intrinsic tags, a fixed key order, no anchors, spaced sections.

`dump_yaml(template)` prints the template data `render/cloudformation/sam.py` builds
(intrinsics in their long form, `{"Ref": ...}`) the way people write templates (`!Ref ...`),
deterministically, so the output diffs small.
"""

from __future__ import annotations

from typing import Any

import yaml

_SHORT_TAGS = frozenset({"!Ref", "!Sub", "!GetAtt"})
# Intrinsics whose argument is a list, printed as `!If [...]` etc.
_SEQUENCE_TAGS = {"Fn::If": "!If", "Fn::Not": "!Not", "Fn::Equals": "!Equals"}


# Which styles a string allows depends only on the string (and allow_unicode), and a template
# repeats the same few thousand strings: analysed once each, dumping the bench's
# 500-operation template takes 1.9 s instead of 2.6, with the same bytes. (libyaml's
# emitter, CSafeDumper, is faster still but writes other bytes: sequences in mappings are
# not indented and it quotes `!Ref AWS::NoValue` inside `!If [...]`.)
_ANALYSES: dict[tuple[str, bool], yaml.emitter.ScalarAnalysis] = {}


class _TemplateDumper(yaml.SafeDumper):
    """SafeDumper with short intrinsic tags, readable strings, no anchors, indented lists."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def analyze_scalar(self, scalar: str) -> yaml.emitter.ScalarAnalysis:
        key = (scalar, bool(self.allow_unicode))
        analysis = _ANALYSES.get(key)
        if analysis is None:
            analysis = _ANALYSES[key] = super().analyze_scalar(scalar)
        return analysis

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def choose_scalar_style(self) -> str:
        # PyYAML quotes every scalar with an explicit tag (`!Ref 'Api'`); print the
        # intrinsics plain when a plain scalar can hold the value.
        event = self.event
        if isinstance(event, yaml.ScalarEvent) and event.tag in _SHORT_TAGS and not event.style:
            if self.analysis is None:
                self.analysis = self.analyze_scalar(event.value)
            analysis = self.analysis
            # Inside `!If [...]` a plain `${X}` would open a flow mapping: the flow rules apply.
            plain = analysis.allow_flow_plain if self.flow_level else analysis.allow_block_plain
            if plain and not analysis.empty and not analysis.multiline:
                return ""
        return str(super().choose_scalar_style())


def _represent_dict(dumper: yaml.SafeDumper, data: dict[Any, Any]) -> yaml.Node:
    if len(data) == 1:
        ((key, value),) = data.items()
        if key == "Ref" and isinstance(value, str):
            return dumper.represent_scalar("!Ref", value)
        if key == "Fn::Sub" and isinstance(value, str):
            return dumper.represent_scalar("!Sub", value)
        if key == "Fn::Sub" and isinstance(value, list):  # [text, {variable: value}]
            return dumper.represent_sequence("!Sub", value, flow_style=False)
        if (
            key == "Fn::GetAtt"
            and isinstance(value, list)
            and len(value) == 2
            and all(isinstance(part, str) for part in value)
        ):
            return dumper.represent_scalar("!GetAtt", ".".join(value))
        if key in _SEQUENCE_TAGS and isinstance(value, list):
            return dumper.represent_sequence(_SEQUENCE_TAGS[key], value, flow_style=True)
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items())


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style: str | None = None
    if "\n" in data:
        style = "|"
    elif "'" in data and '"' not in data and "\\" not in data:
        style = '"'  # "'*'" reads better than '''*'''
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_TemplateDumper.add_representer(dict, _represent_dict)
_TemplateDumper.add_representer(str, _represent_str)


def dump_yaml(data: dict[str, Any]) -> str:
    text = yaml.dump(
        data,
        Dumper=_TemplateDumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=4096,
    )
    return _space_sections(text)


def _space_sections(text: str) -> str:
    """A blank line before each top-level key and before each resource."""
    lines: list[str] = []
    section = ""
    for line in text.splitlines():
        top_level = bool(line) and not line.startswith((" ", "#"))
        resource = section == "Resources:" and line.startswith("  ") and line[2:3] not in " -"
        if lines and (top_level or (resource and lines[-1] != section)):
            lines.append("")
        if top_level:
            section = line
        lines.append(line)
    return "\n".join(lines) + "\n"
