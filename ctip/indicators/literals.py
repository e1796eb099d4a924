"""Where a pattern can start: the fixed words every match of it begins with.

A rule pack holds dozens of patterns, and trying each of them at every place of every ad is
what scoring costs. Most indicator patterns begin with fixed words ("she is", "new in town",
"gift card"), so the only places worth trying are those where one of these words begins.
`head_literals` reads the words off the pattern's syntax tree (the standard library's own
regular-expression parser); `LiteralScanner` finds, in one pass over a text, every place
where any pattern's words begin, and tries there only the patterns that can start there.
The result is exactly that of trying every pattern at every place (tests compare the two).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

MAX_LITERALS: Final = 64
"""Alternatives spelled out per pattern; past this a shorter common beginning is used."""


def _engine_module(name: str) -> Any:
    """A module of the standard library's regular-expression engine (`re._parser`,
    `re._constants`): `re` compiles every pattern through them. None if a Python lacks it:
    then no pattern has literals and every pattern is tried everywhere (slower, same result).
    """
    try:
        return importlib.import_module(f"re.{name}")
    except ImportError:  # pragma: no cover - CPython 3.11 to 3.14 have both
        return None


_PARSER: Final = _engine_module("_parser")
_CONSTANTS: Final = _engine_module("_constants")


def _parse(pattern: re.Pattern[str]) -> list[tuple[Any, Any]]:
    """The pattern's syntax tree: a list of (opcode, argument) items."""
    items: list[tuple[Any, Any]] = list(_PARSER.parse(pattern.pattern, pattern.flags).data)
    return items


def _opcodes() -> dict[str, Any]:
    """The opcodes the analysis reads (a stand-in that matches nothing if one is missing)."""
    names = "AT AT_BOUNDARY ASSERT ASSERT_NOT LITERAL SUBPATTERN BRANCH MAX_REPEAT MIN_REPEAT"
    return {name: getattr(_CONSTANTS, name, object()) for name in names.split()}


_OP: Final = _opcodes()
_ZERO_WIDTH: Final = frozenset({_OP["AT"], _OP["ASSERT"], _OP["ASSERT_NOT"]})

Literals = tuple[set[str], bool]
"""Strings one of which every match begins with, and whether they are the whole match."""


def _sequence(items: Sequence[tuple[Any, Any]]) -> Literals:
    """The beginnings of a run of items: their literals one after the other, as far as they
    are fixed; zero-width items (\\b, look-arounds) consume nothing and are passed over."""
    found = {""}
    for op, argument in items:
        if op in _ZERO_WIDTH:
            continue
        item = _item(op, argument)
        if item is None:
            return found, False
        strings, whole = item
        if len(found) * len(strings) > MAX_LITERALS:
            return found, False
        found = {a + b for a in found for b in strings}
        if not whole:
            return found, False
    return found, True


def _item(op: Any, argument: Any) -> Literals | None:
    """The beginnings of one item, or None when it begins with no fixed text."""
    if op is _OP["LITERAL"]:
        return {chr(argument)}, True
    if op is _OP["SUBPATTERN"]:
        _group, add_flags, del_flags, items = argument
        return None if add_flags or del_flags else _sequence(items)
    if op is _OP["BRANCH"]:
        branches = [_sequence(items) for items in argument[1]]
        strings = set().union(*(found for found, _ in branches))
        if len(strings) > MAX_LITERALS:
            return None
        return strings, all(whole for _, whole in branches)
    if op in (_OP["MAX_REPEAT"], _OP["MIN_REPEAT"]):
        low, high, items = argument
        if low < 1:
            return None
        found, whole = _sequence(items)
        return found, whole and low == high == 1
    return None


def head_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Strings one of which every match of `pattern` begins with (none is another's
    beginning), or None when that cannot be told (the pattern may begin anywhere)."""
    if pattern.flags & re.IGNORECASE or _PARSER is None:
        return None
    found, _ = _sequence(_parse(pattern))
    if not found or "" in found:
        return None
    kept = sorted(found)
    return tuple(s for i, s in enumerate(kept) if not any(s.startswith(t) for t in kept[:i]))


def begins_at_word_boundary(pattern: re.Pattern[str]) -> bool:
    """Whether the pattern opens with `\\b` (so it can only match where a word begins, when
    its first character is a word character)."""
    items = _parse(pattern) if _PARSER is not None else []
    return bool(items) and items[0] == (_OP["AT"], _OP["AT_BOUNDARY"])


def _is_word_character(char: str) -> bool:
    return char.isalnum() or char == "_"


def alternation(words: Sequence[str]) -> str:
    """An alternation of plain words, their first characters factored out (`a(?:b|c)` for
    `ab|ac`): the engine then tests one character per group instead of every word (a
    75-word alternation costs five times a factored one). Within a group the words keep
    their order, which is what decides between two that both match, so the pattern matches
    exactly what `word1|word2|...` matches."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    parts = [
        re.escape(first) + (rests[0] if len(rests) == 1 else "(?:" + "|".join(rests) + ")")
        for first, rests in groups.items()
    ]
    return "(?:" + "|".join(parts) + ")"


