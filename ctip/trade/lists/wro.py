"""Reading the entity strings of CBP Withhold Release Orders and Findings.

CBP publishes each order's "Entity" as free text written for people: "a/k/a" chains, "and its
subsidiaries", several firms in one string ("X Co., Ltd. and Y Co., Ltd.", serial lists with
", and"), abbreviations in brackets, locations ("(of Nagoya, Japan)", "..., Tamaulipas,
Mexico") and whole-place orders ("All Turkmenistan Cotton ..."). Screening needs parties with
names and aliases, and place-wide orders as goods x place rules (a rule is not a name: nobody
is called "Xinjiang"). The rules here are general: legal forms come from rigour's org-type
table, places from FollowTheMoney's country names, never from a list of known strings.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from followthemoney import registry
from rigour.names import extract_org_types

AKA = re.compile(r",?\s*\b(?:a/k/a|aka|also known as|f/k/a)\s+", re.IGNORECASE)
SUBSIDIARIES = re.compile(
    r",?\s*\band\s+(?:(?:its|their)\s+)?(?:\w+\s+)?"
    r"(?:subsidiaries|subordinates|affiliates)(?:\s+and\s+joint\s+ventures)?"
    r"(?:\s+from\s+(?P<origin>[^,]+?))?(?=,|$)",
    re.IGNORECASE,
)
VESSEL = re.compile(r"^fishing\s+vessels?\s*:\s*(?P<name>.+)$", re.IGNORECASE)
OWNED_BY = re.compile(r"^(?P<what>[\w ]+?)\s+owned\s+by\s+(?P<name>.+)$", re.IGNORECASE)
LOCATED_OF = re.compile(r"\s*\(of\s+(?P<place>[^()]+)\)")
COLLECTIVELY = re.compile(r"\s*\(collectively,?\s+(?P<group>[^()]+)\)", re.IGNORECASE)
OR_VARIANT = re.compile(r"(?P<before>\S+)\s+\(or\s+(?P<other>[^()]+)\)", re.IGNORECASE)
BRACKET = re.compile(r"\(([^()]+)\)")
ALL_PLACE_GOODS = re.compile(
    r"^all\s+(?P<place>.+?)\s+(?P<goods>\w+)(?:\s+or\s+products\b.*)?$", re.IGNORECASE
)
GOODS_PRODUCED_IN = re.compile(
    r"^(?P<goods>[\w ]+?)\s+(?:produced|made|harvested|mined)\s+in\s+(?P<place>[\w .'-]+?)"
    r"(?:\s+and\s+products\b.*)?$",
    re.IGNORECASE,
)
EXTRA_LEGAL_FORMS = frozenset({"pvt", "pvt ltd", "private limited", "sdn", "bhd", "berhad"})
"""Forms rigour's table leaves out but CBP strings use (Indian "Pvt.", Malaysian "Berhad")."""


