"""Find places of the Xinjiang Uyghur Autonomous Region in an address, in any script.

The place names are a reviewed data table shipped with the package (`data/xuar_places.yaml`),
not code. Latin spellings match as whole words after accents and case are folded, so
"Korla" does not fire inside "Korlandia"; Chinese, Uyghur (Arabic script) and Russian
spellings match as written, because Chinese addresses have no spaces between words and
transliteration of Uyghur is too lossy to compare. Cyrillic and Chinese addresses are also
folded to Latin, so "Урумчи" meets "Urumchi".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from ctip.matching.latin import ascii_latin

NON_ALNUM = re.compile(r"[^a-z0-9]+")
CHINA = "CN"


@dataclass(frozen=True)
class Place:
    """A place of the region: canonical name, administrative level and every spelling."""

    name: str
    level: str
    names: tuple[str, ...]
    needs_context: bool = False


@dataclass(frozen=True)
class RegionHit:
    """A place found in a text: which place, which spelling, and the matched text."""

    place: str
    level: str
    spelling: str


def _fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces, padded for whole-word search."""
    words = NON_ALNUM.sub(" ", ascii_latin(text).lower().replace("'", "")).split()
    return f" {' '.join(words)} "


def _is_latin(spelling: str) -> bool:
    return all(ord(char) < 0x250 for char in spelling)


def _place(raw: dict[str, Any]) -> Place:
    names = tuple(str(name) for name in raw["names"])
    return Place(str(raw["name"]), str(raw["level"]), names, bool(raw.get("needs_context")))


@cache
def region_places() -> tuple[Place, ...]:
    """The region itself first, then its prefectures, cities and counties."""
    text = resources.files("ctip.trade").joinpath("data/xuar_places.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    region = Place(str(data["region"]["name"]), "region", tuple(data["region"]["names"]))
    return (region, *(_place(raw) for raw in data["places"]))


MAX_WORDS = 5
"""The longest Latin spelling in the table, in words ("Kizilsu Kirghiz" has two)."""


@cache
def _spelling_index() -> tuple[dict[str, list[tuple[int, int]]], list[tuple[str, int, int]]]:
    """Latin spellings by their folded words; other scripts as NFKC case-folded text.

    Each spelling is kept with (place number, spelling number), so a hit names the first
    spelling the table gives for the place whichever spelling was found.
    """
    latin: dict[str, list[tuple[int, int]]] = {}
    other: list[tuple[str, int, int]] = []
    for p, place in enumerate(region_places()):
        for n, spelling in enumerate(place.names):
            if _is_latin(spelling):
                latin.setdefault(_fold(spelling).strip(), []).append((p, n))
            else:
                other.append((unicodedata.normalize("NFKC", spelling).casefold(), p, n))
    return latin, other


def _spellings_in(text: str) -> set[tuple[int, int]]:
    """(place, spelling) numbers of every spelling found in the text."""
    latin, other = _spelling_index()
    words = _fold(text).split()
    found: set[tuple[int, int]] = set()
    for size in range(1, MAX_WORDS + 1):
        for start in range(len(words) - size + 1):
            found.update(latin.get(" ".join(words[start : start + size]), ()))
    raw = unicodedata.normalize("NFKC", text).casefold()
    found.update((p, n) for spelling, p, n in other if spelling in raw)
    return found


def find_region_places(text: str, country: str = "") -> list[RegionHit]:
    """Every XUAR place named in `text`; context-dependent names need China or another hit."""
    places = region_places()
    first: dict[int, int] = {}
    for p, n in sorted(_spellings_in(text)):
        first.setdefault(p, n)
    hits = [
        RegionHit(places[p].name, places[p].level, places[p].names[n]) for p, n in first.items()
    ]
    strong = [h for h, p in zip(hits, first, strict=True) if not places[p].needs_context]
    if strong or country.upper() == CHINA:
        return hits
    return []
