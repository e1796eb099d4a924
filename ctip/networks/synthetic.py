"""A seeded generator of synthetic commercial-sex ads with planted trafficking networks.

No public ad data set can be shipped (real ads expose victims), so the demo, the tests and
the benchmark use invented ads. Independent posters write their own varied text with their
own phone; planted networks behave as the literature describes: shared and rotated phones,
one text template with names and cities filled in, reused photos, travel circuits across
cities, phones hidden with words, emoji and separators. `truth` says which poster (a planted
network or an independent poster) wrote every ad, which is what tests measure against.
Sites use the reserved `.example` domain; every phone, name and account is made up.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from ctip.matching.normalize import phone_e164

SITES: Final = ("classifieds-one.example", "nightlist.example", "dateboard.example")
AREA_CODES: Final = (
    "212", "213", "214", "305", "312", "404", "415", "503", "602", "617", "702", "713",
    "206", "303", "313", "407", "504", "512", "615", "704", "801", "816", "901", "919",
)  # fmt: skip
CIRCUIT_CITIES: Final = (
    "Houston", "Dallas", "Atlanta", "Las Vegas", "Phoenix", "Denver", "Chicago", "Miami",
    "Orlando", "Nashville", "Memphis", "New Orleans", "San Antonio", "Austin", "Tampa",
    "Charlotte", "Seattle", "Portland", "Los Angeles", "San Diego", "Boston", "Newark",
)  # fmt: skip
WORKING_NAMES: Final = (
    "Candy", "Lexi", "Mia", "Jade", "Kitty", "Honey", "Bella", "Coco", "Destiny", "Star",
    "Angel", "Roxy", "Nikki", "Diamond", "Crystal", "Skye", "Luna", "Ruby", "Amber", "Ivy",
)  # fmt: skip
START: Final = datetime(2026, 1, 5, 18, 0, tzinfo=UTC)

# Independent posters: each sentence picks several words, so two posters rarely share text.
_OPENERS = ("hey gentlemen", "hello there", "hi guys", "good evening", "welcome", "hey babe")
_ADJECTIVES = (
    "sweet", "classy", "fun", "elegant", "friendly", "gorgeous", "relaxed", "sporty",
    "curvy", "bubbly", "charming", "playful", "stunning", "warm", "upscale", "discreet",
)  # fmt: skip
_NOUNS = ("companion", "lady", "brunette", "blonde", "redhead", "woman", "girl next door")
_ACTIVITIES = (
    "dinner dates", "conversation", "a glass of wine", "long walks", "good music",
    "quiet evenings", "travel stories", "laughing", "dancing", "movies", "cooking",
)  # fmt: skip
_CLOSERS = (
    "serious gentlemen only", "respectful men please", "no rush", "be on time",
    "text first", "no blocked calls", "upscale clients", "discretion assured",
)  # fmt: skip

# Indicator sentences network templates draw from (third person, movement, several women,
# youth cues, around the clock, incall only, third-party contact, gift-card deposits).
_CUES = (
    "NEW IN TOWN {city}!!!",
    "just arrived in {city} for a few days only",
    "visiting {city} this week, leaving soon",
    "on tour in {city}, next stop coming soon",
    "she is waiting for you 24/7",
    "available any time day or night",
    "my girls are young and fresh",
    "2 girls available, ask about her friend",
    "new girls every week",
    "incall only near the airport",
    "hotel only",
    "text my manager to book",
    "deposit required by gift card",
    "cashapp deposit first",
    "no cops",
    "she will make your day all night",
    "{name} is new to this",
    "tiny petite {name}",
)
_SLOTS = (
    "{name} {age} yo {adj} {noun}",
    "this is {name}, {age}, a {adj} {noun}",
    "ask for {name} ({age})",
)
_PRICES = ("{price} roses hh specials", "{price}$ hr", "${price} half hour", "{price} qv")
_PHONES = ("call {phone}", "text {phone}", "call or text {phone}", "{phone}")


def network_template(rng: random.Random) -> str:
    """A network's own ad text with slots: its own words plus indicator sentences.

    Each network writes its own template (a few sentences no other poster uses) and fills
    in name, age, city, price and phone per ad, as the reused-template literature describes.
    """
    own = [_independent_text(rng, "{name}") for _ in range(1)]
    cues = rng.sample(_CUES, rng.randint(3, 5))
    parts = [rng.choice(_SLOTS), *own, *cues, rng.choice(_PRICES)]
    rng.shuffle(parts)
    return ". ".join(parts) + ". " + rng.choice(_PHONES)


@dataclass
class SyntheticWorld:
    """Ads as rows a site scrape would give, and who really wrote each one."""

    ads: list[dict[str, Any]] = field(default_factory=list)
    truth: dict[str, str] = field(default_factory=dict)
    """`site/ad_id` -> the poster: `net-k` for planted network k, `ind-k` for an independent."""
    networks: dict[str, list[str]] = field(default_factory=dict)
    """Planted network -> its ads (`site/ad_id`)."""

    def rows(self) -> Iterator[dict[str, Any]]:
        """The ads one by one."""
        yield from self.ads


def ad_key(site: str, ad_id: str) -> str:
    """The key an ad has in the truth: its site and the site's ad id."""
    return f"{site}/{ad_id}"