@dataclass
class ListedParty:
    """One party named by a listing, as screening needs it."""

    name: str
    aliases: list[str] = field(default_factory=list)
    includes_subsidiaries: bool = False
    country: str | None = None
    address: str | None = None
    schema: str = "LegalEntity"
    notes: str = ""
    abbreviations: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The JSON object `ctip trade parse-listing` prints."""
        return asdict(self)

    def all_names_stated(self) -> list[str]:
        """The name and the aliases as the listing wrote them."""
        return [self.name, *self.aliases]

    @property
    def screening_names(self) -> list[str]:
        """Every form a screener should match: stated aliases, then derived forms."""
        names = [*self.aliases, *self.abbreviations, *self.variants]
        return list(dict.fromkeys(n for n in names if n != self.name))


@dataclass
class PlaceRule:
    """A place-wide order: goods from a country or region, not a party."""

    goods: str
    place: str
    country: str | None
    text: str

    def to_json(self) -> dict[str, Any]:
        """As JSON."""
        return asdict(self)


@dataclass
class ParsedListing:
    """What one CBP entity string holds: parties and place-wide rules."""

    text: str
    parties: list[ListedParty] = field(default_factory=list)
    rules: list[PlaceRule] = field(default_factory=list)


def parse_listing(
    text: str, country: str | None = None, merchandise: str | None = None
) -> ParsedListing:
    """Split one CBP "Entity" string into parties (or a place rule).

    `country` and `merchandise` are the order's own columns, when known: a region-wide order
    ("Xinjiang Uyghur Autonomous Region (XUAR)") covers the order's merchandise.
    """
    clean = " ".join(text.split())
    listing = ParsedListing(text)
    rule = place_rule(clean, country, merchandise)
    if rule is not None:
        listing.rules.append(rule)
        return listing
    location: tuple[str, str | None] | None = None
    for segment in reversed(split_outside_brackets(clean, ";")):
        if is_bare_place(segment):
            location = (strip_final_period(segment), country_code(segment))
            continue
        parties = parse_segment(segment)
        if location is not None:
            for party in parties:
                party.address = party.address or location[0]
                party.country = party.country or location[1]
            location = None
        listing.parties[:0] = parties
    return listing


def place_rule(text: str, country: str | None, merchandise: str | None) -> PlaceRule | None:
    """A country- or region-wide order, or None when the text names parties."""
    body = text.rstrip(" .")
    for pattern in (ALL_PLACE_GOODS, GOODS_PRODUCED_IN):
        match = pattern.match(body)
        if match and country_code(match["place"]):
            goods = match["goods"].strip().lower()
            return PlaceRule(goods, match["place"].strip(), country_code(match["place"]), text)
    place = BRACKET.sub("", body).strip()
    code = country_code(place) if not has_legal_form(place) else None
    if code is None:
        return None
    goods = (merchandise or "all goods").strip().lower()
    return PlaceRule(goods, body, country or code, text)


def country_code(place: str) -> str | None:
    """The ISO code FollowTheMoney reads in a place name (a country, region or known city)."""
    code = registry.country.clean(place.strip(" .,"))
    return code if isinstance(code, str) else None


def is_bare_place(segment: str) -> bool:
    """A ';'-separated piece that only says where the parties before it are ("Kathmandu.")."""
    words = segment.strip(" .").split()
    return 0 < len(words) <= 3 and not has_legal_form(segment) and country_code(segment) is not None


def parse_segment(segment: str) -> list[ListedParty]:
    """One ';'-separated piece: parties with their subsidiaries, aliases and locations."""
    segment = segment.strip()
    vessel = VESSEL.match(segment)
    if vessel:
        return [finish(ListedParty(vessel["name"], schema="Vessel"))]
    owned = OWNED_BY.match(segment)
    if owned:
        return [finish(ListedParty(owned["name"], notes=segment))]
    match = SUBSIDIARIES.search(segment)
    if match is None:
        return [finish(p) for p in split_parties(segment)]
    return subsidiaries_listing(segment, match)


def subsidiaries_listing(segment: str, match: re.Match[str]) -> list[ListedParty]:
    """'X and its (two) subsidiaries[ from C][, A and B]': X flagged, named subsidiaries too."""
    parents = split_parties(segment[: match.start()])
    note = match.group(0).strip(" ,")
    for parent in parents:
        parent.includes_subsidiaries = True
        parent.notes = note
    named = segment[match.end() :].strip(" ,")
    children = split_parties(named) if named else []
    origin = country_code(match["origin"]) if match["origin"] else None
    for party in [*parents, *children]:
        party.country = party.country or origin
    return [finish(p) for p in [*parents, *children]]


def split_parties(text: str) -> list[ListedParty]:
    """Several parties in one string: 'a/k/a' chains, serial lists, 'X Ltd. and Y Ltd.'."""
    text = text.strip(" ,")
    if AKA.search(text):
        name, *aliases = [a.strip(" ,") for a in AKA.split(text) if a.strip(" ,")]
        return [ListedParty(name, aliases=aliases)]
    for splitter in (serial_list, joined_by_and):
        names = splitter(text)
        if names:
            return [party for name in names for party in with_group(name)]
    return with_group(text)


def with_group(text: str) -> list[ListedParty]:
    """'X (collectively, G)': the party, and the group name G as a party of its own."""
    match = COLLECTIVELY.search(text)
    if match is None:
        return [ListedParty(text)]
    party = ListedParty(COLLECTIVELY.sub("", text).strip())
    group = ListedParty(match["group"].strip(" ."), notes=match.group(0).strip(" ()"))
    group.includes_subsidiaries = True
    return [party, group]


def serial_list(text: str) -> list[str] | None:
    """'A Pvt., B Pvt., Ltd., C Carpet, and D': split when every item reads as a party."""
    if not re.search(r",\s+and\s+", text):
        return None
    pieces = [re.sub(r"^and\s+", "", p.strip()) for p in split_outside_brackets(text, ",")]
    items = merge_legal_forms(pieces)
    if len(items) < 2 or any(len(BRACKET.sub("", i).split()) < 2 for i in items):
        return None
    return items


def joined_by_and(text: str) -> list[str] | None:
    """'X Co., Ltd. and Y Co., Ltd.': 'and' splits only after a complete legal name."""
    names, start = [], 0
    for match in re.finditer(r"\s+and\s+", text):
        left = text[start : match.start()]
        if ends_with_legal_form(left) and len(text[match.end() :].split()) >= 2:
            names.append(left.strip(" ,"))
            start = match.end()
    if not names:
        return None
    return [*names, text[start:].strip(" ,")]


def merge_legal_forms(pieces: list[str]) -> list[str]:
    """Re-attach ', Ltd.' and the like, which a comma split cut off their names."""
    items: list[str] = []
    for piece in pieces:
        if items and is_only_legal_form(piece):
            items[-1] = f"{items[-1]}, {piece}"
        elif piece:
            items.append(piece)
    return items


def split_outside_brackets(text: str, separator: str) -> list[str]:
    """Split on a separator, but never inside '(...)'."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == separator and depth <= 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def legal_form_words(text: str) -> str:
    """The text without its legal forms, lower-cased, for the tests below."""
    rest = text.lower()
    for found, _ in extract_org_types(text):
        rest = rest.replace(found.lower(), " ")
    for form in EXTRA_LEGAL_FORMS:
        rest = re.sub(rf"\b{form}\b\.?", " ", rest)
    return rest.strip(" ,.")


