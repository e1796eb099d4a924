"""Look-up keys for names and identifiers, checked on real multi-script data."""

from __future__ import annotations

from pathlib import Path

import pytest
from rigour.text.scripts import text_scripts

from ctip.matching.normalize import (
    email_key,
    identifier_key,
    identifier_kind_for,
    identifier_lookup_key,
    name_key,
    name_tokens,
    phone_e164,
)

DATA = Path(__file__).parents[2] / ".." / "shared" / "data"
PUTIN_NAMES = DATA / "name_matching" / "putin_names.txt"
# "MA77L7AD1X" in full-width forms, as East Asian documents print it.
FULLWIDTH_USCC_TAIL = "".join(chr(ord(char) + 0xFEE0) for char in "MA77L7AD1X")


def _putin_names() -> list[str]:
    lines = PUTIN_NAMES.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


def _by_script(script: str) -> list[str]:
    return [name for name in _putin_names() if text_scripts(name) == {script}]


def _count(names: list[str], *tokens: str) -> int:
    return sum(1 for name in names if set(tokens) <= set(name_tokens(name)))


# --- names: real data -------------------------------------------------------


def test_putin_file_is_the_expected_sample() -> None:
    names = _putin_names()
    assert len(names) == 81
    assert len(_by_script("Latin")) == 42
    assert len(_by_script("Cyrillic")) == 17


def test_latin_spellings_of_putin_all_fold_to_the_same_tokens() -> None:
    # Every Latin line spelled "Putin"/"Vladimir" up to case and accents gets the
    # tokens; the rest are other languages' spellings (Poutine, Poetin, Putyin,
    # Wladimir, Vladimiras Putinas), which token look-up does not bridge.
    latin = _by_script("Latin")
    assert _count(latin, "putin") == 31
    assert _count(latin, "vladimir") == 25
    assert _count(latin, "putin", "vladimir") == 21
    other_spellings = {"poutine", "poetin", "putyin", "putinas", "putins"}
    for name in latin:
        assert set(name_tokens(name)) & ({"putin"} | other_spellings), name


@pytest.mark.parametrize(
    "name",
    [
        "Vladímír Pútín",
        "Vladimír Putin",
        "PUTIN, Vladimir",
        "Vladimir Vladimirovič Putin",
        "Vladimir Vladimiroviç Putin",
        "Presidente Vladimir Putin",
    ],
)
def test_accented_and_reordered_latin_lines_share_putin_and_vladimir(name: str) -> None:
    assert name in _putin_names()
    assert {"putin", "vladimir"} <= set(name_tokens(name))


def test_cyrillic_lines_transliterate_to_putin() -> None:
    # Russian and Ukrainian spell the surname Путин/Путін -> "putin"; Belarusian
    # writes Пуцін, which is honestly "putsin".
    cyrillic = _by_script("Cyrillic")
    belarusian = [name for name in cyrillic if "пуцін" in name.lower()]
    assert len(belarusian) == 2
    for name in cyrillic:
        expected = "putsin" if name in belarusian else "putin"
        assert expected in name_tokens(name), name
    assert _count(cyrillic, "putin", "vladimir") == 10


@pytest.mark.parametrize(
    ("script", "lines", "min_putin", "min_both"),
    [
        ("Cyrillic", 17, 15, 10),
        ("Armenian", 1, 1, 1),
        ("Kannada", 1, 1, 1),
        ("Hangul", 2, 2, 0),
        ("Greek", 2, 0, 0),
        ("Arabic", 7, 0, 0),
        ("Hebrew", 1, 0, 0),
        ("Devanagari", 2, 0, 0),
        ("Bengali", 1, 0, 0),
        ("Georgian", 1, 0, 0),
        ("Myanmar", 1, 0, 0),
        ("Katakana", 1, 0, 0),
        ("Han", 1, 0, 0),
        ("Khmer", 1, 0, 0),
    ],
)
def test_non_latin_scripts_reach_at_least_this_much(
    script: str, lines: int, min_putin: int, min_both: int
) -> None:
    # Figures measured with rigour 2.6 / ICU: a floor, so a better library passes.
    names = _by_script(script)
    assert len(names) == lines
    assert _count(names, "putin") >= min_putin
    assert _count(names, "putin", "vladimir") >= min_both


def test_every_non_latin_line_but_khmer_yields_ascii_tokens() -> None:
    # ICU has no Khmer-Latin transliterator: Khmer names produce no tokens at all.
    for name in _putin_names():
        tokens = name_tokens(name)
        assert all(token.isascii() and token.isalnum() for token in tokens), name
        if text_scripts(name) != {"Khmer"}:
            assert tokens, name


@pytest.mark.parametrize(
    "name",
    ["Владимир Путин", "Путин, Владимир", "Վլադիմիր Պուտին", "ವ್ಲಾದಿಮಿರ್ ಪುತಿನ್"],
)
def test_other_scripts_meet_the_latin_key(name: str) -> None:
    assert name_key(name) == name_key("PUTIN, Vladimir") == "putin vladimir"


# --- names: targeted ----------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("José Müller", "jose muller"),
        ("Putin, Vladimir", "vladimir PUTIN"),
        ("Владимир Путин", "Vladimir Putin"),
        ("ANNA-MARIA  o'neil", "O'Neil Anna Maria"),
        ("Straße", "STRASSE"),
        ("Ali Ali Hassan", "Hassan Ali"),
        ("Шевченко فلاديمير", "Shevchenko fladymyr"),
    ],
)
def test_name_keys_are_case_accent_script_and_order_insensitive(left: str, right: str) -> None:
    assert name_key(left) == name_key(right)


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("José Müller", ["jose", "muller"]),
        ("Vladimir V. Putin", ["putin", "v", "vladimir"]),
        ("J.R.R. Tolkien", ["j", "r", "tolkien"]),
        ("  ", []),
        ("", []),
        ("---", []),
    ],
)
def test_name_tokens(name: str, tokens: list[str]) -> None:
    assert name_tokens(name) == tokens


