"""A seeded, synthetic FtM world of people, companies and their ownership and directorships.

The entity store's speed depends on what it indexes: how many names and in which scripts,
how often a name token repeats, how many phones and e-mails each entity carries. So the
data imitates what investigators load (corporate registries, leaked ad data, watch lists):
mostly Latin names with accents, and Cyrillic, Chinese and Arabic names; phones in the
formats people write them; registration numbers with their printed separators; a few
phones shared by several entities, as in trafficking networks.

Everything is drawn from one `random.Random(seed)`, so the same seed and size give the
same bytes, and the same look-up queries, on every run and every machine.
"""

from __future__ import annotations

import json
import random
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import phonenumbers
from rigour.text import ascii_text

Properties = dict[str, list[str]]

WORDS: dict[str, Any] = tomllib.loads(
    Path(__file__).with_name("words.toml").read_text(encoding="utf-8")
)
LEGAL_FORM_WORDS = frozenset(
    [word for form in WORDS["legal_forms"] for word in form.split()] + WORDS["cyrillic_forms"]
)
SCRIPT_WEIGHTS = {"latin": 70, "cyrillic": 12, "chinese": 10, "arabic": 8}
SCHEMA_WEIGHTS = {
    "Person": 40,
    "Company": 20,
    "Organization": 5,
    "Ownership": 20,
    "Directorship": 15,
}
SHARED_PHONE_RATE = 0.08  # a phone seen on another entity: the links a network leaves
ENTITY_PREFIX = "bench"


@dataclass
class Queries:
    """Look-up queries drawn from the data, each with how it was derived."""

    names: list[tuple[str, str]] = field(default_factory=list)
    identifiers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class SyntheticWorld:
    """FtM JSON lines and the look-ups to run against them."""

    lines: bytes
    entities: int
    statements: int
    queries: Queries


