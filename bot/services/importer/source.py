"""Reads the YAML text into plain Python values and remembers the line of every value.

PyYAML's `safe_load` forgets where a value stood, so the document is composed to nodes
(which carry marks) and converted here. The conversion also catches what `safe_load`
silently accepts: a key given twice in one mapping. Timestamps are kept as the text that
was written, so that dates and times are checked by the schema with a clear message
(`'2021-02-30' is not a valid date`) and interpreted in the configured time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.services.importer.problems import ImportInvalid, Path, Problem, place_of

_MERGE_TAG = "tag:yaml.org,2002:merge"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}


@dataclass
class Source:
    """The document as plain values, and the line (from 1) of each path in it."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Paths whose value could not be read: their problem is reported already.
    unreadable: set[Path] = field(default_factory=set)

    def line_of(self, path: Path) -> int | None:
        """The line of `path`, or of its nearest parent (e.g. for a missing field)."""
        for length in range(len(path), -1, -1):
            line = self.lines.get(path[:length])
            if line is not None:
                return line
        return None


# libyaml's parser when PyYAML was built with it: ten times faster on a large file (the
# nodes, marks and tags are the same).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def read_yaml(text: str) -> Source:
    """Parse `text`; a syntax error raises ImportInvalid at once (nothing else can be checked)."""
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        reason = error.problem or error.context or "the text cannot be read"
        if error.context and error.problem and error.context_mark is not None:
            reason += f" ({error.context} on line {error.context_mark.line + 1})"
        line = int(mark.line) + 1 if mark is not None else None
        raise ImportInvalid([Problem(line, "", f"YAML syntax error: {reason}")]) from None
    except yaml.YAMLError as error:
        raise ImportInvalid([Problem(None, "", f"YAML syntax error: {error}")]) from None
    if root is None:
        raise ImportInvalid([Problem(None, "", "the file is empty")])
    source = Source(data=None, lines={(): _line(root)})
    source.data = _Converter(source).convert(root, ())
    return source


class _Converter:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.constructor = yaml.SafeLoader("")
        self.active: set[int] = set()  # nodes being converted: guards against recursive aliases

    def problem(self, node: Node, path: Path, message: str) -> None:
        self.source.unreadable.add(path)
        self.source.problems.append(Problem(_line(node), place_of(path), message))

    def convert(self, node: Node, path: Path) -> Any:
        if id(node) in self.active:
            self.problem(node, path, "an alias refers to itself")
            return None
        if not isinstance(node, ScalarNode) and node.tag not in _COLLECTION_TAGS:
            self.problem(node, path, f"the YAML tag '{node.tag}' is not supported here")
            return None
        self.active.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self.mapping(node, path)
            if isinstance(node, SequenceNode):
                return self.sequence(node, path)
            return self.scalar(node, path)
        finally:
            self.active.discard(id(node))

    def scalar(self, node: Node, path: Path) -> Any:
        assert isinstance(node, ScalarNode)
        if node.tag == _TIMESTAMP_TAG:
            return str(node.value)
        if node.tag not in _PLAIN_TAGS:
            self.problem(node, path, f"the YAML tag '{node.tag}' is not supported here")
            return None
        try:
            return self.constructor.construct_object(node)
        except (yaml.YAMLError, ValueError) as error:
            self.problem(node, path, f"'{node.value}' cannot be read: {error}")
            return None

    def sequence(self, node: SequenceNode, path: Path) -> list[Any]:
        items = []
        for index, item in enumerate(node.value):
            self.source.lines[(*path, index)] = _line(item)
            items.append(self.convert(item, (*path, index)))
        return items

    def mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        explicit: dict[str, Any] = {}
        # `<<: *defaults` first, so that keys written in the mapping itself win (YAML merge).
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                self.merge(value_node, path, merged)
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            if not isinstance(key_node, ScalarNode):
                self.problem(key_node, path, "a key must be a plain word, not a list or mapping")
                continue
            key = str(key_node.value)
            if key in explicit:
                self.problem(key_node, (*path, key), f"the key '{key}' is given twice")
                continue
            self.source.lines[(*path, key)] = _line(key_node)
            explicit[key] = self.convert(value_node, (*path, key))
        return {**merged, **explicit}

    def merge(self, value_node: Node, path: Path, merged: dict[str, Any]) -> None:
        sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
        for source_node in sources:
            if not isinstance(source_node, MappingNode):
                self.problem(source_node, path, "'<<' must refer to a mapping")
                continue
            for key, value in self.convert(source_node, path).items():
                merged.setdefault(key, value)  # earlier mappings in a merge list win