def _trie_source(literals: Sequence[str]) -> str:
    """An alternation matching where any of the literals begins, factored by character so
    the engine checks one character per branch (a literal's end ends its branch)."""
    trie: dict[str, Any] = {}
    for literal in literals:
        node = trie
        for char in literal:
            node = node.setdefault(char, {})
        node[""] = {}
    return _node_source(trie)


def _node_source(node: dict[str, Any]) -> str:
    if "" in node:
        return ""
    branches = [re.escape(char) + _node_source(child) for char, child in sorted(node.items())]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


@dataclass(frozen=True)
class _Entry:
    """A pattern the finder serves: its number and the literals it begins with."""

    number: int
    pattern: re.Pattern[str]
    literals: tuple[str, ...]


class LiteralScanner:
    """Every match of each of many patterns at every place in a text, overlaps included.

    `matches(text)[i]` lists the matches of `patterns[i]` by where they begin, exactly as
    `patterns[i].match(text, p)` for every place p would give them, at a fraction of the
    cost: one pass finds the places where any pattern's literals begin, and only the
    patterns that begin with the literal found there are tried.

    A pattern opening with `\b` before a word character can only begin where a word does,
    right after a separator: its literals are sought as "a separator, then the literal",
    so the engine skips ahead from separator to separator (a fifth of a text's characters)
    instead of stopping at every letter that might begin a literal.
    """

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        self.patterns = tuple(patterns)
        self._by_char: dict[str, list[_Entry]] = {}
        self._anywhere: list[tuple[int, re.Pattern[str]]] = []
        at_words: list[str] = []
        elsewhere: list[str] = []
        for number, pattern in enumerate(self.patterns):
            literals = head_literals(pattern)
            if literals is None:
                self._anywhere.append((number, pattern))
                continue
            at_boundary = begins_at_word_boundary(pattern)
            for char in sorted({literal[0] for literal in literals}):
                chosen = tuple(literal for literal in literals if literal[0] == char)
                self._by_char.setdefault(char, []).append(_Entry(number, pattern, chosen))
            for literal in literals:
                word = at_boundary and _is_word_character(literal[0])
                (at_words if word else elsewhere).append(literal)
        trie = _trie_source(at_words) if at_words else ""
        self._word_first = re.compile(trie) if trie else None
        """A literal that begins a word, tried where the text begins."""
        self._after_separator = re.compile(rf"\W(?:{trie})") if trie else None
        """A separator followed by a literal that begins a word."""
        self._elsewhere = re.compile(_trie_source(elsewhere)) if elsewhere else None

    def matches(self, text: str) -> dict[int, list[re.Match[str]]]:
        """The matches of each pattern that matches anywhere, keyed by its number."""
        found: dict[int, list[re.Match[str]]] = {}
        by_char, begins = self._by_char, text.startswith
        for at in self._places(text):
            for entry in by_char[text[at]]:
                if begins(entry.literals, at):
                    match = entry.pattern.match(text, at)
                    if match is not None:
                        found.setdefault(entry.number, []).append(match)
        for number, pattern in self._anywhere:
            at = 0
            while (match := pattern.search(text, at)) is not None:
                found.setdefault(number, []).append(match)
                at = match.start() + 1
        return found

    def _places(self, text: str) -> list[int]:
        """Every place where some pattern's literal begins, in order."""
        places = []
        if self._word_first is not None and self._word_first.match(text) is not None:
            places.append(0)
        if self._after_separator is not None:
            places += _starts(self._after_separator, text, 1)
        if self._elsewhere is not None:
            places = sorted(set(places).union(_starts(self._elsewhere, text, 0)))
        return places


def _starts(finder: re.Pattern[str], text: str, offset: int) -> list[int]:
    """Where each match of `finder` begins, plus `offset`, overlaps included."""
    search, starts, at = finder.search, [], 0
    while (place := search(text, at)) is not None:
        at = place.start() + offset
        starts.append(at)
        at += 1 - offset
    return starts
