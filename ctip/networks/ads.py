"""Ads as a site gives them: reading JSON lines or CSV, validating every row.

A file is read whole and checked row by row before anything is written; each bad row is
reported with its number and a reason a person can act on (`RowError`), and one bad row
rejects the file (`FileRejected`), so a load is all or nothing. A row is bad only for what
makes it no ad (no site, id or time, neither title nor body, a wrong number of fields, the
same ad twice); a stated phone, e-mail or image hash that cannot be read is left out of the
ad, so it links nothing, and reported as a warning (`parse_ads_report`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Final

from ctip.indicators.engine import IndicatorScore, load_pack
from ctip.ingest.errors import FileRejected, RowError
from ctip.ingest.values import RowValues, Unreadable, ValueWarning
from ctip.matching.normalize import email_key, phone_e164
from ctip.networks.extract import (
    DEFAULT_REGION,
    Extraction,
    digits_e164,
    extract_folded,
    fold,
)
from ctip.networks.linking import AdSignals

FIELDS: Final = (
    "site",
    "ad_id",
    "url",
    "posted_at",
    "title",
    "body",
    "location",
    "price",
    "phones",
    "emails",
    "image_hashes",
    "account",
)
LIST_FIELDS: Final = frozenset({"phones", "emails", "image_hashes"})
REQUIRED: Final = ("site", "ad_id", "posted_at")
_FIELD_SET: Final = frozenset(FIELDS)
_TEXT_FIELDS: Final = tuple(name for name in FIELDS if name not in LIST_FIELDS)
MAX_TEXT: Final = 20_000
MAX_SHORT: Final = {"site": 100, "ad_id": 200, "location": 200, "price": 100, "account": 200}
_IMAGE_HASH: Final = re.compile(r"^[0-9a-f]{8,128}$")
_LIST_SPLIT: Final = re.compile(r"[;|]")
_NOT_DIGIT: Final = re.compile(r"[\s\-.()/]")
_UTC_TIME: Final = re.compile(r"[1-9]\d{3}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
"""The form `parse_time` gives (years before 1000 are written otherwise by strftime)."""
_TEXT_LIMITS: Final = tuple((name, MAX_SHORT.get(name, MAX_TEXT)) for name in _TEXT_FIELDS)
PACK_NAME: Final = "ads"


@dataclass(frozen=True)
class AdInput:
    """One validated ad; phones already E.164, e-mails lower-cased, posted_at ISO UTC."""

    site: str
    ad_id: str
    url: str
    posted_at: str
    title: str
    body: str
    location: str
    price: str
    phones: tuple[str, ...]
    emails: tuple[str, ...]
    image_hashes: tuple[str, ...]
    account: str

    @property
    def key(self) -> str:
        """`site/ad_id`: an ad id is unique only within its site."""
        return f"{self.site}/{self.ad_id}"

    @property
    def text(self) -> str:
        """Title and body, the text extraction and indicators read."""
        return f"{self.title}\n{self.body}"

    def content_sha256(self) -> str:
        """A hash of every field, to tell an identical re-post from an edited ad."""
        payload = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def parse_time(value: str) -> str:
    """An ISO 8601 date or time as UTC text; a time without a zone is read as UTC.

    Text already in that form (as scrapers write it) is only checked to be a real time.
    """
    if _UTC_TIME.fullmatch(value) is not None:
        datetime.fromisoformat(value)
        return value
    text = value.strip().replace("Z", "+00:00")
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _as_list(value: Any, name: str) -> list[str]:
    if not value:
        if value is None or value == "" or value == []:
            return []
        raise ValueError(f"{name} must be a list of text or text separated by ';'")
    if isinstance(value, str):
        return [v.strip() for v in _LIST_SPLIT.split(value) if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    raise ValueError(f"{name} must be a list of text or text separated by ';'")


def _phone(value: str) -> str:
    """E.164 of a stated phone; plain digit runs go through the extractor's cache."""
    digits = _NOT_DIGIT.sub("", value)
    if not value.lstrip().startswith("+") and 10 <= len(digits) <= 11:
        number = digits_e164(digits, DEFAULT_REGION)
    else:
        number = phone_e164(value) or phone_e164(value, DEFAULT_REGION)
    if number is None:
        raise ValueError(f"phone {value!r} is not a valid number")
    return number


