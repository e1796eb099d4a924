"""A deterministic demo world for the workbench: users for every role and a synthetic network.

Everything here is invented (seeded), so the demo can be shown anywhere without exposing a
real person. The entity part is an FtM JSON-lines file imported through the same path as a
user's file: a labour recruiter, the garment factory it supplies, their owners, directors,
phones, e-mail addresses, bank accounts and the payments between them.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from followthemoney.util import make_entity_id
from sqlalchemy.orm import Session

from ctip.authz import users
from ctip.ingest.ftm import parse_entity_line
from ctip.ingest.ftm_import import ImportOutcome, import_ftm_bytes
from ctip.model.roles import STAFF_ROLES, Role

DEMO_SEED = 2021
DEMO_SOURCE = "demo-world"
DEMO_ACTOR = "demo"

FIRST_NAMES = [
    "Maria",
    "Ivan",
    "Aigerim",
    "Li",
    "Carlos",
    "Fatima",
    "Nguyen",
    "Olena",
    "Rahul",
    "Amina",
    "Jorge",
    "Mei",
    "Dmitri",
    "Sofia",
    "Tariq",
    "Ana",
    "Wei",
    "Yusuf",
]
LAST_NAMES = [
    "Petrova",
    "Morales",
    "Chen",
    "Haddad",
    "Kowalski",
    "Tran",
    "Sokolov",
    "Garcia",
    "Rahman",
    "Novak",
    "Wang",
    "Okafor",
    "Ibrahim",
    "Silva",
    "Kim",
    "Popescu",
]
COMPANY_WORDS = [
    "Golden",
    "Harvest",
    "Silk Road",
    "Pacific",
    "Northern Star",
    "Evergreen",
    "Lotus",
    "Atlas",
    "Sunrise",
    "Blue River",
    "Orient",
    "Meridian",
]
COMPANY_KINDS = [
    ("Textile Co., Ltd.", "cn"),
    ("Garment Factory", "cn"),
    ("Staffing LLC", "us"),
    ("Labour Services Ltd", "my"),
    ("Fishing Co.", "th"),
    ("Logistics Inc.", "us"),
    ("Trading FZE", "ae"),
    ("Cotton Ginning Co.", "cn"),
]
CITIES = {
    "cn": ["Urumqi", "Kashgar", "Guangzhou"],
    "us": ["Houston", "Atlanta", "Newark"],
    "my": ["Kuala Lumpur", "Penang"],
    "th": ["Samut Sakhon", "Bangkok"],
    "ae": ["Dubai"],
}
PHONE_PREFIX = {"cn": "+86 138", "us": "+1 713", "my": "+60 12", "th": "+66 81", "ae": "+971 50"}
SCRIPT_ALIASES = {
    "Chen": "陈",
    "Wang": "王",
    "Petrova": "Петрова",
    "Sokolov": "Соколов",
    "Haddad": "حداد",
    "Ibrahim": "إبراهيم",
}


def demo_password(role: Role) -> str:
    """The published demo password of a role's demo user (development only)."""
    return f"demo-{role.value.replace('_', '-')}-2021"


def demo_username(role: Role) -> str:
    """The demo user of a role."""
    return f"demo.{role.value.replace('_', '-')}"


@dataclass
class DemoWorld:
    """The generated entities, kept in the order they were made."""

    rng: random.Random
    entities: list[dict[str, Any]] = field(default_factory=list)

    def add(self, schema: str, key: str, **properties: Any) -> str:
        """Add an entity with a stable id derived from `key`; returns the id."""
        entity_id = make_entity_id(DEMO_SOURCE, key)
        assert entity_id is not None
        values = {k: v if isinstance(v, list) else [v] for k, v in properties.items() if v}
        entity = {"id": entity_id, "schema": schema, "properties": values}
        parse_entity_line(len(self.entities) + 1, json.dumps(entity).encode())  # strict check
        self.entities.append(entity)
        return entity_id

    def phone(self, country: str) -> str:
        """A fictitious phone number in the country's format."""
        digits = "".join(str(self.rng.randint(0, 9)) for _ in range(8))
        if country == "us":
            return f"+1 713 555 01{digits[:2]}"
        if country != "cn":  # Chinese mobiles have 8 digits after the 13x prefix, others 7
            digits = digits[:7]
        return f"{PHONE_PREFIX[country]} {digits[:4]} {digits[4:]}"


def _person(world: DemoWorld, index: int, country: str) -> str:
    first, last = world.rng.choice(FIRST_NAMES), world.rng.choice(LAST_NAMES)
    name = f"{first} {last}"
    aliases = [f"{SCRIPT_ALIASES[last]} {first}"] if last in SCRIPT_ALIASES else []
    year = world.rng.randint(1961, 1999)
    return world.add(
        "Person",
        f"person-{index}",
        name=name,
        alias=aliases,
        country=country,
        birthDate=f"{year}-{world.rng.randint(1, 12):02d}-{world.rng.randint(1, 28):02d}",
        phone=world.phone(country),
        email=f"{first.lower()}.{last.lower()}{index}@example.org",
    )


