"""Reading networks: the list, one network's profile, and which network holds an identifier.

A profile is what an investigator needs to act: the ads in time order, the cities over time
(the travel circuit), the phones, e-mails and accounts, the indicators that fired and the
evidence for every link (which identifier two ads share, or how alike their texts are).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctip.matching.normalize import email_key, phone_e164
from ctip.networks.tables import AdIdentifier, AdNetwork, AdNetworkLink, AdNetworkMember, AdRow
from ctip.store.paging import Listing, ListingField

DEFAULT_LIMIT: Final = 50
MAX_LIMIT: Final = 500
IDENTIFIER_KINDS: Final = ("phone", "email", "account", "handle", "image")


@dataclass(frozen=True)
class NetworkSummary:
    """A network in a list."""

    id: str
    status: str
    replaced_by: str | None
    ad_count: int
    first_posted: str
    last_posted: str
    max_indicator_score: float
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class AdSummary:
    """An ad in a network's profile."""

    key: int
    site: str
    ad_id: str
    url: str
    posted_at: str
    location: str
    title: str
    body: str
    indicator_score: float
    indicators: list[dict[str, Any]]
    phones: list[str]


@dataclass(frozen=True)
class IdentifierCount:
    """An identifier of the network and how many of its ads carry it."""

    kind: str
    value: str
    ads: int


@dataclass(frozen=True)
class CityPeriod:
    """A stay of the travel circuit: consecutive ads posted in one city, first and last day."""

    city: str
    first_day: str
    last_day: str
    ads: int


@dataclass(frozen=True)
class IndicatorCount:
    """An indicator and the number of the network's ads it fired on."""

    rule_id: str
    title: str
    ads: int


@dataclass(frozen=True)
class LinkEvidence:
    """Why two ads are in one network."""

    ad_a: str
    ad_b: str
    kind: str
    value: str
    similarity: float | None


@dataclass(frozen=True)
class NetworkProfile:
    """Everything about one network."""

    summary: NetworkSummary
    ads: list[AdSummary]
    circuit: list[CityPeriod]
    identifiers: list[IdentifierCount]
    indicators: list[IndicatorCount]
    links: list[LinkEvidence]


def _summary(row: AdNetwork) -> NetworkSummary:
    return NetworkSummary(
        row.id,
        row.status,
        row.replaced_by,
        row.ad_count,
        row.first_posted,
        row.last_posted,
        row.max_indicator_score,
        row.created_at,
        row.updated_at,
    )


def list_networks(
    session: Session, limit: int = DEFAULT_LIMIT, offset: int = 0, include_replaced: bool = False
) -> list[NetworkSummary]:
    """Active networks, most ads first (replaced ones too when asked)."""
    query = select(AdNetwork)
    if not include_replaced:
        query = query.where(AdNetwork.status == "active")
    query = query.order_by(AdNetwork.ad_count.desc(), AdNetwork.id).limit(limit).offset(offset)
    return [_summary(row) for row in session.execute(query).scalars()]


def network_listing(phone: str = "") -> Listing[NetworkSummary]:
    """Active networks for the workbench's table, paged and sorted in SQL (most ads first by
    default); with a phone, every network holding an ad with it (in any format)."""
    statement = select(AdNetwork)
    if phone:
        ads = select(AdIdentifier.ad).where(
            AdIdentifier.kind == "phone", AdIdentifier.value == lookup_value("phone", phone)
        )
        held = select(AdNetworkMember.network_id).where(AdNetworkMember.ad.in_(ads))
        statement = statement.where(AdNetwork.id.in_(held))
    else:
        statement = statement.where(AdNetwork.status == "active")
    fields = {
        "network": ListingField(AdNetwork.id, searched=True),
        "ads": ListingField(AdNetwork.ad_count),
        "first_posted": ListingField(AdNetwork.first_posted),
        "last_posted": ListingField(AdNetwork.last_posted),
        "score": ListingField(AdNetwork.max_indicator_score),
        "status": ListingField(AdNetwork.status, match="equals"),
    }
    return Listing(statement, fields, lambda row: _summary(row[0]), (AdNetwork.id,))


def ad_summary(row: AdRow) -> AdSummary:
    """An ad as a profile lists it; phones stated by the site and found in the text."""
    return AdSummary(
        row.id,
        row.site,
        row.ad_id,
        row.url,
        row.posted_at,
        row.location,
        row.title,
        row.body,
        row.indicator_score,
        json.loads(row.indicators),
        json.loads(row.phones) + _text_phones(row.extraction),
    )


def _text_phones(extraction: str) -> list[str]:
    return [p["value"] for p in json.loads(extraction).get("phones", [])]