class PhoneBook:
    """Unique, valid US numbers, so two independent posters never share one by accident."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def new(self) -> str:
        """A fresh valid number as digits (10, no country code)."""
        while True:
            area = self._rng.choice(AREA_CODES)
            exchange = self._rng.randint(201, 989)
            digits = f"{area}{exchange}{self._rng.randint(0, 9999):04d}"
            if digits not in self._used and exchange % 100 != 11 and phone_e164(digits, "US"):
                self._used.add(digits)
                return digits


_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_KEYCAP = "\ufe0f\u20e3"


def obfuscate_phone(digits: str, style: int, rng: random.Random) -> str:
    """A number written the ways posters hide it from search (style 0 is plain)."""
    if style == 1:
        return f"({digits[:3]}) {' '.join(digits[3:6])}-{' '.join(digits[6:])}"
    if style == 2:
        return " ".join(_WORDS[int(d)] if rng.random() < 0.5 else d for d in digits)
    if style == 3:
        return "".join(d + _KEYCAP for d in digits)
    if style == 4:
        return "".join(chr(0x1D7CE + int(d)) for d in digits)
    if style == 5:
        return f"{digits[:3]}.{digits[3:6]}.{digits[6:]}".replace("0", "O").replace("1", "l")
    if style == 6:
        return f"{digits[:3]} {_WORDS[int(digits[3])]}{digits[4:6]} {digits[6:]}"
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


def _hex(rng: random.Random) -> str:
    return f"{rng.getrandbits(64):016x}"


def _when(start: datetime, days: float) -> str:
    return (start + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _independent_text(rng: random.Random, name: str) -> str:
    adjectives = rng.sample(_ADJECTIVES, 3)
    sentences = [
        f"{rng.choice(_OPENERS)}, I am {name}, a {adjectives[0]} and {adjectives[1]} "
        f"{rng.choice(_NOUNS)}",
        f"I enjoy {' and '.join(rng.sample(_ACTIVITIES, 2))}",
        f"my {adjectives[2]} {rng.choice(('style', 'smile', 'vibe', 'energy'))} will "
        f"{rng.choice(('relax', 'charm', 'delight', 'surprise'))} you",
        f"rates {rng.choice(('start at', 'from', 'are'))} {rng.randrange(150, 400, 10)} per hour",
        rng.choice(_CLOSERS),
    ]
    rng.shuffle(sentences)
    return ". ".join(s.capitalize() for s in sentences) + f". {rng.randint(21, 45)} years"


@dataclass
class _Poster:
    """Who posts: phones, accounts, photos, template and circuit."""

    label: str
    phones: list[str]
    account: str
    images: list[str]
    template: str = ""
    circuit: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    email: str = ""


class Generator:
    """Seeded: the same arguments always give the same ads and the same truth."""

    def __init__(self, seed: int = 2021) -> None:
        self.rng = random.Random(seed)
        self.phones = PhoneBook(self.rng)
        self.world = SyntheticWorld()
        self._counter = 0

    def _next_id(self) -> tuple[str, str]:
        self._counter += 1
        return self.rng.choice(SITES), f"A{self._counter:08d}"

    def _add(self, label: str, row: dict[str, Any]) -> None:
        key = ad_key(row["site"], row["ad_id"])
        self.world.ads.append(row)
        self.world.truth[key] = label
        if label.startswith("net-"):
            self.world.networks.setdefault(label, []).append(key)

    def _row(self, title: str, body: str, city: str, when: str, **extra: Any) -> dict[str, Any]:
        site, ad_id = self._next_id()
        return {
            "site": site,
            "ad_id": ad_id,
            "url": f"https://{site}/ad/{ad_id}",
            "posted_at": when,
            "title": title,
            "body": body,
            "location": city,
            "price": extra.pop("price", ""),
            "phones": extra.pop("phones", []),
            "emails": extra.pop("emails", []),
            "image_hashes": extra.pop("image_hashes", []),
            "account": extra.pop("account", ""),
        }

    def independent(self, number: int) -> None:
        """One independent poster: own phone and text, one to three ads in one city."""
        rng = self.rng
        phone = self.phones.new()
        name, city = rng.choice(WORKING_NAMES), rng.choice(CIRCUIT_CITIES)
        account = f"user{rng.getrandbits(40):x}" if rng.random() < 0.5 else ""
        day = rng.uniform(0, 300)
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            text = _independent_text(rng, name)
            body = f"{text}. Call {obfuscate_phone(phone, 0, rng)}"
            title = f"{name} - {rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)} in {city}"
            row = self._row(
                title,
                body,
                city,
                _when(START, day + rng.uniform(0, 20)),
                phones=[phone] if rng.random() < 0.6 else [],
                image_hashes=[_hex(rng)],
                account=account,
                price=f"{rng.randrange(150, 400, 10)}/hr",
            )
            self._add(f"ind-{number}", row)

    def _network_poster(self, number: int) -> _Poster:
        rng = self.rng
        return _Poster(
            label=f"net-{number}",
            phones=[self.phones.new() for _ in range(rng.randint(1, 4))],
            account=f"promo{rng.getrandbits(32):x}",
            images=[_hex(rng) for _ in range(rng.randint(3, 6))],
            template=network_template(rng),
            circuit=rng.sample(CIRCUIT_CITIES, rng.randint(3, 6)),
            names=rng.sample(WORKING_NAMES, rng.randint(2, 5)),
            email=f"bookings{rng.getrandbits(24):x}@mailbox.example" if rng.random() < 0.3 else "",
        )

    def network(self, number: int, size: int) -> None:
        """A planted network: rotated phones, one template, a travel circuit, reused photos."""
        rng, poster = self.rng, self._network_poster(number)
        day = rng.uniform(0, 200)
        for i in range(size):
            city = poster.circuit[(i * len(poster.circuit)) // size]
            phone = poster.phones[i % len(poster.phones)]
            text = poster.template.format(
                city=city,
                name=rng.choice(poster.names),
                age=rng.choice((18, 19, 19, 20, 21)),
                adj=rng.choice(_ADJECTIVES),
                noun=rng.choice(_NOUNS),
                price=rng.randrange(60, 160, 10),
                phone=obfuscate_phone(phone, rng.randrange(7), rng),
            )
            row = self._row(
                f"{rng.choice(poster.names)} new in {city}",
                text,
                city,
                _when(START, day + i * 0.8 + rng.uniform(0, 0.5)),
                phones=[phone] if rng.random() < 0.3 else [],
                image_hashes=rng.sample(poster.images, rng.randint(1, 2)),
                account=poster.account if rng.random() < 0.5 else "",
                emails=[poster.email] if poster.email and rng.random() < 0.4 else [],
            )
            self._add(poster.label, row)


def generate(
    ads: int = 500, networks: int = 4, seed: int = 2021, network_share: float = 0.3
) -> SyntheticWorld:
    """`ads` ads (more only if the networks alone need more), `networks` planted networks
    holding about `network_share` of them; the rest from independent posters."""
    generator = Generator(seed)
    per_network = max(2, int(ads * network_share / max(networks, 1)))
    for number in range(1, networks + 1):
        low = max(2, per_network // 2)
        generator.network(number, generator.rng.randint(low, per_network + low))
    number = 0
    while len(generator.world.ads) < ads:
        number += 1
        generator.independent(number)
    keep = max(ads, sum(len(keys) for keys in generator.world.networks.values()))
    for row in generator.world.ads[keep:]:  # the last independent poster's extra ads
        del generator.world.truth[ad_key(row["site"], row["ad_id"])]
    del generator.world.ads[keep:]
    generator.rng.shuffle(generator.world.ads)
    return generator.world
