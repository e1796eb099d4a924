"""The federal trafficking statutes a charge may cite, as data: 18 U.S.C. chapter 77
(Peonage, Slavery, and Trafficking in Persons), sections 1581-1597.

A charge cites one of these by section ("1591", "18 USC 1591", "18 U.S.C. § 1591") or,
for a state charge, the state statute as written ("Tex. Penal Code 20A.02").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ctip.model.errors import InvalidInput

MAX_STATUTE = 200


@dataclass(frozen=True)
class Statute:
    """One section of 18 U.S.C. chapter 77."""

    section: str
    title: str

    @property
    def citation(self) -> str:
        """How a charging document cites it."""
        return f"18 U.S.C. § {self.section}"


FEDERAL: dict[str, Statute] = {
    s.section: s
    for s in (
        Statute("1581", "Peonage; obstructing enforcement"),
        Statute("1582", "Vessels for slave trade"),
        Statute("1583", "Enticement into slavery"),
        Statute("1584", "Sale into involuntary servitude"),
        Statute("1585", "Seizure, detention, transportation or sale of slaves"),
        Statute("1586", "Service on vessels in slave trade"),
        Statute("1587", "Possession of slaves aboard vessel"),
        Statute("1588", "Transportation of slaves from United States"),
        Statute("1589", "Forced labor"),
        Statute(
            "1590",
            "Trafficking with respect to peonage, slavery, involuntary servitude, or forced labor",
        ),
        Statute("1591", "Sex trafficking of children or by force, fraud, or coercion"),
        Statute("1592", "Unlawful conduct with respect to documents in furtherance of trafficking"),
        Statute(
            "1593A", "Benefitting financially from peonage, slavery, and trafficking in persons"
        ),
        Statute("1594", "General provisions (attempt and conspiracy)"),
        Statute("1596", "Additional jurisdiction in certain trafficking offenses"),
        Statute("1597", "Unlawful conduct with respect to immigration documents"),
    )
}
_FEDERAL_FORM = re.compile(
    r"^\s*(?:18\s*U\.?\s*S\.?\s*C\.?\s*(?:§+|sec(?:tion)?\.?)?\s*)?(15\d\dA?)(\(.*\))?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Citation:
    """A charge's statute as stored: the text and whether it is a federal section."""

    text: str
    federal: bool


def cite(statute: str) -> Citation:
    """A federal section read to its citation (subsections kept), anything else kept as a
    state statute; a federal-looking section outside chapter 77 is refused."""
    text = " ".join(statute.split())
    if not text or len(text) > MAX_STATUTE or "\x00" in text:
        raise InvalidInput(f"statute: 1 to {MAX_STATUTE} characters")
    match = _FEDERAL_FORM.match(text)
    if match is None:
        return Citation(text, federal=False)
    section = match.group(1).upper()
    if section not in FEDERAL:
        known = ", ".join(FEDERAL)
        raise InvalidInput(f"18 U.S.C. {section} is not in chapter 77; one of {known}")
    return Citation(FEDERAL[section].citation + (match.group(2) or ""), federal=True)