def network_ads(session: Session, network_id: str) -> list[AdRow]:
    """The network's ads, oldest first."""
    query = (
        select(AdRow)
        .join(AdNetworkMember, AdNetworkMember.ad == AdRow.id)
        .where(AdNetworkMember.network_id == network_id)
        .order_by(AdRow.posted_at, AdRow.id)
    )
    return list(session.execute(query).scalars())


def network_identifiers(session: Session, network_id: str) -> list[IdentifierCount]:
    """The network's identifiers, most shared first."""
    query = (
        select(AdIdentifier.kind, AdIdentifier.value)
        .join(AdNetworkMember, AdNetworkMember.ad == AdIdentifier.ad)
        .where(AdNetworkMember.network_id == network_id)
    )
    counts = Counter(tuple(row) for row in session.execute(query))
    order = {kind: i for i, kind in enumerate(IDENTIFIER_KINDS)}
    ranked = sorted(counts.items(), key=lambda kv: (order.get(kv[0][0], 9), -kv[1], kv[0][1]))
    return [IdentifierCount(kind, value, n) for (kind, value), n in ranked]


def _circuit(ads: list[AdRow]) -> list[CityPeriod]:
    """Ads in time order folded into stays: a new stay starts when the city changes."""
    stays: list[CityPeriod] = []
    for ad in ads:
        city, day = ad.location or "(no location)", ad.posted_at[:10]
        if stays and stays[-1].city == city:
            last = stays[-1]
            stays[-1] = CityPeriod(city, last.first_day, day, last.ads + 1)
        else:
            stays.append(CityPeriod(city, day, day, 1))
    return stays


def _indicators(ads: list[AdRow]) -> list[IndicatorCount]:
    counts: Counter[tuple[str, str]] = Counter()
    for ad in ads:
        counts.update((f["rule_id"], f["title"]) for f in json.loads(ad.indicators))
    return [IndicatorCount(rule, title, n) for (rule, title), n in counts.most_common()]


def _links(session: Session, network_id: str, keys: dict[int, str]) -> list[LinkEvidence]:
    rows = session.execute(
        select(AdNetworkLink)
        .where(AdNetworkLink.network_id == network_id)
        .order_by(AdNetworkLink.id)
    ).scalars()
    return [LinkEvidence(keys[r.ad_a], keys[r.ad_b], r.kind, r.value, r.similarity) for r in rows]


def network_profile(session: Session, network_id: str) -> NetworkProfile | None:
    """One network's profile, or None when no network has this id."""
    row = session.get(AdNetwork, network_id)
    if row is None:
        return None
    ads = network_ads(session, network_id)
    keys = {ad.id: f"{ad.site}/{ad.ad_id}" for ad in ads}
    return NetworkProfile(
        _summary(row),
        [ad_summary(ad) for ad in ads],
        _circuit(ads),
        network_identifiers(session, network_id),
        _indicators(ads),
        _links(session, network_id, keys),
    )


def lookup_value(kind: str, value: str) -> str:
    """An identifier typed by a person, normalised the way ads store it."""
    if kind == "phone":
        return phone_e164(value) or phone_e164(value, "US") or value.strip()
    if kind == "email":
        return email_key(value) or value.strip().lower()
    if kind == "image":
        return value.strip().lower()
    return value.strip()


def networks_with(session: Session, kind: str, value: str) -> list[NetworkSummary]:
    """The networks holding an ad with this identifier (phone in any format, e-mail...)."""
    key = lookup_value(kind, value)
    ads = select(AdIdentifier.ad).where(AdIdentifier.kind == kind, AdIdentifier.value == key)
    ids = select(AdNetworkMember.network_id).where(AdNetworkMember.ad.in_(ads)).distinct()
    rows = session.execute(select(AdNetwork).where(AdNetwork.id.in_(ids))).scalars()
    return [_summary(row) for row in rows]


def network_of_ad(session: Session, site: str, ad_id: str) -> list[NetworkSummary]:
    """The network an ad belongs to (an empty list when it stands alone)."""
    ads = select(AdRow.id).where(AdRow.site == site, AdRow.ad_id == ad_id)
    ids = select(AdNetworkMember.network_id).where(AdNetworkMember.ad.in_(ads))
    rows = session.execute(select(AdNetwork).where(AdNetwork.id.in_(ids))).scalars()
    return [_summary(row) for row in rows]


def ads_with_identifier(
    session: Session, network_id: str, kind: str, value: str
) -> list[AdSummary]:
    """The network's ads carrying one identifier: what a node of the graph stands for."""
    query = (
        select(AdRow)
        .join(AdNetworkMember, AdNetworkMember.ad == AdRow.id)
        .join(AdIdentifier, AdIdentifier.ad == AdRow.id)
        .where(
            AdNetworkMember.network_id == network_id,
            AdIdentifier.kind == kind,
            AdIdentifier.value == value,
        )
        .order_by(AdRow.posted_at)
    )
    return [ad_summary(row) for row in session.execute(query).scalars()]