def _email(value: str) -> str:
    key = email_key(value)
    if key is None:
        raise ValueError(f"e-mail {value!r} is not an address")
    return key


def _image_hash(value: str) -> str:
    if not _IMAGE_HASH.match(value.lower()):
        raise ValueError(f"image hash {value!r} must be 8-128 hexadecimal characters")
    return value.lower()


def _text(raw: dict[str, Any], name: str, limit: int) -> str:
    value = raw.get(name)
    if value is None:
        return ""
    if type(value) is not str:  # the common case first: a check per field of every ad
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ValueError(f"{name} must be text")
        value = str(value)
    text = value.strip()
    if len(text) > limit:
        raise ValueError(f"{name} is longer than {limit} characters")
    if "\x00" in text:
        raise ValueError(f"{name} contains a NUL character")
    return text


def _texts(raw: dict[str, Any]) -> dict[str, str]:
    """Every text field stripped and checked; plain text within its limit (nearly every
    field of every ad) is taken without a call per field."""
    texts = {}
    for name, limit in _TEXT_LIMITS:
        value = raw.get(name)
        if type(value) is str:
            text = value.strip()
            if len(text) <= limit and "\x00" not in text:
                texts[name] = text
                continue
        texts[name] = _text(raw, name, limit)
    return texts


def _unique(
    values: list[str], check: Callable[[str], str], column: str, warned: RowValues | None
) -> tuple[str, ...]:
    """The checked values, each once, in order; with `warned`, an unreadable one is left out
    and noted there instead of refusing the ad."""
    if not values:
        return ()
    if warned is None:
        return tuple(dict.fromkeys(map(check, values)))
    read = (warned.read(column, value, _unreadable(check)) for value in values)
    return tuple(dict.fromkeys(v for v in read if v is not None))


def _unreadable(check: Callable[[str], str]) -> Callable[[str], str]:
    def read(value: str) -> str:
        try:
            return check(value)
        except ValueError as error:
            raise Unreadable(str(error)) from None

    return read


def validate_ad(raw: dict[str, Any], warned: RowValues | None = None) -> AdInput:
    """One row as an ad, or ValueError naming the first problem (with `warned`, unreadable
    phones, e-mails and image hashes are left out and noted there instead)."""
    if not _FIELD_SET.issuperset(raw):
        unknown = sorted(raw.keys() - _FIELD_SET)
        raise ValueError(f"unknown column(s): {', '.join(unknown)}")
    texts = _texts(raw)
    for name in REQUIRED:
        if not texts[name]:
            raise ValueError(f"{name} is missing")
    if not texts["title"] and not texts["body"]:
        raise ValueError("the ad has neither title nor body")
    if texts["url"] and not texts["url"].startswith(("http://", "https://")):
        raise ValueError(f"url {texts['url'][:80]!r} is not an http(s) address")
    try:
        texts["posted_at"] = parse_time(texts["posted_at"])
    except ValueError:
        raise ValueError(f"posted_at {texts['posted_at']!r} is not an ISO date") from None
    return AdInput(
        **texts,
        phones=_unique(_as_list(raw.get("phones"), "phones"), _phone, "phones", warned),
        emails=_unique(_as_list(raw.get("emails"), "emails"), _email, "emails", warned),
        image_hashes=_unique(
            _as_list(raw.get("image_hashes"), "hashes"), _image_hash, "image_hashes", warned
        ),
    )