def is_only_legal_form(piece: str) -> bool:
    """'Ltd.', 'Limited', 'Pvt., Ltd.': nothing but a legal form."""
    return bool(piece.strip(" ,.")) and not legal_form_words(piece)


def has_legal_form(text: str) -> bool:
    """Whether a company form appears anywhere in the text."""
    return legal_form_words(text) != text.lower().strip(" ,.")


def ends_with_legal_form(text: str) -> bool:
    """'... Co., Ltd.', '... S.A. de C.V.', '... Limited': a complete company name."""
    words = text.strip(" ,").split()
    return any(is_only_legal_form(" ".join(words[-n:])) for n in range(1, min(len(words), 5)))


def finish(party: ListedParty) -> ListedParty:
    """Tidy one party: location out of the name, final period, derived name forms."""
    party.name = take_location(party, party.name.strip(" ,"))
    party.name = strip_final_period(party.name)
    party.aliases = [strip_final_period(a) for a in party.aliases]
    for name in party.all_names_stated():
        party.abbreviations.extend(abbreviations(name))
        party.variants.extend(variants(name))
    party.abbreviations = list(dict.fromkeys(party.abbreviations))
    party.variants = list(dict.fromkeys(party.variants))
    return party


def take_location(party: ListedParty, name: str) -> str:
    """Move '(of Nagoya, Japan)' or a trailing ', City, Region, Country' into the address."""
    located = LOCATED_OF.search(name)
    if located:
        party.address = located["place"].strip()
        party.country = party.country or country_code(located["place"].split(",")[-1])
        return LOCATED_OF.sub("", name).strip()
    pieces = merge_legal_forms(split_outside_brackets(name, ","))
    if len(pieces) > 1 and len(pieces[-1].split()) <= 3 and not has_legal_form(pieces[-1]):
        code = country_code(pieces[-1])
        if code is not None and len(code) == 2:
            party.address = ", ".join(pieces[1:])
            party.country = party.country or code
            return pieces[0]
    return name


def strip_final_period(name: str) -> str:
    """Drop a sentence's full stop, but keep the one of an abbreviation ('Co. Ltd.', 'K.K.')."""
    name = name.strip()
    if not name.endswith("."):
        return name
    last = name.split()[-1].rstrip(".")
    abbreviated_form = is_only_legal_form(last) and len(last) <= 4
    keeps = "." in last or len(last) <= 1 or abbreviated_form or last.lower() == "no"
    return name if keeps else name[:-1].rstrip()


def abbreviations(name: str) -> list[str]:
    """Bracketed acronyms that spell the words before them: 'XPCC', 'XUAR', 'VSETC'."""
    found = []
    for match in BRACKET.finditer(name):
        acronym = match.group(1).strip()
        words = re.findall(r"[A-Za-z][\w-]*", name[: match.start()])
        initials = "".join(w[0].upper() for w in words if w.lower() not in {"and", "of", "the"})
        if re.fullmatch(r"[A-Z]{2,8}", acronym) and initials.endswith(acronym):
            found.append(acronym)
    return found


def variants(name: str) -> list[str]:
    """Other written forms: '(or Xinsheng)' spellings, and the name without its brackets."""
    forms = [OR_VARIANT.sub(lambda m: m["other"].strip(), name)]
    forms.append(OR_VARIANT.sub(lambda m: m["before"], name))
    forms = [" ".join(BRACKET.sub(" ", f).split()) for f in forms]
    return [f for f in dict.fromkeys(forms) if f and f != name]