@pytest.mark.parametrize(
    ("han", "latin"),
    [("新疆", "Xinjiang"), ("习近平", "Xi Jinping"), ("北京", "Beijing")],
)
def test_chinese_meets_its_pinyin_spelling(han: str, latin: str) -> None:
    # Pinyin syllables plus joined neighbours: the Latin tokens are all present.
    assert set(name_tokens(latin)) <= set(name_tokens(han))


def test_chinese_syllables_and_pairs() -> None:
    assert name_tokens("新疆") == ["jiang", "xin", "xinjiang"]
    assert "xinjiang" in name_tokens("新疆维吾尔自治区")
    assert name_tokens("ABC新疆") == ["abc", "jiang", "xin", "xinjiang"]


# --- phones -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "region", "expected"),
    [
        ("+1 (202) 555-0143", None, "+12025550143"),
        ("202.555.0143", "US", "+12025550143"),
        ("202.555.0143", "us", "+12025550143"),
        ("tel:+1-202-555-0143", None, "+12025550143"),
        ("+44 20 7946 0958", None, "+442079460958"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("202.555.0143", None, None),
        ("12345", "US", None),
        ("+1 (000) 000-0000", None, None),
        ("call me", "US", None),
        ("", None, None),
    ],
)
def test_phone_e164(value: str, region: str | None, expected: str | None) -> None:
    assert phone_e164(value, region) == expected


# --- e-mails ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Jane.Doe@Example.COM ", "jane.doe@example.com"),
        ("mailto:Tips@DHS.gov", "tips@dhs.gov"),
        ("x+tag@mail.example.co.uk", "x+tag@mail.example.co.uk"),
        ("no-at-sign.example.com", None),
        ("two@@example.com", None),
        ("a@b@example.com", None),
        ("@example.com", None),
        ("jane@localhost", None),
        ("jane@example.", None),
        ("jane@.com", None),
        ("jane doe@example.com", None),
        ("", None),
    ],
)
def test_email_key(value: str, expected: str | None) -> None:
    assert email_key(value) == expected


# --- identifiers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("de89370400440532013000", "DE89370400440532013000"),
        ("GB29-NWBK-6016-1331-9268-19", "GB29NWBK60161331926819"),
        ("12.345.678/0001-95", "12345678000195"),
        ("91650100" + FULLWIDTH_USCC_TAIL, "91650100MA77L7AD1X"),
        (" 7707083893\u00a0", "7707083893"),
        ("", ""),
    ],
)
def test_identifier_key(value: str, expected: str) -> None:
    assert identifier_key(value) == expected


@pytest.mark.parametrize(
    ("type_name", "prop", "kind"),
    [
        ("phone", "phone", "phone"),
        ("phone", "receiverNumber", "phone"),
        ("email", "email", "email"),
        ("email", "emailMentioned", "email"),
        ("iban", "iban", "account"),
        ("identifier", "iban", "account"),
        ("identifier", "accountNumber", "account"),
        ("identifier", "cryptoAddress", "account"),
        ("identifier", "registrationNumber", "registration"),
        ("identifier", "innCode", "registration"),
        ("identifier", "ogrnCode", "registration"),
        ("identifier", "leiCode", "registration"),
        ("identifier", "taxNumber", "registration"),
        ("identifier", "vatCode", "registration"),
        ("identifier", "uscCode", "registration"),
        ("identifier", "passportNumber", "identifier"),
        ("identifier", "imoNumber", "identifier"),
        ("identifier", "bic", None),
        ("identifier", "okvedCode", None),
        ("identifier", "zipCode", None),
        ("name", "name", None),
        ("string", "accountNumber", None),
        ("url", "website", None),
    ],
)
def test_identifier_kind_for(type_name: str, prop: str, kind: str | None) -> None:
    assert identifier_kind_for(type_name, prop) == kind


def test_identifier_kind_for_covers_the_installed_ftm_model() -> None:
    # Every phone/email property and every identifier property not known to be a
    # shared classifier code maps to a kind, so new FtM properties are indexed.
    from followthemoney import model

    for schema in model.schemata.values():
        for prop in schema.properties.values():
            kind = identifier_kind_for(prop.type.name, prop.name)
            if prop.type.name in ("phone", "email"):
                assert kind == prop.type.name
            if prop.type.name not in ("phone", "email", "identifier"):
                assert kind is None
            if prop.type.name == "identifier" and prop.format == "iban":
                assert kind == "account"


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("phone", "+1 (202) 555-0143", "+12025550143"),
        ("phone", "202.555.0143", "+12025550143"),
        ("phone", "+44 20 7946 0958", "+442079460958"),
        ("phone", "555", None),
        ("email", " Jane@Example.com", "jane@example.com"),
        ("email", "jane", None),
        ("account", "de89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("registration", "1027700132195", "1027700132195"),
        ("identifier", "ab-12/34", "AB1234"),
        ("identifier", " - ", None),
    ],
)
def test_identifier_lookup_key(kind: str, value: str, expected: str | None) -> None:
    assert identifier_lookup_key(kind, value) == expected


def test_identifier_lookup_key_rejects_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="unknown identifier kind"):
        identifier_lookup_key("fax", "123")