class _Generator:
    """Draws entities one at a time, remembering what later edges and queries need."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.people: list[str] = []
        self.companies: list[str] = []
        self.organisations: list[str] = []
        self.names: list[str] = []
        self.identifiers: list[tuple[str, str]] = []
        self.phones: list[str] = []
        self.serial = 0

    def next_id(self, kind: str) -> str:
        self.serial += 1
        return f"{ENTITY_PREFIX}-{kind}-{self.serial:07d}"

    def entity(self) -> dict[str, Any]:
        """One entity of a schema drawn by weight (edges only once their ends exist)."""
        schema = self.rng.choices(list(SCHEMA_WEIGHTS), list(SCHEMA_WEIGHTS.values()))[0]
        if schema in ("Ownership", "Directorship") and len(self.companies) < 5:
            schema = "Company"
        return _BUILDERS[schema](self)

    def script(self) -> str:
        return self.rng.choices(list(SCRIPT_WEIGHTS), list(SCRIPT_WEIGHTS.values()))[0]

    def pick(self, words: str) -> str:
        """One word of a list in words.toml."""
        return str(self.rng.choice(WORDS[words]))

    def country(self, script: str) -> str:
        return str(self.rng.choice(WORDS["countries"][script]))

    def date(self, first_year: int, last_year: int) -> str:
        year = self.rng.randint(first_year, last_year)
        return f"{year:04d}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"

    def phone(self, country: str) -> str:
        """A valid phone of the country, written as people write them; some reused."""
        if self.phones and self.rng.random() < SHARED_PHONE_RATE:
            return self.rng.choice(self.phones)
        number = _valid_number(self.rng, country.upper())
        style = self.rng.random()
        if style < 0.6:
            text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        elif style < 0.9:
            text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        else:  # national form, only readable through the entity's own country
            text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        if text.startswith("+"):
            self.phones.append(text)
        self.identifiers.append(("phone", _phone_query(self.rng, number)))
        return text

    def email(self, name: str) -> str:
        words = [w for w in ascii_text(name).lower().replace("'", "").split() if w.isalnum()]
        local = ".".join(words[:2]) or "info"
        address = f"{local}{self.rng.randint(1, 9999)}@{self.pick('email_domains')}"
        self.identifiers.append(("email", address.upper() if self.rng.random() < 0.5 else address))
        return address

    def registration(self) -> str:
        digits = "".join(self.rng.choice("0123456789") for _ in range(self.rng.randint(8, 12)))
        grouped = " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))
        prefix = self.rng.choice(["", "", "HRB ", "RC-", "91", "CN"])
        value = prefix + (grouped if self.rng.random() < 0.3 else digits)
        query = value.replace(" ", "").lower() if self.rng.random() < 0.5 else value
        self.identifiers.append(("registration", query))
        return value

    def address(self) -> str:
        street = f"{self.rng.randint(1, 999)} {self.pick('streets')}"
        city = self.pick("places")
        return f"{street} {self.pick('street_types')}, {city}"

    def remember_name(self, name: str) -> None:
        self.names.append(name)


def _valid_number(rng: random.Random, region: str) -> phonenumbers.PhoneNumber:
    """A random number valid in the region: an example mobile with its tail redrawn."""
    example = phonenumbers.example_number_for_type(
        region, phonenumbers.PhoneNumberType.MOBILE
    ) or phonenumbers.example_number(region)
    if example is None:
        raise ValueError(f"phonenumbers has no example number for {region}")
    national = str(example.national_number)
    for _ in range(50):
        tail = "".join(rng.choice("0123456789") for _ in national[3:])
        number = phonenumbers.parse(f"+{example.country_code}{national[:3]}{tail}")
        if phonenumbers.is_valid_number(number):
            return number
    return example


def _phone_query(rng: random.Random, number: phonenumbers.PhoneNumber) -> str:
    """How an investigator might type the number back: other spacing, dots, no plus."""
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    style = rng.random()
    if style < 0.4:
        return e164
    if style < 0.7:
        text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        return text.replace(" ", ".")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.RFC3966)


def _add(properties: Properties, prop: str, value: str) -> None:
    values = properties.setdefault(prop, [])
    if value not in values:
        values.append(value)


def _person_name(gen: _Generator, script: str) -> str:
    rng = gen.rng
    if script == "cyrillic":
        return f"{gen.pick('cyrillic_first')} {gen.pick('cyrillic_last')}"
    if script == "chinese":
        return gen.pick("chinese_surnames") + gen.pick("chinese_given")
    if script == "arabic":
        return f"{gen.pick('arabic_first')} {gen.pick('arabic_last')}"
    middle = f" {gen.pick('latin_first')}" if rng.random() < 0.2 else ""
    return f"{gen.pick('latin_first')}{middle} {gen.pick('latin_last')}"


def _person(gen: _Generator) -> dict[str, Any]:
    rng, script = gen.rng, gen.script()
    country, name = gen.country(script), _person_name(gen, script)
    props: Properties = {}
    _add(props, "name", name)
    if script != "latin" and rng.random() < 0.5:  # the romanised spelling a visa form carries
        _add(props, "alias", ascii_text(name).title())
    _add(props, "country", country)
    _add(props, "nationality", gen.country(script) if rng.random() < 0.8 else country)
    _add(props, "birthDate", gen.date(1950, 2006))
    _add(props, "gender", rng.choice(["male", "female"]))
    for _ in range(rng.choice([1, 1, 2, 3])):
        _add(props, "phone", gen.phone(country))
    if rng.random() < 0.7:
        _add(props, "email", gen.email(name))
    if rng.random() < 0.5:
        _add(props, "address", gen.address())
    if rng.random() < 0.3:
        _add(props, "passportNumber", f"{rng.choice('ACEKMNPX')}{rng.randint(1000000, 9999999)}")
    entity_id = gen.next_id("p")
    gen.people.append(entity_id)
    gen.remember_name(name)
    return {"id": entity_id, "schema": "Person", "properties": props}


def _company_name(gen: _Generator, script: str) -> str:
    rng = gen.rng
    if script == "cyrillic":
        brand = f"{gen.pick('cyrillic_brands')} {gen.pick('cyrillic_trades')}"
        return f"{gen.pick('cyrillic_forms')} «{brand}»"
    if script == "chinese":
        parts = ("chinese_places", "chinese_brands", "chinese_trades", "chinese_forms")
        return "".join(gen.pick(words) for words in parts)
    if script == "arabic":
        return f"شركة {gen.pick('arabic_brands')} {gen.pick('arabic_trades')}"
    place = gen.pick("places") + " " if rng.random() < 0.4 else ""
    industry = gen.pick("industries")
    return f"{place}{gen.pick('brand_words')} {industry} {gen.pick('legal_forms')}"


def _company(gen: _Generator, schema: str = "Company") -> dict[str, Any]:
    rng, script = gen.rng, gen.script()
    country = gen.country(script)
    name = _company_name(gen, script) if schema == "Company" else _organisation_name(gen)
    props: Properties = {}
    _add(props, "name", name)
    if script != "latin" and rng.random() < 0.4:
        _add(props, "alias", ascii_text(name).title())
    _add(props, "jurisdiction" if schema == "Company" else "country", country)
    if schema == "Company" or rng.random() < 0.3:
        _add(props, "registrationNumber", gen.registration())
    _add(props, "incorporationDate", gen.date(1980, 2024))
    _add(props, "address", gen.address())
    if rng.random() < 0.6:
        _add(props, "phone", gen.phone(country))
    if rng.random() < 0.5:
        _add(props, "email", gen.email(ascii_text(name)))
    if rng.random() < 0.3:
        slug = "".join(c for c in ascii_text(name).lower() if c.isalnum())[:20] or "site"
        _add(props, "website", f"https://www.{slug}.com/")
    entity_id = gen.next_id("c" if schema == "Company" else "o")
    (gen.companies if schema == "Company" else gen.organisations).append(entity_id)
    gen.remember_name(name)
    return {"id": entity_id, "schema": schema, "properties": props}


def _organisation_name(gen: _Generator) -> str:
    return f"{gen.pick('org_words')} {gen.pick('org_words')} {gen.pick('org_kinds')}"


def _organisation(gen: _Generator) -> dict[str, Any]:
    return _company(gen, "Organization")


def _ownership(gen: _Generator) -> dict[str, Any]:
    rng = gen.rng
    owners = gen.people if gen.people and rng.random() < 0.6 else gen.companies
    asset = rng.choice(gen.companies)
    props: Properties = {"owner": [rng.choice(owners)], "asset": [asset]}
    _add(props, "percentage", str(rng.choice([5, 10, 25, 33, 49, 50, 51, 75, 100])))
    _add(props, "startDate", gen.date(1990, 2024))
    return {"id": gen.next_id("own"), "schema": "Ownership", "properties": props}


def _directorship(gen: _Generator) -> dict[str, Any]:
    rng = gen.rng
    boards = gen.organisations if gen.organisations and rng.random() < 0.2 else gen.companies
    director = rng.choice(gen.people or gen.companies)
    props: Properties = {"director": [director], "organization": [rng.choice(boards)]}
    _add(props, "role", gen.pick("roles"))
    _add(props, "startDate", gen.date(1990, 2024))
    return {"id": gen.next_id("dir"), "schema": "Directorship", "properties": props}


_BUILDERS = {
    "Person": _person,
    "Company": _company,
    "Organization": _organisation,
    "Ownership": _ownership,
    "Directorship": _directorship,
}


def statement_count(entity: dict[str, Any]) -> int:
    """The statements an entity becomes: its `id` statement and one per value."""
    return 1 + sum(len(values) for values in entity["properties"].values())


def _truncated(entity: dict[str, Any], statements: int) -> dict[str, Any]:
    """The entity cut to `statements` statements, keeping its first values (name, ends)."""
    kept: Properties = {}
    budget = statements - 1
    for prop, values in entity["properties"].items():
        if budget <= 0:
            break
        kept[prop] = values[:budget]
        budget -= len(kept[prop])
    return {**entity, "properties": kept}


def entities(gen: _Generator, statements: int) -> Iterator[dict[str, Any]]:
    """Entities whose statements add up to exactly `statements`."""
    remaining = statements
    while remaining > 0:
        entity = gen.entity()
        if statement_count(entity) > remaining:
            entity = _truncated(entity, remaining)
        remaining -= statement_count(entity)
        yield entity


def _searchable_words(name: str) -> list[str]:
    """The words of a name someone would search on alone (not "Ltd", "S.A." or "de")."""
    words = [w for w in name.split() if len(w.strip("«»")) > 2 and w not in LEGAL_FORM_WORDS]
    return words or name.split()


def _name_query(rng: random.Random, name: str) -> tuple[str, str]:
    """A query for a stored name: as written, one word, other case, or romanised/reordered."""
    roll = rng.random()
    if roll < 0.3:
        return "full", name
    if roll < 0.55:
        return "token", rng.choice(_searchable_words(name))
    if roll < 0.7:
        return "case", name.upper() if rng.random() < 0.5 else name.lower()
    words = ascii_text(name).split()
    if len(words) > 1 and rng.random() < 0.5:
        return "reordered", f"{words[-1]}, {' '.join(words[:-1])}"
    return "romanised", " ".join(words)


def _queries(gen: _Generator, count: int) -> Queries:
    """Queries for names and identifiers of the data (none if it holds none)."""
    rng = random.Random(gen.rng.random())
    names = [_name_query(rng, rng.choice(gen.names)) for _ in range(count)] if gen.names else []
    identifiers = [rng.choice(gen.identifiers) for _ in range(count)] if gen.identifiers else []
    return Queries(names, identifiers)


def build_world(statements: int, seed: int = 20261127, queries: int = 1000) -> SyntheticWorld:
    """FtM JSON lines holding exactly `statements` statements, and queries drawn from them."""
    gen = _Generator(seed)
    lines = [json.dumps(entity, ensure_ascii=False) for entity in entities(gen, statements)]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    return SyntheticWorld(data, len(lines), statements, _queries(gen, queries))
