"""Look-up keys for names and identifiers.

The entity store indexes every name and identifier under a normalised key, so that
what an investigator types ("vladimir PUTIN", "202.555.0143", "de89 3704 0044 ...")
meets what a source wrote ("Путин, Владимир", "+1 (202) 555-0143", "DE89370400...").
Everything here is a pure function: no I/O, no state beyond library caches.

Transliteration is delegated to rigour (its own spellings for Cyrillic, Greek,
Armenian, Georgian and Hangul) falling back to normality/ICU for every other script,
rather than to hand-written tables.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import groupby, pairwise
from typing import Final, Literal

import phonenumbers
from rigour.text.scripts import codepoint_script

from ctip.matching.latin import ascii_latin
from ctip.model.errors import InvalidInput

IdentifierKind = Literal["phone", "email", "account", "registration", "identifier"]

IDENTIFIER_KINDS: Final[frozenset[str]] = frozenset(
    {"phone", "email", "account", "registration", "identifier"}
)

_NON_ALNUM: Final = re.compile(r"[^a-z0-9]+")
_IDENTIFIER_SEPARATORS: Final = re.compile(r"[\s\-\u2010-\u2015./\\]+")

# Properties of FtM type `identifier` that name an account money or value moves through.
_ACCOUNT_PROPS: Final[frozenset[str]] = frozenset(
    {"iban", "ibanMentioned", "accountNumber", "cryptoAddress", "publicKey", "accountId"}
)

# Identifiers an authority issues to one legal entity when it registers it (company
# registers, tax offices): the strongest evidence two records are the same company.
_REGISTRATION_PROPS: Final[frozenset[str]] = frozenset(
    {
        "registrationNumber",
        "innCode",
        "ogrnCode",
        "leiCode",
        "taxNumber",
        "vatCode",
        "uscCode",  # Chinese Unified Social Credit Code, common on UFLPA entities
        "uniqueEntityId",  # SAM.gov UEI
        "irsCode",
        "okpoCode",
        "voenCode",
        "jibCode",
        "mbsCode",
    }
)

# `identifier`-typed properties that classify rather than identify: thousands of
# entities share one value, so indexing them would link unrelated records.
_SHARED_CODE_PROPS: Final[frozenset[str]] = frozenset(
    {
        "bic",  # BankAccount.bic names the bank, shared by all its accounts
        "kppCode",
        "okvedCode",
        "coatoCode",
        "cpvCode",
        "nutsCode",
        "vedCode",
        "icaoCode",
        "programId",
        "territoryCode",
        "fipsCode",
        "zipCode",
    }
)


def _is_han(char: str) -> bool:
    """Han characters are written without spaces between words, so they need their own path."""
    return codepoint_script(ord(char)) == "Han"


def _ascii_words(text: str) -> list[str]:
    """Transliterate to ASCII, lower-case and split on anything that is not a letter or digit.

    Splitting after transliteration (not before) keeps combining vowel signs of Indic
    scripts attached to their consonants, and catches the `?` normality writes for
    characters it cannot transliterate.
    """
    return [word for word in _NON_ALNUM.split(ascii_latin(text).lower()) if word]


def _han_tokens(run: str) -> list[str]:
    """Pinyin syllables of a Han run plus each pair of neighbouring syllables joined.

    Chinese has no spaces, and romanisations join a word's syllables ("Xinjiang",
    "Xi Jinping"), while ICU gives one syllable per character ("xin jiang"). Emitting
    syllables and joined pairs lets 新疆 meet "Xinjiang" and 习近平 meet "Xi Jinping"
    without a Chinese word segmenter.
    """
    syllables = _ascii_words(run)
    return syllables + [first + second for first, second in pairwise(syllables)]


def name_tokens(name: str) -> list[str]:
    """Case-, accent- and script-insensitive tokens of a name, deduplicated and sorted.

    Sorted so that word order ("Putin, Vladimir" / "Vladimir Putin") does not matter;
    deduplicated so that a repeated word does not weigh twice in an index. Words are
    transliterated one at a time because rigour hands a string that mixes scripts to
    ICU as a whole, which spells the same word differently ("Shevchenko"/"Sevcenko").
    """
    tokens: set[str] = set()
    for word in name.split():
        for is_han, chars in groupby(word, key=_is_han):
            run = "".join(chars)
            tokens.update(_han_tokens(run) if is_han else _ascii_words(run))
    return sorted(tokens)


def name_key(name: str) -> str:
    """One order-independent string per name, for exact look-up ("" when nothing is left)."""
    return " ".join(name_tokens(name))


def phone_e164(value: str, default_region: str | None = None) -> str | None:
    """The E.164 form of a phone number, or None when it is not a valid number.

    A number written without a country code can only be read with a default region
    (ISO 3166 alpha-2, e.g. "US"); extensions are dropped since they do not identify
    a line.
    """
    region = default_region.upper() if default_region else None
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    e164: str = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164


def email_key(value: str) -> str | None:
    """A lower-cased, stripped e-mail address, or None when it does not look like one.

    Validation is loose on purpose (one "@", a dotted domain, no spaces): sources write
    odd but real addresses, and a look-up key must not reject them.
    """
    email = value.strip().lower()
    email = email.removeprefix("mailto:")
    local, at, domain = email.partition("@")
    if not at or not local or "@" in domain or any(char.isspace() for char in email):
        return None
    labels = domain.split(".")
    if len(labels) < 2 or not all(labels):
        return None
    return email


def identifier_key(value: str) -> str:
    """Upper-cased identifier without spaces, dashes, dots or slashes.

    Account, IBAN and registration numbers are printed in groups ("DE89 3704 0044",
    "123-45-678", "12.345.678/0001") that carry no meaning; NFKC first folds full-width
    digits and letters found in East Asian documents.
    """
    folded = unicodedata.normalize("NFKC", value).upper()
    return _IDENTIFIER_SEPARATORS.sub("", folded)


def identifier_kind_for(ftm_type_name: str, prop_name: str) -> IdentifierKind | None:
    """Which identifier index a FollowTheMoney property feeds, or None for none.

    Phones and e-mails are their own FtM types. In FtM 4 IBANs are `identifier`-typed
    properties with an `iban` format (FtM 3 had an `iban` type, still accepted here),
    so accounts and registration numbers are told apart by property name.
    """
    if ftm_type_name == "phone":
        return "phone"
    if ftm_type_name == "email":
        return "email"
    if ftm_type_name == "iban":
        return "account"
    if ftm_type_name != "identifier" or prop_name in _SHARED_CODE_PROPS:
        return None
    if prop_name in _ACCOUNT_PROPS:
        return "account"
    if prop_name in _REGISTRATION_PROPS:
        return "registration"
    return "identifier"


def identifier_lookup_key(kind: str, value: str) -> str | None:
    """Normalise a user-typed query value the way values of that kind are indexed.

    Phones are tried as written (international form) and then as US numbers, the
    platform's home region. None means the value cannot match anything.
    """
    if kind not in IDENTIFIER_KINDS:
        raise InvalidInput(f"unknown identifier kind: {kind!r}")
    if kind == "phone":
        return phone_e164(value) or phone_e164(value, "US")
    if kind == "email":
        return email_key(value)
    return identifier_key(value) or None
