"""Latin (ASCII) spelling of names in any script, fast for Chinese.

`rigour.text.ascii_text` sends every non-Latin string through ICU's transliterator, which
costs about 27 microseconds per Chinese character, however often the character was seen:
a Chinese company name of twelve characters costs a third of a millisecond each time a new
string contains it. Screening meets thousands of distinct Chinese names made of a few
thousand characters, so `ascii_latin` spells Chinese words one character at a time from a
cache and gives ICU only what it cannot take apart.

ICU's Han-Latin transform is itself a table of one reading per character, plus a handful of
rules that read a character by its neighbour (重庆 is "chong qing", 重 alone "zhong"). Words
holding one of those characters, and words mixing Chinese with other letters (where ICU
decides the spacing), go to ICU whole, so the result is always exactly ICU's.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Final

from icu import Transliterator  # type: ignore[import-untyped]
from rigour.text import ascii_text
from rigour.text.scripts import codepoint_script

_CONTEXT_RULE: Final = re.compile(r"^\{((?:\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})+)\}", re.M)
_SPACES: Final = re.compile(r"(\s+)")


@cache
def context_characters() -> frozenset[str]:
    """The characters ICU's Han-Latin reads by their neighbours (its rules `{X} ... > ...`),
    read from ICU's rules on first use (a fifth of a second; most commands never need it)."""
    rules = Transliterator.createInstance("Han-Latin").toRules(True)
    found: set[str] = set()
    for match in _CONTEXT_RULE.finditer(rules):
        found.update(chr(int(code, 16)) for code in re.findall(r"[0-9A-Fa-f]{4,8}", match[1]))
    return frozenset(found)


@lru_cache(maxsize=65_536)
def _character(char: str) -> str:
    """One Chinese character's Latin reading, as ICU gives it alone."""
    return ascii_text(char)


def _is_han(char: str) -> bool:
    return codepoint_script(ord(char)) == "Han"


@lru_cache(maxsize=65_536)
def ascii_latin(text: str) -> str:
    """`rigour.text.ascii_text(text)`, exactly, at a fraction of the cost for Chinese.

    Taken apart only when every word is either all Chinese or all ASCII, between ASCII
    spaces; anything else (full-width brackets, other scripts, a Chinese character glued
    to a Latin letter) is ICU's to space and goes to it whole.
    """
    if text.isascii():
        return text
    if context_characters().intersection(text):
        return ascii_text(text)
    pieces = _SPACES.split(text)  # words at even positions, the spaces between at odd
    for position, piece in enumerate(pieces):
        if piece.isascii():
            continue
        if position % 2 or not all(_is_han(char) for char in piece):
            return ascii_text(text)
        pieces[position] = " ".join(_character(char) for char in piece)
    return "".join(pieces)
