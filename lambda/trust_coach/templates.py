"""Phrase templates: many ways of saying a thing, written once.

A template is words with `(a|b)` for one of several, `[a|b]` for an optional one, `<name>`
for a named template defined elsewhere, and `{slot}` for a slot the voice model fills:

    <subject> (hits|is hitting|keeps hitting) me [again]

The voice model's samples are expanded from templates (every spelling listed), and the
danger screen compiles the same notation into one pattern that finds a phrase inside longer
free text, so the words people edit look the same in both places.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import reduce
from itertools import product

_TOKEN = re.compile(r"\s*(\(|\)|\[|\]|\||<[a-z_]+>|\{[A-Za-z_]+\}|[\w'\u2019.-]+)")


class TemplateError(ValueError):
    """A template that does not parse, or names a template nobody defined."""


@dataclass(frozen=True)
class _Words:
    text: str


@dataclass(frozen=True)
class _Slot:
    name: str


@dataclass(frozen=True)
class _Ref:
    name: str


@dataclass(frozen=True)
class _Choice:
    options: tuple[tuple[_Node, ...], ...]
    optional: bool


_Node = _Words | _Slot | _Ref | _Choice


def parse(template: str) -> tuple[_Node, ...]:
    tokens = _tokens(template)
    nodes, rest = _sequence(tokens, template)
    if rest:
        raise TemplateError(f"unexpected {rest[0]!r} in {template!r}")
    return nodes


def _tokens(template: str) -> list[str]:
    tokens, at = [], 0
    template = template.rstrip()
    while at < len(template):
        found = _TOKEN.match(template, at)
        if not found:
            raise TemplateError(f"cannot read {template[at:]!r} in {template!r}")
        tokens.append(found.group(1))
        at = found.end()
    return tokens


def _sequence(tokens: list[str], source: str) -> tuple[tuple[_Node, ...], list[str]]:
    nodes: list[_Node] = []
    while tokens and tokens[0] not in (")", "]", "|"):
        piece, tokens = tokens[0], tokens[1:]
        if piece in ("(", "["):
            closing = ")" if piece == "(" else "]"
            options: list[tuple[_Node, ...]] = []
            while True:
                option, tokens = _sequence(tokens, source)
                options.append(option)
                if not tokens:
                    raise TemplateError(f"missing {closing!r} in {source!r}")
                separator, tokens = tokens[0], tokens[1:]
                if separator == closing:
                    break
                if separator != "|":
                    raise TemplateError(f"{separator!r} closes {piece!r} in {source!r}")
            nodes.append(_Choice(tuple(options), optional=piece == "["))
        elif piece.startswith("<"):
            nodes.append(_Ref(piece[1:-1]))
        elif piece.startswith("{"):
            nodes.append(_Slot(piece[1:-1]))
        else:
            nodes.append(_Words(piece))
    return tuple(nodes), tokens


class Templates:
    """Named templates that other templates refer to as `<name>`."""

    def __init__(self, named: Mapping[str, str] | None = None) -> None:
        self._named = {name: parse(text) for name, text in (named or {}).items()}
        for name in self._named:
            self._check(self._named[name], (name,))

    def _check(self, nodes: tuple[_Node, ...], seen: tuple[str, ...]) -> None:
        for node in nodes:
            if isinstance(node, _Ref):
                if node.name not in self._named:
                    raise TemplateError(f"<{node.name}> is not defined")
                if node.name in seen:
                    raise TemplateError(f"<{node.name}> refers to itself")
                self._check(self._named[node.name], (*seen, node.name))
            elif isinstance(node, _Choice):
                for option in node.options:
                    self._check(option, seen)

    def expand(self, template: str) -> list[str]:
        """Every phrase the template stands for, in order, each once."""
        nodes = parse(template)
        self._check(nodes, ())
        return list(dict.fromkeys(" ".join(words) for words in self._phrases(nodes)))

    def count(self, template: str) -> int:
        """How many phrases `expand` would give (before removing repeats), without listing."""
        nodes = parse(template)
        self._check(nodes, ())
        return self._count(nodes)

    def pattern(self, template: str) -> str:
        """A regular expression for the template, matching whole words of folded text."""
        nodes = parse(template)
        self._check(nodes, ())
        return self._regex(nodes)

    def _phrases(self, nodes: tuple[_Node, ...]) -> Iterator[list[str]]:
        parts = [list(self._node_phrases(node)) for node in nodes]
        for combination in product(*parts):
            yield [word for part in combination for word in part]

    def _node_phrases(self, node: _Node) -> Iterator[list[str]]:
        if isinstance(node, _Words):
            yield [node.text]
        elif isinstance(node, _Slot):
            yield [f"{{{node.name}}}"]
        elif isinstance(node, _Ref):
            yield from self._phrases(self._named[node.name])
        else:
            if node.optional:
                yield []
            for option in node.options:
                yield from self._phrases(option)

    def _count(self, nodes: tuple[_Node, ...]) -> int:
        return reduce(lambda total, node: total * self._node_count(node), nodes, 1)

    def _node_count(self, node: _Node) -> int:
        if isinstance(node, _Ref):
            return self._count(self._named[node.name])
        if isinstance(node, _Choice):
            return sum(self._count(o) for o in node.options) + (1 if node.optional else 0)
        return 1

    def _regex(self, nodes: tuple[_Node, ...]) -> str:
        # Each piece carries its own trailing space, so optional pieces leave no double space.
        return "".join(self._node_regex(node) for node in nodes)

    def _node_regex(self, node: _Node) -> str:
        if isinstance(node, _Words):
            return re.escape(node.text.lower()) + " "
        if isinstance(node, _Slot):
            return r"(?:\S+ )+?"
        if isinstance(node, _Ref):
            return f"(?:{self._regex(self._named[node.name])})"
        options = "|".join(self._regex(option) for option in node.options)
        return f"(?:{options})" + ("?" if node.optional else "")