def _company(world: DemoWorld, index: int) -> tuple[str, str]:
    kind, country = COMPANY_KINDS[index % len(COMPANY_KINDS)]
    name = f"{world.rng.choice(COMPANY_WORDS)} {kind}"
    city = world.rng.choice(CITIES[country])
    address = world.add(
        "Address",
        f"address-{index}",
        full=f"{world.rng.randint(1, 400)} Industrial Road, {city}",
        city=city,
        country=country,
    )
    company = world.add(
        "Company",
        f"company-{index}",
        name=name,
        country=country,
        addressEntity=address,
        registrationNumber=f"{country.upper()}-{world.rng.randint(10**7, 10**8 - 1)}",
        phone=world.phone(country),
    )
    return company, country


def _account(world: DemoWorld, index: int, holder: str, country: str) -> tuple[str, str]:
    """A bank account and its holder (held through an Ownership, as FtM models it)."""
    number = f"{world.rng.randint(10**9, 10**10 - 1)}"
    bank = world.rng.choice(["First Harbor Bank", "Union Trust", "Pacific Commerce Bank"])
    account = world.add(
        "BankAccount", f"account-{index}", accountNumber=number, country=country, bankName=bank
    )
    world.add(
        "Ownership", f"account-holder-{index}", owner=holder, asset=account, role="account holder"
    )
    return account, holder


def build_world(seed: int = DEMO_SEED, companies: int = 24, people: int = 60) -> DemoWorld:
    """Companies with owners and directors, shared phones, accounts and payments between them."""
    world = DemoWorld(random.Random(seed))
    firms = [_company(world, i) for i in range(companies)]
    persons = [_person(world, i, world.rng.choice(firms)[1]) for i in range(people)]
    accounts = [_account(world, i, firm, country) for i, (firm, country) in enumerate(firms)]
    _ownership_and_control(world, firms, persons)
    _payments(world, accounts)
    _shared_phone_ring(world, persons)
    return world


def _ownership_and_control(
    world: DemoWorld, firms: list[tuple[str, str]], persons: list[str]
) -> None:
    for i, (firm, _country) in enumerate(firms):
        owner = world.rng.choice(persons)
        share = world.rng.choice(["100", "51", "40", "25"])
        world.add("Ownership", f"ownership-{i}", owner=owner, asset=firm, percentage=share)
        world.add(
            "Directorship",
            f"directorship-{i}",
            director=world.rng.choice(persons),
            organization=firm,
            role="Director",
        )
        if i and i % 3 == 0:  # a holding chain: one company owns the next
            world.add("Ownership", f"holding-{i}", owner=firms[i - 1][0], asset=firm)


def _payments(world: DemoWorld, accounts: list[tuple[str, str]]) -> None:
    for i in range(len(accounts) * 3):
        (payer_account, payer), (beneficiary_account, beneficiary) = world.rng.sample(accounts, 2)
        world.add(
            "Payment",
            f"payment-{i}",
            payer=payer,
            payerAccount=payer_account,
            beneficiary=beneficiary,
            beneficiaryAccount=beneficiary_account,
            amount=str(world.rng.randint(9, 99) * 1000),
            currency="USD",
            date=f"2021-{world.rng.randint(1, 12):02d}-{world.rng.randint(1, 28):02d}",
            purpose=world.rng.choice(["recruitment fee", "transport", "housing", "consulting"]),
        )


def _shared_phone_ring(world: DemoWorld, persons: list[str]) -> None:
    """Three people who give the same phone: what an investigator looks for first."""
    ring = set(persons[:3])
    for entity in world.entities:
        if entity["id"] in ring:
            entity["properties"]["phone"].append("+1 713 555 0199")


def world_lines(world: DemoWorld) -> bytes:
    """The world as FtM JSON lines."""
    return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in world.entities).encode()


def demo_users() -> Iterator[tuple[Role, str, str]]:
    """(role, username, password) of every demo user."""
    for role in STAFF_ROLES:
        yield role, demo_username(role), demo_password(role)


def seed_users(session: Session) -> int:
    """Create the demo users that do not exist yet; returns how many were created."""
    existing = {u.username for u in users.list_users(session)}
    created = 0
    for role, username, password in demo_users():
        if username not in existing:
            users.add_user(
                session, DEMO_ACTOR, username, password, role.value, f"Demo {role.label.lower()}"
            )
            created += 1
    return created


def seed_entities(session: Session) -> ImportOutcome:
    """Import the demo network (a no-op when it is already there)."""
    data = world_lines(build_world())
    return import_ftm_bytes(session, data, "demo-world.ftm.ijson", DEMO_SOURCE, DEMO_ACTOR)