def _json_rows(text: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            yield number, f"not JSON: {error.msg}"
            continue
        yield number, row if isinstance(row, dict) else "a line must be a JSON object"


def _csv_rows(text: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [name for name in REQUIRED if name not in (reader.fieldnames or [])]
    if missing:
        yield 1, f"the header lacks column(s): {', '.join(missing)}"
        return
    expected = len(reader.fieldnames or [])
    for row in reader:
        extra = row.get(None)
        found = expected + len(extra) if isinstance(extra, list) else expected
        found -= sum(1 for k, v in row.items() if k is not None and v is None)
        if found != expected:
            yield reader.line_num, f"{found} fields, expected {expected}"
            continue
        yield reader.line_num, {k: v for k, v in row.items() if v not in (None, "")}


def looks_like_json_lines(text: str) -> bool:
    """JSON lines start with '{'; anything else is read as CSV with a header."""
    return text.lstrip().startswith("{")


def parse_ads(data: bytes, file_name: str) -> list[AdInput]:
    """Every row of a file as an ad, or FileRejected with every bad row."""
    return parse_ads_report(data, file_name)[0]


def parse_ads_report(data: bytes, file_name: str) -> tuple[list[AdInput], list[ValueWarning]]:
    """Every row of a file as an ad and the stated values left out because they could not be
    read; FileRejected with every row that is no ad."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRejected(file_name, [RowError(1, f"not UTF-8 text: {error.reason}")]) from None
    rows = _json_rows(text) if looks_like_json_lines(text) else _csv_rows(text)
    ads, errors, seen = [], [], set()
    warnings: list[ValueWarning] = []
    for number, row in rows:
        warned = RowValues(number)
        try:
            if isinstance(row, str):
                raise ValueError(row)
            ad = validate_ad(row, warned)
            if ad.key in seen:
                raise ValueError(f"ad {ad.key} appears twice in the file")
        except ValueError as error:
            errors.append(RowError(number, str(error)))
            continue
        seen.add(ad.key)
        ads.append(ad)
        warnings.extend(warned.warnings)
    if errors:
        raise FileRejected(file_name, errors)
    if not ads:
        raise FileRejected(file_name, [RowError(1, "the file holds no ads")])
    return ads, warnings


@dataclass(frozen=True)
class ReadAd:
    """An ad with what its text gave away and its indicator score."""

    ad: AdInput
    extraction: Extraction
    score: IndicatorScore

    def identifiers(self) -> dict[tuple[str, str], str]:
        """(kind, value) -> where it was found ('stated' by the site, or in the 'text')."""
        found: dict[tuple[str, str], str] = {}
        for phone in self.ad.phones:
            found[("phone", phone)] = "stated"
        for email in self.ad.emails:
            found[("email", email)] = "stated"
        for image in self.ad.image_hashes:
            found[("image", image)] = "stated"
        if self.ad.account:
            found[("account", f"{self.ad.site}:{self.ad.account}")] = "stated"
        for kind, items in (("phone", self.extraction.phones), ("email", self.extraction.emails)):
            for item in items:
                found.setdefault((kind, item.value), "text")
        for handle in self.extraction.handles:
            found.setdefault(("handle", handle.value), "text")
        return found

    def signals(self, key: int) -> AdSignals:
        """What linking needs of this ad."""
        return AdSignals(key, frozenset(self.identifiers()), self.ad.text)


def read_text(text: str, folded: str | None = None) -> tuple[Extraction, IndicatorScore]:
    """Extract what a text gives away and score it with the ads indicator pack.

    `folded` is `fold(text)` when the caller has it already (the pipeline signs it too).
    """
    folded = fold(text) if folded is None else folded
    extraction = extract_folded(folded)
    return extraction, load_pack(PACK_NAME).evaluate(folded, extraction.features)


def read_ad(ad: AdInput, folded: str | None = None) -> ReadAd:
    """An ad with what its text gives away and its indicator score."""
    extraction, score = read_text(ad.text, folded)
    return ReadAd(ad, extraction, score)
